import { sigmoid, softplus } from '../logistic/logLoss.ts';
import type { GlmKind } from '../objective.ts';
import type { Design } from '../types.ts';
import type { DifferentiableModel } from './model.ts';

/**
 * Linear (squared loss ½(ŷ−y)²) and logistic (log-loss, labels 0/1) regression as a DifferentiableModel:
 * θ = [w_1 … w_p, b]. One fused sweep per row computes the residual r (ŷ − y, or σ(η) − y) and adds
 * r·x_i to the gradient, so a mini-batch reads its rows of X once.
 */
export class GlmModel implements DifferentiableModel {
  readonly size: number;
  readonly penalizedCount: number;
  readonly rows: number;

  constructor(
    private readonly design: Design,
    private readonly kind: GlmKind,
    private readonly fitIntercept: boolean,
  ) {
    this.size = design.p + 1;
    this.penalizedCount = design.p;
    this.rows = design.m;
  }

  accumulate(theta: Float64Array, order: Uint32Array, start: number, end: number, scale: number, grad: Float64Array): number {
    const { x, y, p } = this.design;
    const b = theta[p];
    const logistic = this.kind === 'logistic';
    let loss = 0;
    let gradB = 0;
    for (let k = start; k < end; k++) {
      const i = order[k];
      const row = i * p;
      let z = b;
      for (let j = 0; j < p; j++) z += x[row + j] * theta[j];
      let r: number;
      if (logistic) {
        loss += softplus(z) - y[i] * z;
        r = sigmoid(z) - y[i];
      } else {
        r = z - y[i];
        loss += 0.5 * r * r;
      }
      if (r === 0) continue;
      r *= scale;
      gradB += r;
      for (let j = 0; j < p; j++) grad[j] += r * x[row + j];
    }
    if (this.fitIntercept) grad[p] += gradB;
    return loss;
  }

  /** η = b + Xw for every row (the separation certificate reads it). */
  linearPredictor(theta: Float64Array, out: Float64Array): void {
    const { x, m, p } = this.design;
    for (let i = 0; i < m; i++) {
      const row = i * p;
      let z = theta[p];
      for (let j = 0; j < p; j++) z += x[row + j] * theta[j];
      out[i] = z;
    }
  }

  /**
   * The largest per-row smoothness constant of the objective, c·max_i(‖x_i‖² + [intercept]) + λ(1−α),
   * c = 1 (squared loss) or ¼ (log-loss). Every mini-batch objective's gradient is Lipschitz with at
   * most this constant, so a step of 1/L_max is stable for every batch size (for least squares each
   * update is then a non-expansive map), which is why it is the default sgd step for these models.
   */
  maxRowSmoothness(l2Weight: number): number {
    const { x, m, p } = this.design;
    let max = 0;
    for (let i = 0; i < m; i++) {
      const row = i * p;
      let sq = this.fitIntercept ? 1 : 0;
      for (let j = 0; j < p; j++) sq += x[row + j] * x[row + j];
      if (sq > max) max = sq;
    }
    return (this.kind === 'logistic' ? 0.25 : 1) * max + l2Weight;
  }
}
