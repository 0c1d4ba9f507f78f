import type { Design } from '../types.ts';

/**
 * One fused pass over X: the residuals r = b + Xw − y give both the data loss (1/2m)Σr² and its
 * gradient ((1/m)Σr, (1/m)Xᵀr), so an iteration reads X once (numpy needs two passes for the same).
 * Writes the gradient into `gradW` (length p) and returns [loss, gradB] through `out`.
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
  for (let i = 0; i < m; i++) {
    const row = i * p;
    let r = intercept - y[i];
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

/** The data loss alone, (1/2m)‖b + Xw − y‖². */
export function squaredLoss(design: Design, intercept: number, w: Float64Array): number {
  const { x, y, m, p } = design;
  let sumSq = 0;
  for (let i = 0; i < m; i++) {
    const row = i * p;
    let r = intercept - y[i];
    for (let j = 0; j < p; j++) r += x[row + j] * w[j];
    sumSq += r * r;
  }
  return (0.5 * sumSq) / m;
}
