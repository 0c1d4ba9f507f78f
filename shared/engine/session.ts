/**
 * The bookkeeping every iterative solver shares: a metric log, cancel between steps, the end status.
 * A solver supplies `step` (one update, which records its own metric row) and a result builder.
 */
import { MetricLog } from './metricLog.ts';
import { weightNorms } from './penalty.ts';
import type { FitHooks, FitResult, FitSession, FitStatus } from './types.ts';

export interface StepOutcome {
  done: boolean;
  converged?: boolean;
  status?: FitStatus;
  statusReason?: string | null;
}

export interface SessionEnd {
  status: FitStatus;
  statusReason: string | null;
  converged: boolean;
  iterations: number;
}

export interface MetricRow {
  dataLoss: number;
  penalty: number;
  gradNorm: number;
  learningRate?: number;
}

/** Appends one step's metrics (objective = dataLoss + penalty; norms of w). */
export function recordStep(log: MetricLog, hooks: FitHooks, w: Float64Array, row: MetricRow): number {
  const norms = weightNorms(w);
  const k = log.push();
  const objective = row.dataLoss + row.penalty;
  log.set(k, 'objective', objective);
  log.set(k, 'dataLoss', row.dataLoss);
  log.set(k, 'penalty', row.penalty);
  log.set(k, 'l2Norm', norms.l2);
  log.set(k, 'l1Norm', norms.l1);
  log.set(k, 'nonzero', norms.nonzero);
  log.set(k, 'gradNorm', row.gradNorm);
  if (row.learningRate !== undefined) log.set(k, 'learningRate', row.learningRate);
  if (hooks.now) log.set(k, 'elapsedMs', hooks.now());
  return objective;
}

/**
 * Wraps a step function into a FitSession. `first` is the outcome of recording step 0 (a start that is
 * already optimal or invalid ends the fit before any update). `finish` runs once when the fit ends
 * (e.g. to replace the last row's objective by an exact evaluation).
 */
export function iterativeSession(spec: {
  log: MetricLog;
  first: StepOutcome;
  step: (iteration: number) => StepOutcome;
  finish?: (end: SessionEnd) => void;
  result: (end: SessionEnd) => FitResult;
}): FitSession {
  const { log } = spec;
  const end: SessionEnd = { status: 'completed', statusReason: null, converged: false, iterations: 0 };
  let finished = false;
  let cancelled = false;
  const apply = (o: StepOutcome): void => {
    if (o.status) end.status = o.status;
    if (o.statusReason !== undefined) end.statusReason = o.statusReason;
    if (o.converged) end.converged = true;
    if (o.done) {
      finished = true;
      spec.finish?.(end);
    }
  };
  apply(spec.first);
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
          apply({ done: true, status: 'cancelled', statusReason: `cancelled after ${end.iterations} iterations` });
          break;
        }
        end.iterations++;
        apply(spec.step(end.iterations));
      }
      return finished;
    },
    result: () => spec.result(end),
  };
}
