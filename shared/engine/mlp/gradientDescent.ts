/**
 * Full-batch gradient descent on the MLP, the textbook rule of the linear and logistic gd:
 * θ ← θ − η·(∇f + λ(1−α)·w + λα·sign(w)), the L1 part a subgradient (weights hover around 0 rather than
 * reaching it; fista and the stochastic solvers' proximal step give exact zeros).
 * Step k of the log is the point after k updates. Stops after `maxIter` updates, when the stationarity
 * norm (KKT residual of the weights, gradient of the biases) ≤ tol, or as `diverged` when the objective
 * becomes non-finite or exceeds 1e12·max(1, J₀); a diverged fit returns the last finite parameters.
 */
import { MetricLog } from '../metricLog.ts';
import { iterativeSession, type SessionEnd, type StepOutcome } from '../session.ts';
import type { FitHooks, FitOptions, FitResult, FitSession } from '../types.ts';
import { evaluateAndRecord } from '../stochastic/evaluation.ts';
import { identityOrder, type DifferentiableModel } from '../stochastic/model.ts';
import { penaltyWeights } from '../stochastic/stochasticSession.ts';

export const MLP_GD_DEFAULTS = { maxIter: 1000, tol: 1e-6, learningRate: 0.1 } as const;

const EXPLOSION_FACTOR = 1e12;

export function startFullBatchGradientDescent(
  model: DifferentiableModel,
  theta: Float64Array,
  options: FitOptions,
  hooks: FitHooks,
  result: (theta: Float64Array, objective: number, end: SessionEnd) => FitResult,
): FitSession {
  const maxIter = options.maxIter ?? MLP_GD_DEFAULTS.maxIter;
  const tol = options.tol ?? MLP_GD_DEFAULTS.tol;
  const eta = options.learningRate ?? MLP_GD_DEFAULTS.learningRate;
  const penalty = penaltyWeights(options);
  const n = model.penalizedCount;
  const order = identityOrder(model.rows);
  const grad = new Float64Array(model.size);
  const lastGood = Float64Array.from(theta);
  const log = new MetricLog(Math.min(maxIter + 1, 4096));

  const first = evaluateAndRecord(model, theta, order, grad, penalty, log, hooks, eta);
  const startObjective = first.objective;
  let objective = first.objective;

  const stationary = (gradNorm: number): boolean => tol > 0 && gradNorm <= tol;

  const step = (iteration: number): StepOutcome => {
    for (let j = 0; j < theta.length; j++) {
      let g = grad[j];
      if (j < n) {
        const w = theta[j];
        g += penalty.l2 * w + (w > 0 ? penalty.l1 : w < 0 ? -penalty.l1 : 0);
      }
      theta[j] -= eta * g;
    }
    const current = evaluateAndRecord(model, theta, order, grad, penalty, log, hooks, eta);
    if (!Number.isFinite(current.objective) || current.objective > EXPLOSION_FACTOR * Math.max(1, Math.abs(startObjective))) {
      theta.set(lastGood);
      return {
        done: true,
        status: 'diverged',
        statusReason: `the objective became ${current.objective} at iteration ${iteration} (learning rate ${eta}); the parameters returned are those of iteration ${iteration - 1} (J = ${objective}); lower the learning rate`,
      };
    }
    objective = current.objective;
    lastGood.set(theta);
    if (stationary(current.gradNorm)) return { done: true, converged: true };
    if (iteration >= maxIter) return { done: true, statusReason: tol > 0 ? `stopped after ${maxIter} iterations without reaching tol = ${tol}` : null };
    return { done: false };
  };

  return iterativeSession({
    log,
    first: !Number.isFinite(first.objective)
      ? { done: true, status: 'diverged', statusReason: `the objective is ${first.objective} at the starting point` }
      : stationary(first.gradNorm)
        ? { done: true, converged: true }
        : { done: false },
    step,
    result: (end) => result(theta, objective, end),
  });
}
