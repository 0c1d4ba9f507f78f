import type { Design, FitOptions, FitResult, FitSession, FitHooks } from '../types.ts';
import { MetricLog } from '../metricLog.ts';
import { elasticNetPenalty, weightNorms } from '../penalty.ts';
import { squaredLoss } from './squaredLoss.ts';
import { ridgeClosedForm } from './ridgeClosedForm.ts';

/** The closed-form ridge solve as a two-step session: step 0 is the zero start, step 1 the optimum. */
export function startRidgeClosedForm(design: Design, options: FitOptions, hooks: FitHooks): FitSession {
  const log = new MetricLog(2);
  const record = (intercept: number, w: Float64Array): number => {
    const dataLoss = squaredLoss(design, intercept, w);
    const penalty = elasticNetPenalty(w, options.lambda, 0);
    const norms = weightNorms(w);
    const row = log.push();
    log.set(row, 'objective', dataLoss + penalty);
    log.set(row, 'dataLoss', dataLoss);
    log.set(row, 'penalty', penalty);
    log.set(row, 'l2Norm', norms.l2);
    log.set(row, 'l1Norm', norms.l1);
    log.set(row, 'nonzero', norms.nonzero);
    if (hooks.now) log.set(row, 'elapsedMs', hooks.now());
    return dataLoss + penalty;
  };
  record(0, new Float64Array(design.p));
  let solution: { intercept: number; coef: Float64Array } | null = null;
  let cancelled = false;
  return {
    get finished() {
      return solution !== null || cancelled;
    },
    get stepCount() {
      return log.length;
    },
    metricsSince: (from) => log.since(from),
    cancel() {
      cancelled = solution === null;
    },
    advance() {
      if (solution === null && !cancelled) {
        solution = ridgeClosedForm(design, options.lambda, options.fitIntercept);
        record(solution.intercept, solution.coef);
      }
      return true;
    },
    result(): FitResult {
      const s = solution ?? { intercept: 0, coef: new Float64Array(design.p) };
      return {
        model: 'linear',
        solver: 'closed',
        status: solution ? 'completed' : 'cancelled',
        statusReason: solution ? null : 'cancelled before the solve',
        intercept: s.intercept,
        coef: s.coef,
        layers: null,
        objective: log.last('objective'),
        iterations: solution ? 1 : 0,
        converged: solution !== null,
        maxStableStep: null,
      };
    },
  };
}
