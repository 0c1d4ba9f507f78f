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
  const x = Float64Array.from(b);
  const pivot = choleskySolveInPlace(l, x, n);
  if (pivot >= 0) {
    throw new RidgelineError('BAD_DATA', `the system is not positive definite at pivot ${pivot} (collinear columns with λ(1−α) = 0?)`);
  }
  return x;
}

/**
 * The same solve without copies: `a` (the first n×n entries, row-major) is overwritten by its Cholesky
 * factor (lower triangle) and `b` by the solution. Returns -1, or the pivot at which `a` proved not
 * positive definite (then `a` and `b` hold partial results), for callers to whom that is an answer.
 */
export function choleskySolveInPlace(a: Float64Array, b: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return j;
    const djj = Math.sqrt(d);
    a[j * n + j] = djj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / djj;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= a[k * n + i] * b[k];
    b[i] = s / a[i * n + i];
  }
  return -1;
}
