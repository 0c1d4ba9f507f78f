import { RidgelineError } from '../../errors.ts';
import { glmScratch } from '../kernels/glmPasses.ts';
import type { Design } from '../types.ts';

/** log(1 + e^z) without overflow (z large) or loss of the tail (z very negative). */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** σ(z) = 1/(1 + e^−z), evaluated on the side where the exponential cannot overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Logistic regression needs labels 0/1; anything else is a data error naming the row. */
export function validateLabels(design: Design): void {
  const { y, m } = design;
  for (let i = 0; i < m; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new RidgelineError('BAD_DATA', `logistic regression needs labels 0 or 1; row ${i} has ${y[i]}`);
    }
  }
}

/**
 * One fused pass over X for the log-loss (1/m)Σ[log(1 + e^η_i) − y_i·η_i], η = b + Xw, and its gradient
 * ((1/m)Σ(σ(η)−y), (1/m)Xᵀ(σ(η)−y)). Writes the gradient into `gradW` and [loss, gradB] into `out`;
 * stores η in `eta` when given (the separation check reads it).
 *
 * Per block of rows (kernels/glmPasses.ts): the dot products x_i·w on the WebAssembly kernel (or its
 * TypeScript twin; two lanes, even and odd j, see kernels/reference.ts rowDots), the loss terms and
 * residuals here in row order (exp and log1p have no WebAssembly instruction; Math's are deterministic
 * per engine), then Xᵀ(σ − y) on the kernel in 4-row groups (reference.gradRows). The block is read from
 * memory once and from L2 the second time. The order is fixed by m and p alone: bit-identical results
 * across runs, and between the fast and the TypeScript path.
 */
export function logLossAndGradient(
  design: Design,
  intercept: number,
  w: Float64Array,
  gradW: Float64Array,
  out: Float64Array,
  eta?: Float64Array,
): void {
  const { x, y, m, p } = design;
  const s = glmScratch(p);
  const { heap } = s;
  const h = heap.f64;
  const q = s.q;
  h.set(w.subarray(0, p), s.w);
  h.fill(0, s.g, s.g + p);
  let loss = 0;
  let sumR = 0;
  for (let start = 0; start < m; start += s.rows) {
    const n = Math.min(s.rows, m - start);
    let src: Float64Array | null = null;
    let at = s.x;
    if (heap.fast) h.set(x.subarray(start * p, (start + n) * p), s.x);
    else {
      src = x;
      at = start * p;
    }
    heap.rowDots(src, at, n, p, s.w, q);
    for (let r = 0; r < n; r++) {
      const z = intercept + h[q + r];
      const label = y[start + r];
      if (eta) eta[start + r] = z;
      loss += softplus(z) - label * z;
      const residual = sigmoid(z) - label;
      sumR += residual;
      h[q + r] = residual;
    }
    heap.gradRows(src, at, n, p, q, s.g);
  }
  const invM = 1 / m;
  for (let j = 0; j < p; j++) gradW[j] = h[s.g + j] * invM;
  out[0] = loss * invM;
  out[1] = sumR * invM;
}

/** The log-loss alone. */
export function logLoss(design: Design, intercept: number, w: Float64Array): number {
  const { x, y, m, p } = design;
  let loss = 0;
  for (let i = 0; i < m; i++) {
    const row = i * p;
    let z = intercept;
    for (let j = 0; j < p; j++) z += x[row + j] * w[j];
    loss += softplus(z) - y[i] * z;
  }
  return loss / m;
}

/**
 * Separation certificate. If a direction d = (b, w) gives every row a margin (2y_i − 1)·(b + x_i·w) ≥ 0,
 * some > 0, then moving along d lowers the unpenalized log-loss from any point, so with λ = 0 no
 * minimizer exists (the classes are linearly separable) and every solver would let ‖w‖ grow without
 * bound. `dEta` holds the d's linear predictor per row. Margins down to −1e-9·max|dEta| count as 0 so
 * that rows exactly on the boundary (quasi-complete separation) are caught despite rounding.
 */
export function certifiesSeparation(dEta: Float64Array, y: Float64Array): boolean {
  let scale = 0;
  for (let i = 0; i < dEta.length; i++) scale = Math.max(scale, Math.abs(dEta[i]));
  if (!(scale > 0) || !Number.isFinite(scale)) return false;
  const slack = 1e-9 * scale;
  let positive = false;
  for (let i = 0; i < dEta.length; i++) {
    const margin = y[i] === 1 ? dEta[i] : -dEta[i];
    if (margin < -slack) return false;
    if (margin > slack) positive = true;
  }
  return positive;
}

export function separationReason(iteration: number): string {
  return (
    `the classes are linearly separable (certified at iteration ${iteration}: a direction of the coefficients ` +
    'classifies every row on the correct side), so with λ = 0 the log-loss has no minimizer and the ' +
    'coefficients grow without bound; use λ > 0'
  );
}
