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

/** Rows per block of a full-data pass (gd, fista, and each epoch's evaluation): buffers stay small. */
const FULL_PASS_BLOCK = 256;

export function startMlp(design: Design, options: FitOptions, solver: ConcreteSolver, hooks: FitHooks): FitSession {
  if (solver === 'cd' || solver === 'closed') {
    throw new RidgelineError('BAD_OPTIONS', `solver "${solver}" does not apply to an MLP (its objective is not convex in closed or coordinate form); use adam, sgd, gd or fista`);
  }
  const stochastic = solver === 'sgd' || solver === 'adam';
  const network = new MlpNetwork(
    design,
    { hidden: options.hidden, activation: options.activation, task: options.task ?? 'regression', fitBiases: options.fitIntercept },
    stochastic ? Math.max(options.batchSize, FULL_PASS_BLOCK) : FULL_PASS_BLOCK,
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
