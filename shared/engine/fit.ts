/**
 * The engine's front door: validates a design and options, resolves `auto`, applies glmnet's
 * standardization convention around any solver, and hands back a FitSession to drive.
 *
 * Objective (one, everywhere): J(b, w) = (1/m)·Σ loss_i + λ·(α‖w‖₁ + (1−α)/2·‖w‖₂²), the bias never
 * penalized; squared loss ½(ŷ−y)². With `standardize`, the penalty applies to the coefficients of
 * columns scaled to mean 0 and (1/m)-standard deviation 1, and coefficients are reported on the
 * original scale; constant columns get coefficient 0. The textbook 1/(2m)·(RSS + λ'‖w‖²) is λ = λ'/m.
 * Logistic regression (labels 0/1) minimizes the same J with the log-loss.
 *
 * Solvers: `closed` (ridge, linear), `cd` (glmnet's coordinate descent; proximal Newton for logistic),
 * `fista` (accelerated proximal gradient), `gd` (textbook gradient descent, subgradient for L1),
 * `sgd` and `adam` (mini-batch, one step = one epoch, L1 by a proximal step; stochastic/).
 *
 * The MLP (mlp/): the same J with the penalty on every weight matrix (biases never penalized), regression
 * or classification by `task`; solvers gd, sgd, adam, fista. With `standardize` it trains on the
 * standardized columns (the penalty on those weights) and reports a first layer folded back to the
 * original scale, so its layers apply to raw inputs.
 */
import { RidgelineError } from '../errors.ts';
import { columnScaling, scaleDesign, unscaleCoefficients, validateDesign } from './design.ts';
import { startLinearGradientDescent } from './linear/gradientDescent.ts';
import { startRidgeClosedForm } from './linear/closedSession.ts';
import { ridgeClosedForm } from './linear/ridgeClosedForm.ts';
import { squaredLoss } from './linear/squaredLoss.ts';
import { startLogisticGradientDescent } from './logistic/gradientDescent.ts';
import { validateLabels } from './logistic/logLoss.ts';
import { startLinearCd, startLogisticCd } from './cd/sessions.ts';
import { startFista } from './fista.ts';
import { elasticNetPenalty } from './penalty.ts';
import { startMlp } from './mlp/sessions.ts';
import { unscaleFirstLayer } from './mlp/scaling.ts';
import { startStochasticGlm } from './stochastic/glm.ts';
import { splitRows, trainingRows, withValidation } from './validation.ts';
import type { ConcreteSolver, Design, FitHooks, FitOptions, FitResult, FitSession } from './types.ts';

export function validateFitOptions(options: FitOptions): void {
  const bad = (message: string): never => {
    throw new RidgelineError('BAD_OPTIONS', message);
  };
  if (!(options.lambda >= 0) || !Number.isFinite(options.lambda)) bad(`lambda must be a finite number ≥ 0 (got ${options.lambda})`);
  if (!(options.alpha >= 0 && options.alpha <= 1)) bad(`alpha must be in [0, 1] (got ${options.alpha})`);
  if (options.learningRate !== undefined && !(options.learningRate > 0 && Number.isFinite(options.learningRate))) {
    bad(`learning rate must be a finite number > 0 (got ${options.learningRate})`);
  }
  if (options.maxIter !== undefined && !(Number.isInteger(options.maxIter) && options.maxIter >= 1)) {
    bad(`max-iter must be an integer ≥ 1 (got ${options.maxIter})`);
  }
  if (options.tol !== undefined && !(options.tol >= 0 && Number.isFinite(options.tol))) bad(`tol must be a finite number ≥ 0 (got ${options.tol})`);
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) bad(`seed must be a non-negative integer (got ${options.seed})`);
  if (!(Number.isInteger(options.batchSize) && options.batchSize >= 1)) bad(`batch size must be an integer ≥ 1 (got ${options.batchSize})`);
  if (!(options.momentum >= 0 && options.momentum < 1)) bad(`momentum must be in [0, 1) (got ${options.momentum})`);
  if (!(options.lrDecay > 0 && options.lrDecay <= 1)) bad(`learning-rate decay must be in (0, 1] (got ${options.lrDecay})`);
  if (options.model === 'mlp') {
    const { hidden } = options;
    if (!(hidden.length >= 1 && hidden.length <= 3) || !hidden.every((h) => Number.isInteger(h) && h >= 1)) {
      bad(`an MLP needs 1 to 3 hidden layers of integer width ≥ 1 (got hidden = [${hidden.join(', ')}])`);
    }
    if (options.activation !== 'relu' && options.activation !== 'tanh') bad(`activation must be relu or tanh (got ${String(options.activation)})`);
    if (options.task !== undefined && options.task !== 'regression' && options.task !== 'classification') {
      bad(`task must be regression or classification (got ${String(options.task)})`);
    }
  }
}

