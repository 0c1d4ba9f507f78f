import type { Hyperparams } from './runs.ts';

/** The hyperparameters that only some solvers or models read. */
export type ConditionalHyperparam = 'learningRate' | 'batchSize' | 'momentum' | 'lrDecay' | 'maxIter' | 'tol' | 'hidden' | 'activation' | 'task';

/**
 * Whether a run's solver reads this hyperparameter, so that showing its value says something about the
 * run. `solver` is the one that ran (`auto` resolved); while unknown (`auto` not yet resolved) every
 * hyperparameter counts as read. From the engine (shared/engine): the learning rate is the step of gd,
 * sgd and adam, and an MLP's fista starts its backtracking from it (linear and logistic fista take 1/L
 * from the data); the batch size and the learning-rate decay are sgd's and adam's, the momentum sgd's;
 * the closed form has no iterations nor tolerance; the architecture and the task are an MLP's.
 */
export function hyperparamApplies(key: ConditionalHyperparam, hyperparams: Pick<Hyperparams, 'model' | 'solver'>, solver: string | null): boolean {
  const ran = solver ?? hyperparams.solver;
  const known = ran !== 'auto';
  switch (key) {
    case 'learningRate':
      return !known || ran === 'gd' || ran === 'sgd' || ran === 'adam' || (ran === 'fista' && hyperparams.model === 'mlp');
    case 'batchSize':
    case 'lrDecay':
      return !known || ran === 'sgd' || ran === 'adam';
    case 'momentum':
      return !known || ran === 'sgd';
    case 'maxIter':
    case 'tol':
      return !known || ran !== 'closed';
    case 'hidden':
    case 'activation':
    case 'task':
      return hyperparams.model === 'mlp';
  }
}

/** The loss a run's data loss is made of: squared ½(ŷ − y)² (linear, MLP regression) or log-loss (logistic, MLP classification). */
export function lossKind(hyperparams: Pick<Hyperparams, 'model' | 'task'>): 'squared' | 'log' {
  if (hyperparams.model === 'logistic') return 'log';
  if (hyperparams.model === 'mlp' && hyperparams.task === 'classification') return 'log';
  return 'squared';
}
