import type { Design, FitOptions, FitResult, FitSession, FitHooks } from '../types.ts';
import { MetricLog } from '../metricLog.ts';
import { weightNorms } from '../penalty.ts';
import { squaredLossSmoothness } from '../linalg/smoothness.ts';
import { certifiesSeparation, logLossAndGradient, separationReason } from './logLoss.ts';

export const LOGISTIC_GD_DEFAULTS = { maxIter: 1000, tol: 1e-8 } as const;

const EXPLOSION_FACTOR = 1e12;

/**
 * Batch gradient descent on logistic regression, the same textbook rule as the linear gd:
 * (b, w) ← (b, w) − η·∇J, ∇J = ((1/m)Σ(σ−y), (1/m)Xᵀ(σ−y) + λ(1−α)w + λα·sign(w)).
 * Smoothness: the log-loss Hessian is (1/m)X̃ᵀdiag(σ(1−σ))X̃ ⪯ ¼·(1/m)X̃ᵀX̃, so L = ¼·L_linear + λ(1−α)
 * and the default step 1/L is stable from any point. The L1 part is a subgradient (no exact zeros).
 * With λ = 0 the fit ends as `diverged` once the iterate or its last step certifies that the classes
 * are separable (no minimizer exists; see certifiesSeparation).
 */
export function startLogisticGradientDescent(design: Design, options: FitOptions, hooks: FitHooks): FitSession {
  const { p, m } = design;
  const { lambda, alpha, fitIntercept } = options;
  const maxIter = options.maxIter ?? LOGISTIC_GD_DEFAULTS.maxIter;
  const tol = options.tol ?? LOGISTIC_GD_DEFAULTS.tol;
  const l2Weight = lambda * (1 - alpha);
  const l1Weight = lambda * alpha;
  const checkSeparation = lambda === 0;

  const smoothness = 0.25 * squaredLossSmoothness(design, fitIntercept) + l2Weight;
  const maxStableStep = smoothness > 0 ? 2 / smoothness : Number.POSITIVE_INFINITY;
  const eta = options.learningRate ?? (smoothness > 0 ? 1 / smoothness : 1);

  let intercept = 0;
  const w = new Float64Array(p);
  const gradW = new Float64Array(p);
  const lossOut = new Float64Array(2);
  const linear = new Float64Array(m);
  const prevLinear = new Float64Array(m);
  const dLinear = new Float64Array(m);
  const log = new MetricLog(Math.min(maxIter + 1, 1 << 16));

  let updates = 0;
  let finished = false;
  let cancelled = false;
  let converged = false;
  let status: FitResult['status'] = 'completed';
  let statusReason: string | null = null;
  let startObjective = Number.NaN;

  function evaluate(): { objective: number; gradNorm: number } {
    logLossAndGradient(design, intercept, w, gradW, lossOut, linear);
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

  function stepNote(): string {
    return eta > maxStableStep ? `: learning rate ${eta} is above 2/L = ${maxStableStep}` : '';
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
      status = 'diverged';
      statusReason = `the objective rose at iteration ${updates}${stepNote()}`;
      return true;
    }
    if (checkSeparation && updates > 0) {
      for (let i = 0; i < m; i++) dLinear[i] = linear[i] - prevLinear[i];
      if (certifiesSeparation(linear, design.y) || certifiesSeparation(dLinear, design.y)) {
        status = 'diverged';
        statusReason = separationReason(updates);
        return true;
      }
    }
    prevLinear.set(linear);
    if (tol > 0 && gradNorm <= tol) {
      converged = true;
      return true;
    }
    return updates >= maxIter;
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
        if (fitIntercept) intercept -= eta * lossOut[1];
        for (let j = 0; j < p; j++) w[j] -= eta * gradW[j];
        updates++;
        const current = evaluate();
        finished = checkStop(current.objective, current.gradNorm);
      }
      return finished;
    },
    result(): FitResult {
      return {
        model: 'logistic',
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
