/**
 * sgd and adam for linear and logistic regression (see stochasticSession.ts for the loop and stopping
 * rules, optimizers.ts for how the penalty enters).
 * - Start: w = 0, b = 0 whatever `init` says: the problem is convex, so the start does not change the
 *   answer, and 0 keeps the run comparable with gd, fista and cd.
 * - Default step: sgd 1/L_max (the largest per-row smoothness constant, a step stable for every batch
 *   size; see GlmModel.maxRowSmoothness), adam 1e-3 (its customary default; adam's steps are ≈ η per
 *   coordinate whatever the scale of the gradient, so on data with large coefficients raise it).
 * - Logistic with λ = 0: the fit ends as `diverged` once the iterate classifies every row correctly,
 *   which certifies that the classes are separable (no minimizer; see certifiesSeparation).
 */
import { certifiesSeparation, separationReason } from '../logistic/logLoss.ts';
import type { GlmKind } from '../objective.ts';
import { Pcg64 } from '../random/pcg64.ts';
import type { Design, FitHooks, FitOptions, FitSession } from '../types.ts';
import { GlmModel } from './glmModel.ts';
import { STOCHASTIC_DEFAULTS, startStochastic, type StochasticSolver } from './stochasticSession.ts';

export function defaultGlmLearningRate(model: GlmModel, solver: StochasticSolver, options: Pick<FitOptions, 'lambda' | 'alpha'>): number {
  if (solver === 'adam') return STOCHASTIC_DEFAULTS.adamLearningRate;
  const lMax = model.maxRowSmoothness(options.lambda * (1 - options.alpha));
  return lMax > 0 ? 1 / lMax : 1;
}

export function startStochasticGlm(design: Design, options: FitOptions, kind: GlmKind, solver: StochasticSolver, hooks: FitHooks): FitSession {
  const model = new GlmModel(design, kind, options.fitIntercept);
  const theta = new Float64Array(model.size);
  const eta = kind === 'logistic' && options.lambda === 0 ? new Float64Array(design.m) : null;
  return startStochastic({
    model,
    theta,
    solver,
    options,
    learningRate: options.learningRate ?? defaultGlmLearningRate(model, solver, options),
    rng: Pcg64.fromSeed(options.seed),
    hooks,
    afterEpoch: eta
      ? (t, epoch) => {
          model.linearPredictor(t, eta);
          return certifiesSeparation(eta, design.y) ? { done: true, status: 'diverged', statusReason: separationReason(epoch) } : null;
        }
      : undefined,
    result: (t, objective, end) => ({
      model: kind,
      solver,
      status: end.status,
      statusReason: end.statusReason,
      intercept: t[design.p],
      coef: t.slice(0, design.p),
      layers: null,
      objective,
      iterations: end.iterations,
      converged: end.converged,
      maxStableStep: null,
    }),
  });
}