/**
 * `auto`: for linear and logistic models, coordinate descent whenever there is an L1 part (α > 0: exact
 * zeros, glmnet's method); for ridge on a linear model the closed form while the p×p solve is cheap
 * (p ≤ 2000), cd beyond; cd for logistic ridge. MLP: adam (the robust default for networks: per-weight
 * step sizes need no tuning to the scale of each layer's gradient).
 */
/** Only the data's width matters to the choice, so callers without the values (a preview) can ask too. */
export function resolveSolver(design: Pick<Design, 'p'>, options: FitOptions): ConcreteSolver {
  if (options.solver !== 'auto') return options.solver;
  if (options.model === 'linear') return options.alpha === 0 && design.p <= 2000 ? 'closed' : 'cd';
  if (options.model === 'logistic') return 'cd';
  return 'adam';
}

/**
 * Logistic regression needs labels 0/1. With an intercept it also needs both classes: if every label
 * is 1 (or 0) the log-loss goes to 0 as the intercept goes to +∞ (−∞) whatever w and λ are, so there
 * is no minimizer (glmnet refuses such data too). Without an intercept the problem stays well posed.
 */
export function validateLogisticDesign(design: Design, fitIntercept: boolean): void {
  validateLabels(design);
  if (!fitIntercept) return;
  let ones = 0;
  for (let i = 0; i < design.m; i++) ones += design.y[i];
  if (ones === 0 || ones === design.m) {
    const label = ones === 0 ? 0 : 1;
    throw new RidgelineError(
      'BAD_DATA',
      `every label is ${label}: logistic regression needs both classes (with one class the intercept would go to ${label ? '+' : '−'}∞ and the log-loss has no minimizer)`,
    );
  }
}

export function startFit(design: Design, options: FitOptions, hooks: FitHooks = {}): FitSession {
  validateDesign(design);
  if (options.validationFraction || options.testFraction) {
    const { train, validation } = splitRows(design, options.validationFraction ?? 0, options.testFraction ?? 0, options.seed);
    const inner = startFit(train, { ...options, validationFraction: 0, testFraction: 0 }, hooks);
    return validation ? withValidation(inner, validation, options) : inner;
  }
  validateFitOptions(options);
  const solver = resolveSolver(design, options);
  if (options.model !== 'linear' && options.model !== 'logistic' && options.model !== 'mlp') {
    throw new RidgelineError('BAD_OPTIONS', `model "${String(options.model)}" is unknown (linear, logistic, mlp)`);
  }
  // An MLP classifier's output bias plays the intercept's part: one class has no minimizer either.
  if (options.model === 'logistic' || (options.model === 'mlp' && options.task === 'classification')) {
    validateLogisticDesign(design, options.fitIntercept);
  }
  if (!options.standardize) return startSolver(design, options, solver, hooks);
  const scaling = columnScaling(design, options.fitIntercept);
  const inner = startSolver(scaleDesign(design, scaling), options, solver, hooks);
  return {
    advance: (n) => inner.advance(n),
    get finished() {
      return inner.finished;
    },
    get stepCount() {
      return inner.stepCount;
    },
    metricsSince: (from) => inner.metricsSince(from),
    cancel: () => inner.cancel(),
    result(): FitResult {
      const r = inner.result();
      if (r.layers) return { ...r, layers: unscaleFirstLayer(r.layers, scaling) };
      return { ...r, ...unscaleCoefficients(r.intercept, r.coef, scaling) };
    },
  };
}

