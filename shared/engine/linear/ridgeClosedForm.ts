import { RidgelineError } from '../../errors.ts';
import type { Design } from '../types.ts';
import { choleskySolve } from '../linalg/cholesky.ts';

/**
 * Exact minimizer of (1/2m)‖y − b − Xw‖² + (λ/2)‖w‖² (ridge, α = 0), with an unpenalized intercept:
 * centering removes b, then (XcᵀXc/m + λI)·w = Xcᵀyc/m is solved by Cholesky and b = ȳ − x̄ᵀw.
 */
export function ridgeClosedForm(design: Design, lambda: number, fitIntercept: boolean): { intercept: number; coef: Float64Array } {
  const { x, y, m, p } = design;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) {
    for (let i = 0; i < m; i++) {
      yMean += y[i];
      for (let j = 0; j < p; j++) xMean[j] += x[i * p + j];
    }
    yMean /= m;
    for (let j = 0; j < p; j++) xMean[j] /= m;
  }
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const centered = new Float64Array(p);
  for (let i = 0; i < m; i++) {
    const row = i * p;
    for (let j = 0; j < p; j++) centered[j] = x[row + j] - xMean[j];
    const yc = y[i] - yMean;
    for (let j = 0; j < p; j++) {
      const cj = centered[j];
      rhs[j] += cj * yc;
      for (let k = 0; k <= j; k++) gram[j * p + k] += cj * centered[k];
    }
  }
  for (let j = 0; j < p; j++) {
    rhs[j] /= m;
    for (let k = 0; k <= j; k++) {
      const v = gram[j * p + k] / m;
      gram[j * p + k] = v;
      gram[k * p + j] = v;
    }
    gram[j * p + j] += lambda;
  }
  if (p === 0) return { intercept: yMean, coef: new Float64Array(0) };
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
