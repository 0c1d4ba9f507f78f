import { RidgelineError } from '../../errors.ts';
import type { Design } from '../types.ts';
import { choleskySolve } from '../linalg/cholesky.ts';
import { accumulateLowerGram } from '../linalg/gram.ts';

/** About this many doubles per row block (all columns of the block, centered): 2 MiB, an L2's worth. */
const BLOCK_DOUBLES = 1 << 18;

/**
 * Exact minimizer of (1/2m)‖y − b − Xw‖² + (λ/2)‖w‖² (ridge, α = 0), with an unpenalized intercept:
 * centering removes b, then (XcᵀXc/m + λI)·w = Xcᵀyc/m is solved by Cholesky and b = ȳ − x̄ᵀw.
 *
 * Forming XcᵀXc is the whole cost (m·p²/2 multiply-adds; the solve is p³/6). The rows go through in
 * blocks: each block is transposed and centered into a column-major buffer with yc as an extra last
 * column, and its cross products are added to the lower triangle of the (p+1)² Gram of [Xc yc]
 * (register tiles, see accumulateLowerGram), whose last row is then Xcᵀyc. Each entry is the sequential
 * sum over rows, so the result does not depend on the block size.
 */
export function ridgeClosedForm(design: Design, lambda: number, fitIntercept: boolean): { intercept: number; coef: Float64Array } {
  const { x, y, m, p } = design;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) {
    for (let i = 0; i < m; i++) {
      yMean += y[i];
      const row = i * p;
      for (let j = 0; j < p; j++) xMean[j] += x[row + j];
    }
    yMean /= m;
    for (let j = 0; j < p; j++) xMean[j] /= m;
  }
  if (p === 0) return { intercept: yMean, coef: new Float64Array(0) };
  const q = p + 1;
  const rows = Math.max(16, Math.min(m, Math.floor(BLOCK_DOUBLES / q)));
  const block = new Float64Array(q * rows);
  const cols: Float64Array[] = [];
  for (let j = 0; j < q; j++) cols.push(block.subarray(j * rows, (j + 1) * rows));
  const acc = new Float64Array(q * q);
  for (let i0 = 0; i0 < m; i0 += rows) {
    const len = Math.min(rows, m - i0);
    // Transposed 32 rows at a time: those rows stay in L1 while every column takes its run of 32.
    for (let t0 = 0; t0 < len; t0 += 32) {
      const t1 = Math.min(len, t0 + 32);
      for (let j = 0; j < p; j++) {
        const col = cols[j];
        const mu = xMean[j];
        for (let t = t0; t < t1; t++) col[t] = x[(i0 + t) * p + j] - mu;
      }
    }
    const yc = cols[p];
    for (let t = 0; t < len; t++) yc[t] = y[i0 + t] - yMean;
    accumulateLowerGram(cols, len, acc);
  }
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    rhs[j] = acc[p * q + j] / m;
    for (let k = 0; k <= j; k++) {
      const v = acc[j * q + k] / m;
      gram[j * p + k] = v;
      gram[k * p + j] = v;
    }
    gram[j * p + j] += lambda;
  }
  let coef: Float64Array;
  try {
    coef = choleskySolve(gram, rhs, p);
  } catch (error) {
    if (error instanceof RidgelineError && lambda === 0) {
      throw new RidgelineError('BAD_DATA', 'the least-squares problem has no unique solution (collinear or constant columns); use λ > 0');
    }
    throw error;
  }
  let intercept = yMean;
  for (let j = 0; j < p; j++) intercept -= xMean[j] * coef[j];
  return { intercept, coef };
}
