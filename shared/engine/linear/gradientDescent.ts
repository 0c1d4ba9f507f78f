import type { Design, FitOptions, FitResult, FitSession, FitHooks } from '../types.ts';
import { MetricLog } from '../metricLog.ts';
import { weightNorms } from '../penalty.ts';
import { squaredLossAndGradient } from './squaredLoss.ts';
import { squaredLossSmoothness } from '../linalg/smoothness.ts';

export const GD_DEFAULTS = { maxIter: 1000, tol: 1e-8 } as const;

/** Losses above this multiple of the starting objective mean the iterates are running away. */
const EXPLOSION_FACTOR = 1e12;

/**
 * Batch gradient descent on the linear model, the textbook rule: every update moves (b, w) by
 * −η·∇J at the current point, ∇J = ((1/m)Σr, (1/m)Xᵀr + λ(1−α)w + λα·sign(w)).
 * The L1 part is a subgradient, so with α > 0 coefficients hover around zero instead of reaching it;
 * fista and cd are the solvers that give exact zeros.
 * Step k of the log is the point after k updates; the fit stops after `maxIter` updates, when
 * ‖∇J‖ ≤ tol, or as soon as the objective is non-finite or rises with a step above 2/L.
 */
export function startLinearGradientDescent(design: Design, options: FitOptions, hooks: FitHooks): FitSession {
  const { p } = design;
  const { lambda, alpha, fitIntercept } = options;
  const maxIter = options.maxIter ?? GD_DEFAULTS.maxIter;
  const tol = options.tol ?? GD_DEFAULTS.tol;
  const l2Weight = lambda * (1 - alpha);
  const l1Weight = lambda * alpha;

  const smoothness = squaredLossSmoothness(design, fitIntercept) + l2Weight;
  const maxStableStep = smoothness > 0 ? 2 / smoothness : Number.POSITIVE_INFINITY;
  const eta = options.learningRate ?? (smoothness > 0 ? 1 / smoothness : 1);

  let intercept = 0;
  const w = new Float64Array(p);
  const gradW = new Float64Array(p);
  const lossOut = new Float64Array(2);
  const log = new MetricLog(Math.min(maxIter + 1, 1 << 16));

  let updates = 0;
  let finished = false;
  let cancelled = false;
  let converged = false;
  let status: FitResult['status'] = 'completed';
  let statusReason: string | null = null;
  let startObjective = Number.NaN;

  /** Evaluates the current point, records it as the next step; returns the full gradient norm. */
  function evaluate(): { objective: number; gradNorm: number } {
    squaredLossAndGradient(design, intercept, w, gradW, lossOut);
    const dataLoss = lossOut[0];
    const norms = weightNorms(w);
    const penalty = lambda === 0 ? 0 : lambda * (alpha * norms.l1 + ((1 - alpha) / 2) * norms.l2 * norms.l2);
    let gradSq = fitIntercept ? lossOut[1] * lossOut[1] : 0;
    for (let j = 0; j < p; j++) {
      const g = gradW[j] + l2Weight * w[j] + (l1Weight === 0 ? 0 : l1Weight * Math.sign(w[j]));
      gradW[j] = g;
      gradSq += g * g;
    }
    const objective = dataLoss + penalty;
    const gradNorm = Math.sqrt(gradSq);
    const row = log.push();
    log.set(row, 'objective', objective);
    log.set(row, 'dataLoss', dataLoss);
    log.set(row, 'penalty', penalty);
    log.set(row, 'l2Norm', norms.l2);
    log.set(row, 'l1Norm', norms.l1);
    log.set(row, 'nonzero', norms.nonzero);
    log.set(row, 'gradNorm', gradNorm);
    log.set(row, 'learningRate', eta);
    if (hooks.now) log.set(row, 'elapsedMs', hooks.now());
    return { objective, gradNorm };
  }

  function checkStop(objective: number, gradNorm: number): boolean {
    if (!Number.isFinite(objective) || !Number.isFinite(gradNorm)) {
      status = 'diverged';
      statusReason = `the objective became ${objective} at iteration ${updates}${stepNote()}`;
      return true;
    }
    if (updates === 0) startObjective = objective;
    else if (objective > EXPLOSION_FACTOR * Math.max(1, startObjective)) {
      status = 'diverged';
      statusReason = `the objective exploded to ${objective} at iteration ${updates}${stepNote()}`;
      return true;
    } else if (l1Weight === 0 && eta > maxStableStep && objective > log.get(log.length - 2, 'objective')) {
      // Below 2/L gradient descent on a smooth convex objective never increases it; above, a rise
      // means the iterates oscillate with growing amplitude along the top eigenvector.
      status = 'diverged';
      statusReason = `the objective rose at iteration ${updates}${stepNote()}`;
      return true;
    }
    if (tol > 0 && gradNorm <= tol) {
      converged = true;
      return true;
    }
    return updates >= maxIter;
  }

  function stepNote(): string {
    return eta > maxStableStep ? `: learning rate ${eta} is above 2/L = ${maxStableStep}` : '';
  }

  const first = evaluate();
  finished = checkStop(first.objective, first.gradNorm);

  return {
    get finished() {
      return finished;
    },
    get stepCount() {
      return log.length;
    },
    metricsSince: (from) => log.since(from),
    cancel() {
      cancelled = true;
    },
    advance(maxSteps) {
      for (let s = 0; s < maxSteps && !finished; s++) {
        if (cancelled) {
          status = 'cancelled';
          statusReason = `cancelled after ${updates} iterations`;
          finished = true;
          break;
        }
        const gradB = lossOut[1];
        if (fitIntercept) intercept -= eta * gradB;
        for (let j = 0; j < p; j++) w[j] -= eta * gradW[j];
        updates++;
        const current = evaluate();
        finished = checkStop(current.objective, current.gradNorm);
      }
      return finished;
    },
    result(): FitResult {
      return {
        model: 'linear',
        solver: 'gd',
        status,
        statusReason,
        intercept,
        coef: Float64Array.from(w),
        layers: null,
        objective: log.last('objective'),
        iterations: updates,
        converged,
        maxStableStep: Number.isFinite(maxStableStep) ? maxStableStep : null,
      };
    },
  };
}
