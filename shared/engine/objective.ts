/**
 * The objective J(b, w) = (1/m)·Σ loss_i + λ·(α‖w‖₁ + (1−α)/2·‖w‖₂²) for the linear and logistic models,
 * in one place, so solvers, tests and the path API evaluate exactly the same function.
 */
import { RidgelineError } from '../errors.ts';
import { columnScaling, scaleDesign, type ColumnScaling } from './design.ts';
import { kktResiduals } from './kkt.ts';
import { logLoss, logLossAndGradient } from './logistic/logLoss.ts';
import { squaredLoss, squaredLossAndGradient } from './linear/squaredLoss.ts';
import { elasticNetPenalty } from './penalty.ts';
import type { Design, FitOptions, ModelKind } from './types.ts';

export type GlmKind = 'linear' | 'logistic';

export function asGlm(model: ModelKind): GlmKind {
  if (model === 'linear' || model === 'logistic') return model;
  throw new RidgelineError('BAD_OPTIONS', `model "${model}" has no convex elastic-net objective here (linear or logistic only)`);
}

/** (1/m)·Σ loss_i. */
export function dataLoss(design: Design, model: GlmKind, intercept: number, w: Float64Array): number {
  return model === 'linear' ? squaredLoss(design, intercept, w) : logLoss(design, intercept, w);
}

/** One pass: gradient of the data loss into gradW, [loss, ∂/∂b] into out. */
export function dataLossAndGradient(
  design: Design,
  model: GlmKind,
  intercept: number,
  w: Float64Array,
  gradW: Float64Array,
  out: Float64Array,
  eta?: Float64Array,
): void {
  if (model === 'linear') squaredLossAndGradient(design, intercept, w, gradW, out);
  else logLossAndGradient(design, intercept, w, gradW, out, eta);
}

/** J(b, w) on the design as given (the caller scales it when the penalty is on standardized columns). */
export function objectiveValue(design: Design, model: GlmKind, intercept: number, w: Float64Array, lambda: number, alpha: number): number {
  return dataLoss(design, model, intercept, w) + elasticNetPenalty(w, lambda, alpha);
}

/** Coefficients on the original scale mapped to the standardized problem: w̃_j = w_j·s_j, b̃ = b + Σ w_j·μ_j. */
export function scaleCoefficients(intercept: number, coef: Float64Array, scaling: ColumnScaling): { intercept: number; coef: Float64Array } {
  const out = new Float64Array(coef.length);
  let b = intercept;
  for (let j = 0; j < coef.length; j++) {
    out[j] = coef[j] * scaling.scales[j];
    b += coef[j] * scaling.means[j];
  }
  return { intercept: b, coef: out };
}

/**
 * The objective that a fit with these options minimizes, at coefficients reported on the original scale
 * (with `standardize`, the penalty is on the standardized coefficients; constant columns must be 0).
 * The data loss is the same on either scale (the predictions are), so it is computed on the design as
 * given, without a scaled copy; `scaling` (columnScaling of the design) saves recomputing it when the
 * caller evaluates several points.
 */
export function fitObjective(
  design: Design,
  options: Pick<FitOptions, 'model' | 'lambda' | 'alpha' | 'standardize' | 'fitIntercept'>,
  intercept: number,
  coef: Float64Array,
  scaling?: ColumnScaling,
): number {
  const model = asGlm(options.model);
  if (!options.standardize) return objectiveValue(design, model, intercept, coef, options.lambda, options.alpha);
  const scaled = scaleCoefficients(intercept, coef, scaling ?? columnScaling(design, options.fitIntercept));
  return dataLoss(design, model, intercept, coef) + elasticNetPenalty(scaled.coef, options.lambda, options.alpha);
}

/**
 * KKT residuals of original-scale coefficients for the problem these options define (on the
 * standardized problem when `standardize` is on, where the penalty lives); `intercept` is the residual
 * of the unpenalized intercept (|∂J/∂b|, 0 when no intercept is fitted).
 */
export function fitKkt(
  design: Design,
  options: Pick<FitOptions, 'model' | 'lambda' | 'alpha' | 'standardize' | 'fitIntercept'>,
  intercept: number,
  coef: Float64Array,
): { residuals: Float64Array; max: number; norm: number; intercept: number } {
  const model = asGlm(options.model);
  let problem = design;
  let b = intercept;
  let w = coef;
  if (options.standardize) {
    const scaling = columnScaling(design, options.fitIntercept);
    problem = scaleDesign(design, scaling);
    ({ intercept: b, coef: w } = scaleCoefficients(intercept, coef, scaling));
  }
  const grad = new Float64Array(design.p);
  const out = new Float64Array(2);
  dataLossAndGradient(problem, model, b, w, grad, out);
  const residuals = new Float64Array(design.p);
  const { max, norm } = kktResiduals(grad, w, options.lambda, options.alpha, residuals);
  return { residuals, max, norm, intercept: options.fitIntercept ? Math.abs(out[1]) : 0 };
}
