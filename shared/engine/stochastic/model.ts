/**
 * The view of a model that the first-order solvers (sgd, adam, and the MLP's gd and fista) need: a flat
 * parameter vector θ and mini-batch gradients of the data loss. Laying θ out as [penalized weights |
 * unpenalized biases] lets the penalty, its proximal step and the weight norms work on one contiguous
 * prefix θ[0, penalizedCount), with no masks in the inner loops.
 */
export interface DifferentiableModel {
  /** Length of θ. */
  readonly size: number;
  /** θ[0, penalizedCount) are the penalized weights; the rest (intercept, biases) is never penalized. */
  readonly penalizedCount: number;
  /** Rows of the training data. */
  readonly rows: number;
  /**
   * Adds scale·∇θ Σ_k loss(row order[k]) over k in [start, end) into `grad` and returns Σ_k loss (the
   * data loss only, unscaled). Parameters that are held fixed (an intercept or biases that are not fitted)
   * receive no gradient, so every update leaves them where they are.
   */
  accumulate(theta: Float64Array, order: Uint32Array, start: number, end: number, scale: number, grad: Float64Array): number;
}

/** 0, 1, …, m−1: the row order of full-data passes, and the start of the shuffled order. */
export function identityOrder(m: number): Uint32Array {
  const order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  return order;
}

/**
 * The full-data loss (1/m)Σloss_i and its gradient into `grad` (overwritten), in one pass.
 */
export function fullLossAndGradient(model: DifferentiableModel, theta: Float64Array, order: Uint32Array, grad: Float64Array): number {
  grad.fill(0);
  const m = model.rows;
  return model.accumulate(theta, order, 0, m, 1 / m, grad) / m;
}
