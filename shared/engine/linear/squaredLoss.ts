import type { Design } from '../types.ts';

/** Rows per block of the fused kernel (see squaredLossAndGradient). */
const BLOCK = 8;

/**
 * One fused pass over X: the residuals r = b + Xw − y give both the data loss (1/2m)Σr² and its
 * gradient ((1/m)Σr, (1/m)Xᵀr), so an iteration reads X once (numpy needs two passes for the same).
 * Writes the gradient into `gradW` (length p) and returns [loss, gradB] through `out`.
 *
 * Why blocks of 8 rows: the 8 residuals are 8 independent dot products (V8 emits scalar code, so
 * independent chains are what keeps the FP units busy instead of waiting on one accumulator), and the
 * gradient update then reads and writes each g_j once per 8 rows instead of once per row. The rows stay
 * in L1 between the two loops. The summation order is fixed by m and p alone (blocks in row order,
 * the 8 products summed as ((q0x0 + q1x1) + (q2x2 + q3x3)) + (…)), so results are bit-identical
 * across runs. No allocation.
 */
export function squaredLossAndGradient(
  design: Design,
  intercept: number,
  w: Float64Array,
  gradW: Float64Array,
  out: Float64Array,
): void {
  const { x, y, m, p } = design;
  gradW.fill(0);
  let sumSq = 0;
  let sumR = 0;
  const b = intercept;
  let i = 0;
  for (; i + BLOCK <= m; i += BLOCK) {
    const o0 = i * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    const o4 = o3 + p;
    const o5 = o4 + p;
    const o6 = o5 + p;
    const o7 = o6 + p;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let j = 0; j < p; j++) {
      const wj = w[j];
      a0 += x[o0 + j] * wj;
      a1 += x[o1 + j] * wj;
      a2 += x[o2 + j] * wj;
      a3 += x[o3 + j] * wj;
      a4 += x[o4 + j] * wj;
      a5 += x[o5 + j] * wj;
      a6 += x[o6 + j] * wj;
      a7 += x[o7 + j] * wj;
    }
    const q0 = b - y[i] + a0;
    const q1 = b - y[i + 1] + a1;
    const q2 = b - y[i + 2] + a2;
    const q3 = b - y[i + 3] + a3;
    const q4 = b - y[i + 4] + a4;
    const q5 = b - y[i + 5] + a5;
    const q6 = b - y[i + 6] + a6;
    const q7 = b - y[i + 7] + a7;
    sumSq += q0 * q0 + q1 * q1 + q2 * q2 + q3 * q3 + q4 * q4 + q5 * q5 + q6 * q6 + q7 * q7;
    sumR += q0 + q1 + q2 + q3 + q4 + q5 + q6 + q7;
    for (let j = 0; j < p; j++) {
      gradW[j] +=
        q0 * x[o0 + j] + q1 * x[o1 + j] + (q2 * x[o2 + j] + q3 * x[o3 + j]) + (q4 * x[o4 + j] + q5 * x[o5 + j] + (q6 * x[o6 + j] + q7 * x[o7 + j]));
    }
  }
  for (; i < m; i++) {
    const row = i * p;
    let r = b - y[i];
    for (let j = 0; j < p; j++) r += x[row + j] * w[j];
    sumSq += r * r;
    sumR += r;
    for (let j = 0; j < p; j++) gradW[j] += r * x[row + j];
  }
  const invM = 1 / m;
  for (let j = 0; j < p; j++) gradW[j] *= invM;
  out[0] = 0.5 * sumSq * invM;
  out[1] = sumR * invM;
}

/** The data loss alone, (1/2m)‖b + Xw − y‖² (4 rows at a time: independent dot products, as above). */
export function squaredLoss(design: Design, intercept: number, w: Float64Array): number {
  const { x, y, m, p } = design;
  let sumSq = 0;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const o0 = i * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    let a0 = intercept - y[i];
    let a1 = intercept - y[i + 1];
    let a2 = intercept - y[i + 2];
    let a3 = intercept - y[i + 3];
    for (let j = 0; j < p; j++) {
      const wj = w[j];
      a0 += x[o0 + j] * wj;
      a1 += x[o1 + j] * wj;
      a2 += x[o2 + j] * wj;
      a3 += x[o3 + j] * wj;
    }
    sumSq += a0 * a0 + a1 * a1 + (a2 * a2 + a3 * a3);
  }
  for (; i < m; i++) {
    const row = i * p;
    let r = intercept - y[i];
    for (let j = 0; j < p; j++) r += x[row + j] * w[j];
    sumSq += r * r;
  }
  return (0.5 * sumSq) / m;
}
