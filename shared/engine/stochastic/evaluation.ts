import type { MetricLog } from '../metricLog.ts';
import { recordStep } from '../session.ts';
import type { FitHooks } from '../types.ts';
import { fullLossAndGradient, type DifferentiableModel } from './model.ts';
import type { PenaltyWeights } from './optimizers.ts';

export interface Evaluation {
  dataLoss: number;
  penalty: number;
  objective: number;
  gradNorm: number;
}

/** λ(1−α)/2·‖w‖² + λα‖w‖₁ over the penalized prefix of θ. */
export function penaltyOf(theta: Float64Array, penalizedCount: number, penalty: PenaltyWeights): number {
  if (penalty.l1 === 0 && penalty.l2 === 0) return 0;
  let l1 = 0;
  let l2sq = 0;
  for (let j = 0; j < penalizedCount; j++) {
    l1 += Math.abs(theta[j]);
    l2sq += theta[j] * theta[j];
  }
  return penalty.l1 * l1 + 0.5 * penalty.l2 * l2sq;
}

/**
 * First-order optimality of θ for the full objective, given the full data-loss gradient: the KKT residual
 * of every penalized weight (0 at a correct exact zero, unlike a subgradient norm) and the plain gradient
 * of every unpenalized parameter (fixed parameters have gradient 0), as one Euclidean norm.
 */
export function stationarityNorm(theta: Float64Array, grad: Float64Array, penalizedCount: number, penalty: PenaltyWeights): number {
  const { l1, l2 } = penalty;
  let sq = 0;
  for (let j = 0; j < theta.length; j++) {
    let r = grad[j];
    if (j < penalizedCount) {
      // kkt.ts's residual, with λα and λ(1−α) given directly.
      const w = theta[j];
      if (w !== 0) r = r + l2 * w + (w > 0 ? l1 : -l1);
      else r = Math.max(0, Math.abs(r) - l1);
    }
    sq += r * r;
  }
  return Math.sqrt(sq);
}

/**
 * Evaluates θ on the full data (loss, penalty, stationarity) and records it as the next metric row.
 * `grad` receives the full data-loss gradient.
 */
export function evaluateAndRecord(
  model: DifferentiableModel,
  theta: Float64Array,
  order: Uint32Array,
  grad: Float64Array,
  penalty: PenaltyWeights,
  log: MetricLog,
  hooks: FitHooks,
  learningRate: number,
): Evaluation {
  const dataLoss = fullLossAndGradient(model, theta, order, grad);
  const pen = penaltyOf(theta, model.penalizedCount, penalty);
  const gradNorm = stationarityNorm(theta, grad, model.penalizedCount, penalty);
  const objective = recordStep(log, hooks, theta.subarray(0, model.penalizedCount), { dataLoss, penalty: pen, gradNorm, learningRate });
  return { dataLoss, penalty: pen, objective, gradNorm };
}
