/**
 * Coordinate descent as a FitSession.
 * Linear: one step = one CD pass in glmnet's control flow — a full pass over all columns or a pass
 * over the active set (glmnet counts both toward `maxit`; so does `maxIter` here).
 * Logistic: one step = one outer proximal-Newton (IRLS) iteration, inner passes included.
 * Step 0 is the start: the null model (w = 0, intercept at its optimum for w = 0), as in glmnet.
 * `init: 'random'` is ignored: CD's start does not matter for a convex problem and the null model is
 * the natural warm start.
 */
import { kktNorm } from '../kkt.ts';
import { separationReason } from '../logistic/logLoss.ts';
import { MetricLog } from '../metricLog.ts';
import { dataLoss } from '../objective.ts';
import { elasticNetPenalty } from '../penalty.ts';
import { iterativeSession, recordStep, type StepOutcome } from '../session.ts';
import type { Design, FitHooks, FitOptions, FitResult, FitSession } from '../types.ts';
import { LinearCd } from './linearCd.ts';
import { LogisticCd } from './logisticCd.ts';

/**
 * Defaults. tol 1e-20 on glmnet's scale (max v_j·Δw_j² relative to var(y)) means coefficient changes
 * below ~1e-10 standard deviations of y per standard deviation of x_j — CD's linear convergence then
 * leaves the objective at rounding level and KKT residuals ~1e-10 relative, which is what "match
 * glmnet/scikit-learn to optimizer precision" needs; a pass that changes nothing ends the fit earlier.
 * glmnet's own default is 1e-7 (its references here were made with 1e-16).
 */
export const CD_DEFAULTS = { maxIter: 100000, tol: 1e-20, logisticMaxIter: 1000 } as const;

export function startLinearCd(design: Design, options: FitOptions, hooks: FitHooks): FitSession {
  const { lambda, alpha, fitIntercept } = options;
  const maxIter = options.maxIter ?? CD_DEFAULTS.maxIter;
  const tol = options.tol ?? CD_DEFAULTS.tol;
  const cd = new LinearCd(design, fitIntercept);
  cd.setPenalty(lambda, alpha);
  const threshold = tol * cd.scale;
  const log = new MetricLog(Math.min(maxIter + 1, 1024));
  const gradW = new Float64Array(design.p);

  const record = (): void => {
    cd.refreshGradient();
    for (let j = 0; j < design.p; j++) gradW[j] = -cd.negGrad[j];
    const loss = cd.loss();
    recordStep(log, hooks, cd.w, {
      dataLoss: loss,
      penalty: elasticNetPenalty(cd.w, lambda, alpha),
      gradNorm: kktNorm(gradW, 0, cd.w, lambda, alpha, false),
    });
  };
  record();

  const step = (iteration: number): StepOutcome => {
    const settled = cd.pass(threshold);
    record();
    const objective = log.last('objective');
    if (!Number.isFinite(objective)) {
      return { done: true, status: 'diverged', statusReason: `the objective became ${objective} at pass ${iteration}` };
    }
    if (settled && tol > 0) return { done: true, converged: true };
    if (iteration >= maxIter) {
      return { done: true, statusReason: `stopped after ${maxIter} passes without reaching tol = ${tol} (max v·Δw² = threshold scale ${cd.scale})` };
    }
    return { done: false };
  };

  let finalObjective = Number.NaN;
  return iterativeSession({
    log,
    first: { done: design.p === 0, converged: design.p === 0 },
    step,
    finish() {
      // The per-pass loss comes from Gram identities; report the exact objective at the end.
      const row = log.length - 1;
      const loss = dataLoss(design, 'linear', cd.intercept(), cd.w);
      const penalty = elasticNetPenalty(cd.w, lambda, alpha);
      finalObjective = loss + penalty;
      log.set(row, 'dataLoss', loss);
      log.set(row, 'objective', finalObjective);
    },
    result: (end): FitResult => ({
      model: 'linear',
      solver: 'cd',
      status: end.status,
      statusReason: end.statusReason,
      intercept: cd.intercept(),
      coef: Float64Array.from(cd.w),
      layers: null,
      objective: Number.isNaN(finalObjective) ? log.last('objective') : finalObjective,
      iterations: end.iterations,
      converged: end.converged,
      maxStableStep: null,
    }),
  });
}

export function startLogisticCd(design: Design, options: FitOptions, hooks: FitHooks): FitSession {
  const { lambda, alpha, fitIntercept } = options;
  const maxIter = options.maxIter ?? CD_DEFAULTS.logisticMaxIter;
  const tol = options.tol ?? CD_DEFAULTS.tol;
  const cd = new LogisticCd(design, fitIntercept);
  cd.setPenalty(lambda, alpha);
  const log = new MetricLog(Math.min(maxIter + 1, 1024));
  const gradW = new Float64Array(design.p);

  const record = (): number => {
    const gb = cd.gradient(gradW);
    return recordStep(log, hooks, cd.w, {
      dataLoss: cd.loss(),
      penalty: cd.penalty(),
      gradNorm: kktNorm(gradW, gb, cd.w, lambda, alpha, fitIntercept),
    });
  };
  let objective = record();

  const step = (iteration: number): StepOutcome => {
    const outcome = cd.outerStep(tol, objective);
    objective = record();
    if (!Number.isFinite(objective)) {
      return { done: true, status: 'diverged', statusReason: `the objective became ${objective} at iteration ${iteration}` };
    }
    if (outcome.separable) return { done: true, status: 'diverged', statusReason: separationReason(iteration) };
    if (outcome.converged && tol > 0) return { done: true, converged: true };
    if (iteration >= maxIter) {
      return { done: true, statusReason: `stopped after ${maxIter} proximal-Newton iterations without reaching tol = ${tol}` };
    }
    return { done: false };
  };

  return iterativeSession({
    log,
    first: { done: false },
    step,
    result: (end): FitResult => ({
      model: 'logistic',
      solver: 'cd',
      status: end.status,
      statusReason: end.statusReason,
      intercept: cd.intercept(),
      coef: Float64Array.from(cd.w),
      layers: null,
      objective: log.last('objective'),
      iterations: end.iterations,
      converged: end.converged,
      maxStableStep: null,
    }),
  });
}