function startSolver(design: Design, options: FitOptions, solver: ConcreteSolver, hooks: FitHooks): FitSession {
  if (options.model === 'mlp') return startMlp(design, options, solver, hooks);
  const model = options.model === 'logistic' ? 'logistic' : 'linear';
  switch (solver) {
    case 'sgd':
    case 'adam':
      return startStochasticGlm(design, options, model, solver, hooks);
    case 'gd':
      return model === 'linear' ? startLinearGradientDescent(design, options, hooks) : startLogisticGradientDescent(design, options, hooks);
    case 'cd':
      return model === 'linear' ? startLinearCd(design, options, hooks) : startLogisticCd(design, options, hooks);
    case 'fista':
      return startFista(design, options, model, hooks);
    case 'closed':
      if (model !== 'linear') {
        throw new RidgelineError('BAD_OPTIONS', 'the closed-form solver solves linear ridge only; logistic regression has no closed form (use cd, fista or gd)');
      }
      if (options.alpha !== 0) {
        throw new RidgelineError('BAD_OPTIONS', `the closed-form solver solves ridge only (α = 0); got α = ${options.alpha}`);
      }
      return startRidgeClosedForm(design, options, hooks);
    default:
      throw new RidgelineError('BAD_OPTIONS', `solver "${solver}" is not available for ${model} models in this build yet (gd, cd, fista${model === 'linear' ? ', closed' : ''})`);
  }
}

/** Runs a fit to the end in one call (the CLI, tests). */
export function fit(design: Design, options: FitOptions, hooks: FitHooks = {}): { result: FitResult; session: FitSession } {
  const session = startFit(design, options, hooks);
  while (!session.advance(1 << 20));
  return { result: session.result(), session };
}

/**
 * J* of the convex problem, for the suboptimality curve J − J* (on the standardized problem when
 * `standardize` is on, since that is the objective being minimized). Linear ridge with p ≤ 2000: the
 * closed form; otherwise (L1, logistic, p > 2000, or a singular ridge system) coordinate descent to its
 * tight default tolerance. null where no minimizer exists or could be certified: other models,
 * logistic data with separable classes at λ = 0 (or one class), or cd not converging.
 */
export function optimumObjective(design: Design, options: FitOptions): number | null {
  if (options.model !== 'linear' && options.model !== 'logistic') return null;
  // The optimum of the problem actually trained: the training rows when some are held out.
  if (options.validationFraction || options.testFraction) {
    try {
      return optimumObjective(trainingRows(design, options), { ...options, validationFraction: 0, testFraction: 0 });
    } catch {
      return null;
    }
  }
  try {
    validateDesign(design);
    validateFitOptions(options);
    if (options.model === 'logistic') validateLogisticDesign(design, options.fitIntercept);
  } catch {
    return null;
  }
  const problem = options.standardize ? scaleDesign(design, columnScaling(design, options.fitIntercept)) : design;
  if (options.model === 'linear' && options.alpha === 0 && design.p <= 2000) {
    try {
      const { intercept, coef } = ridgeClosedForm(problem, options.lambda, options.fitIntercept);
      return squaredLoss(problem, intercept, coef) + elasticNetPenalty(coef, options.lambda, 0);
    } catch {
      // Singular (λ = 0 with collinear columns): cd still finds the minimum value.
    }
  }
  const tight: FitOptions = { ...options, solver: 'cd', tol: undefined, maxIter: undefined };
  const session = options.model === 'linear' ? startLinearCd(problem, tight, {}) : startLogisticCd(problem, tight, {});
  while (!session.advance(1 << 20));
  const r = session.result();
  return r.status === 'completed' && r.converged ? r.objective : null;
}
