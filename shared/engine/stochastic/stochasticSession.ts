/**
 * Mini-batch sgd and adam as a FitSession, for any DifferentiableModel (linear, logistic, MLP).
 * - One step = one epoch: the rows are shuffled by the seeded PCG64 (numpy's Generator.shuffle), then
 *   visited in batches of `batchSize` (the last batch may be smaller; each batch gradient is its mean).
 * - The learning rate of epoch k is η·lrDecay^(k−1) (a per-epoch geometric decay, 1 = constant); the
 *   decay is what lets a stochastic method settle on the optimum instead of hovering at a noise level
 *   proportional to η.
 * - After every epoch the parameters are evaluated on the full data (objective, data loss, penalty, norms
 *   of the penalized weights, and the stationarity/KKT norm from one full-gradient pass) and recorded.
 * - Stops after `maxIter` epochs; or, with tol > 0, when the full objective changed by at most
 *   tol·|J| over the last epoch (relative change, so it means the same on any scale of the loss); or as
 *   `diverged` when the objective becomes non-finite or exceeds 1e12·max(1, J₀). A diverged fit returns
 *   the parameters of the last finite epoch (never NaN) and says so in its reason.
 */
import { MetricLog } from '../metricLog.ts';
import type { Pcg64 } from '../random/pcg64.ts';
import { iterativeSession, type SessionEnd, type StepOutcome } from '../session.ts';
import type { FitHooks, FitOptions, FitResult, FitSession } from '../types.ts';
import { evaluateAndRecord } from './evaluation.ts';
import { identityOrder, type DifferentiableModel } from './model.ts';
import { Adam, MomentumSgd, type PenaltyWeights, type ProximalOptimizer } from './optimizers.ts';

export const STOCHASTIC_DEFAULTS = {
  /** Epochs. */
  maxIter: 100,
  /** Relative change of the full objective over one epoch. */
  tol: 1e-6,
  /** Kingma & Ba's (and every framework's) default. */
  adamLearningRate: 1e-3,
  /** sgd on an MLP (Keras' default); linear and logistic models use 1/L_max instead (see GlmModel). */
  sgdLearningRate: 0.01,
} as const;

/** Objectives above this multiple of max(1, J₀) mean the iterates are running away. */
const EXPLOSION_FACTOR = 1e12;

export type StochasticSolver = 'sgd' | 'adam';

export interface StochasticSpec {
  model: DifferentiableModel;
  /** The starting point; updated in place. */
  theta: Float64Array;
  solver: StochasticSolver;
  options: FitOptions;
  learningRate: number;
  rng: Pcg64;
  hooks: FitHooks;
  /** A model-specific check after each epoch's evaluation (e.g. a separation certificate). */
  afterEpoch?: (theta: Float64Array, epoch: number) => StepOutcome | null;
  /** Builds the result from the final parameters and their (full-data) objective. */
  result: (theta: Float64Array, objective: number, end: SessionEnd) => FitResult;
}

export function penaltyWeights(options: Pick<FitOptions, 'lambda' | 'alpha'>): PenaltyWeights {
  return { l1: options.lambda * options.alpha, l2: options.lambda * (1 - options.alpha) };
}

export function startStochastic(spec: StochasticSpec): FitSession {
  const { model, theta, options, rng, hooks } = spec;
  const maxIter = options.maxIter ?? STOCHASTIC_DEFAULTS.maxIter;
  const tol = options.tol ?? STOCHASTIC_DEFAULTS.tol;
  const m = model.rows;
  const batchSize = Math.min(options.batchSize, m);
  const penalty = penaltyWeights(options);
  const optimizer: ProximalOptimizer =
    spec.solver === 'adam'
      ? new Adam(model.size, model.penalizedCount, penalty)
      : new MomentumSgd(model.size, model.penalizedCount, penalty, options.momentum);

  const order = identityOrder(m);
  const fullOrder = identityOrder(m);
  const grad = new Float64Array(model.size);
  const lastGood = Float64Array.from(theta);
  const log = new MetricLog(Math.min(maxIter + 1, 4096));

  let learningRate = spec.learningRate;
  const first = evaluateAndRecord(model, theta, fullOrder, grad, penalty, log, hooks, learningRate);
  const startObjective = first.objective;
  let objective = first.objective;
  let lastGoodEpoch = 0;

  const divergedAt = (value: number, epoch: number, how: string): StepOutcome => {
    theta.set(lastGood);
    const reason =
      `the objective ${how} ${value} in epoch ${epoch} (learning rate ${learningRate}); ` +
      (lastGoodEpoch > 0
        ? `the parameters returned are those after epoch ${lastGoodEpoch} (J = ${objective}); `
        : 'the parameters returned are the starting point; ') +
      'lower the learning rate';
    return { done: true, status: 'diverged', statusReason: reason };
  };

  const step = (epoch: number): StepOutcome => {
    if (epoch > 1) learningRate *= options.lrDecay;
    rng.shuffle(order);
    for (let start = 0; start < m; start += batchSize) {
      const end = Math.min(start + batchSize, m);
      grad.fill(0);
      model.accumulate(theta, order, start, end, 1 / (end - start), grad);
      optimizer.update(theta, grad, learningRate);
    }
    const current = evaluateAndRecord(model, theta, fullOrder, grad, penalty, log, hooks, learningRate).objective;
    if (!Number.isFinite(current)) return divergedAt(current, epoch, 'became');
    if (current > EXPLOSION_FACTOR * Math.max(1, Math.abs(startObjective))) return divergedAt(current, epoch, 'exploded to');
    const previous = objective;
    objective = current;
    lastGood.set(theta);
    lastGoodEpoch = epoch;
    const extra = spec.afterEpoch?.(theta, epoch);
    if (extra) return extra;
    if (tol > 0 && Math.abs(previous - current) <= tol * Math.abs(current)) {
      return { done: true, converged: true, statusReason: `the objective changed by at most tol = ${tol} (relative) over epoch ${epoch}` };
    }
    if (epoch >= maxIter) {
      return { done: true, statusReason: tol > 0 ? `stopped after ${maxIter} epochs with the objective still changing by more than tol = ${tol} (relative) per epoch` : null };
    }
    return { done: false };
  };

  return iterativeSession({
    log,
    first: Number.isFinite(first.objective)
      ? { done: false }
      : { done: true, status: 'diverged', statusReason: `the objective is ${first.objective} at the starting point` },
    step,
    result: (end) => spec.result(theta, objective, end),
  });
}
