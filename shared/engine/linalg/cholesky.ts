import { RidgelineError } from '../../errors.ts';

/**
 * Solves A·x = b for symmetric positive-definite A (n×n, row-major) by Cholesky, in place on copies.
 * Cholesky because the ridge normal equations are SPD by construction and it is the cheapest stable
 * direct method for them (n³/6 flops, no pivoting needed).
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new RidgelineError('INTERNAL', `cholesky: matrix has ${a.length} entries, expected ${n}×${n}`);
  if (b.length !== n) throw new RidgelineError('INTERNAL', `cholesky: right-hand side has ${b.length} entries, expected ${n}`);
  const l = Float64Array.from(a);
  for (let j = 0; j < n; j++) {
    let d = l[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0)) {
      throw new RidgelineError('BAD_DATA', `the system is not positive definite at pivot ${j} (collinear columns with λ(1−α) = 0?)`);
    }
    const djj = Math.sqrt(d);
    l[j * n + j] = djj;
    for (let i = j + 1; i < n; i++) {
      let s = l[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / djj;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k];
    x[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
