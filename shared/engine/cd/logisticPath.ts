/**
 * The logistic regularization path: warm-started proximal Newton (logisticCd.ts) down a λ sequence,
 * with glmnet's sequential strong rule. At λ_k only the columns with |∂L/∂w_j(λ_{k−1})| ≥
 * α(2λ_k − λ_{k−1}), and those already in, are visited; once converged, the KKT conditions are checked
 * on every other column (LogisticCd.checkScreened) and a violator brings the iteration back. The rule
 * only saves work (a column screened out wrongly is caught by the check, so each point is the optimum
 * over all columns), which pays where many columns stay at 0 for much of the path.
 */
import { unscaleCoefficients, type ColumnScaling } from '../design.ts';
import type { PathPoint } from '../path.ts';
import type { FitOptions } from '../types.ts';
import type { LogisticCd } from './logisticCd.ts';
import { CD_DEFAULTS } from './sessions.ts';

export type LogisticPathOptions = Pick<FitOptions, 'alpha'> & Partial<Pick<FitOptions, 'tol' | 'maxIter'>> & {
  /** Off: every eligible column is visited at every λ (for tests of the rule). Default on. */
  screening?: boolean;
};

export function logisticPath(cd: LogisticCd, options: LogisticPathOptions, lambdas: Float64Array | readonly number[], scaling: ColumnScaling | null): PathPoint[] {
  const { alpha } = options;
  const tol = options.tol ?? CD_DEFAULTS.tol;
  const maxIter = options.maxIter ?? CD_DEFAULTS.logisticMaxIter;
  const points: PathPoint[] = [];
  const p = cd.w.length;
  // Ridge (α = 0) moves every column: nothing to screen.
  const screening = (options.screening ?? true) && alpha > 0 && p > 0;
  const absGrad = new Float64Array(p);
  if (screening) {
    // Start from an empty screen: the gradients at the starting point (λ = ∞ admits no column).
    cd.setScreen(new Uint8Array(p));
    cd.setPenalty(Infinity, 1);
    cd.checkScreened(absGrad);
  }
  let previous = lambdas.length > 0 ? lambdas[0] : 0;
  const keep = new Uint8Array(p);
  /** No Newton step has run yet: the iterate is still the null model (w = 0, the intercept-only optimum). */
  let atNullModel = true;
  for (const lambda of lambdas) {
    if (screening) {
      const strong = alpha * (2 * lambda - previous);
      for (let j = 0; j < p; j++) keep[j] = cd.screen[j] || cd.w[j] !== 0 || absGrad[j] >= strong ? 1 : 0;
      cd.setScreen(keep);
    }
    previous = lambda;
    cd.setPenalty(lambda, alpha);
    if (atNullModel && cd.nullGradientMax() <= lambda * alpha) {
      // The null model (the starting point) is this λ's solution: every coefficient exactly 0 (glmnet reports λ_max so).
      points.push(point(lambda, cd.intercept(), cd.w, scaling, cd.objective(), 0, true, null));
      continue;
    }
    atNullModel = false;
    let objective = cd.objective();
    let iterations = 0;
    let converged = false;
    let reason: string | null = null;
    while (iterations < maxIter) {
      iterations++;
      const outcome = cd.outerStep(tol, objective);
      objective = cd.objective();
      if (outcome.separable) {
        reason = 'the classes are linearly separable: with λ = 0 the log-loss has no minimizer';
        break;
      }
      if (outcome.converged) {
        // Converged on the screened columns; a screened-out column that should move sends it back.
        if (screening && cd.checkScreened(absGrad) > 0) continue;
        converged = true;
        break;
      }
    }
    if (!converged && reason === null) reason = `stopped after ${maxIter} proximal-Newton iterations without reaching tol = ${tol}`;
    // The objective from the iterate's η, which the steps keep up to date: no further pass over X.
    points.push(point(lambda, cd.intercept(), cd.w, scaling, objective, iterations, converged, reason));
  }
  return points;
}

function point(lambda: number, b: number, w: Float64Array, scaling: ColumnScaling | null, objective: number, iterations: number, converged: boolean, statusReason: string | null): PathPoint {
  const back = scaling ? unscaleCoefficients(b, w, scaling) : { intercept: b, coef: Float64Array.from(w) };
  let nonzero = 0;
  for (let j = 0; j < w.length; j++) if (back.coef[j] !== 0) nonzero++;
  return { lambda, intercept: back.intercept, coef: back.coef, objective, nonzero, iterations, converged, statusReason };
}
