/**
 * The MLP's front: builds the network, draws its start from the seeded PRNG and hands it to a solver.
 * - Solvers: gd (full batch), sgd and adam (mini-batch, one step = one epoch; ../stochastic/), fista
 *   (proximal gradient with momentum and backtracking; proximalGradient.ts). cd and closed do not apply.
 * - The start is always random (He/Glorot, see MlpNetwork.initialize), whatever `init` says: a network
 *   whose weights start equal (`zeros`) is stuck in a symmetric saddle that no gradient method leaves,
 *   and `zeros` is the default of `init` for every model, so rejecting it would reject the plain default.
 * - Objective: J = (1/m)Σloss_i + λ(α‖W‖₁ + (1−α)/2‖W‖₂²) over every weight matrix, biases never
 *   penalized; `fitIntercept: false` holds every bias at 0.
 * - The same PCG64 stream (seed `seed`) draws the weights, then shuffles the epochs.
 * - Defaults: adam η = 1e-3 and sgd η = 0.01 for 100 epochs, stopping at a relative objective change
 *   ≤ 1e-6 per epoch; gd η = 0.1 for 1000 iterations, fista (backtracked step) for 2000, both stopping
 *   at a stationarity norm ≤ 1e-6. There is no smoothness bound to derive a step from, as there is for
 *   the linear models; these are the usual starting points and divergence is detected (status `diverged`).
 * - `standardize` (in fit.ts): trained on standardized columns, the first layer folded back afterwards
 *   (scaling.ts), so the reported layers take raw inputs.
 * - Result: `layers` (weights out×in row-major, biases), `coef` empty, `intercept` 0 (the biases are in
 *   the layers); `maxStableStep` null (no global smoothness constant for a network).
 */
import { RidgelineError } from '../../errors.ts';
import { Pcg64 } from '../random/pcg64.ts';
import type { SessionEnd } from '../session.ts';
import { STOCHASTIC_DEFAULTS, startStochastic } from '../stochastic/stochasticSession.ts';
import type { ConcreteSolver, Design, FitHooks, FitOptions, FitResult, FitSession } from '../types.ts';
import { startFullBatchGradientDescent } from './gradientDescent.ts';
import { MlpNetwork } from './network.ts';
import { startMlpProximalGradient } from './proximalGradient.ts';

/**
 * Rows per forward/backward block. A mini-batch or a full-data pass larger than this is processed in
 * blocks whose gradients add up, so the activation buffers stay small (and cache-resident) whatever the
 * batch size or the number of rows.
 */
const BLOCK_ROWS = 256;

export function startMlp(design: Design, options: FitOptions, solver: ConcreteSolver, hooks: FitHooks): FitSession {
  if (solver === 'cd' || solver === 'closed') {
    throw new RidgelineError('BAD_OPTIONS', `solver "${solver}" does not apply to an MLP (its objective is not convex in closed or coordinate form); use adam, sgd, gd or fista`);
  }
  const network = new MlpNetwork(
    design,
    { hidden: options.hidden, activation: options.activation, task: options.task ?? 'regression', fitBiases: options.fitIntercept },
    BLOCK_ROWS,
  );
  const rng = Pcg64.fromSeed(options.seed);
  const theta = new Float64Array(network.size);
  network.initialize(rng, theta);
  const result = (t: Float64Array, objective: number, end: SessionEnd): FitResult => ({
    model: 'mlp',
    solver,
    status: end.status,
    statusReason: end.statusReason,
    intercept: 0,
    coef: new Float64Array(0),
    layers: network.layers(t),
    objective,
    iterations: end.iterations,
    converged: end.converged,
    maxStableStep: null,
  });
  switch (solver) {
    case 'sgd':
    case 'adam':
      return startStochastic({
        model: network,
        theta,
        solver,
        options,
        learningRate: options.learningRate ?? (solver === 'adam' ? STOCHASTIC_DEFAULTS.adamLearningRate : STOCHASTIC_DEFAULTS.sgdLearningRate),
        rng,
        hooks,
        result,
      });
    case 'gd':
      return startFullBatchGradientDescent(network, theta, options, hooks, result);
    case 'fista':
      return startMlpProximalGradient(network, theta, options, hooks, result);
  }
}
