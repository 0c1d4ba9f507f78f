import type { DatasetSummary } from '../domain/datasets.ts';
import type { Hyperparams } from '../domain/runs.ts';
import type { SweepSpec } from '../domain/sweeps.ts';
import { exactNumber, shellWord } from './format.ts';

/** Hex digits of the data set hash a reproduce command names: 64 bits, far beyond an accidental match. */
export const DATASET_HASH_PREFIX_DIGITS = 16;

/**
 * The options that name a run's data for `ridgeline fit`/`cv`: the data set by id (a built-in, or one
 * stored in the database at `databasePath`) with the start of its hash, which the CLI checks before
 * training, so the command either trains on exactly these data or refuses.
 */
export function dataArguments(dataset: DatasetSummary | undefined, databasePath: string | null): string[] {
  if (!dataset) return ['--data', 'DATA.csv', '--target', 'TARGET'];
  const args = ['--dataset', dataset.id, '--dataset-hash', dataset.hash.slice(0, DATASET_HASH_PREFIX_DIGITS)];
  if (!dataset.builtin) args.push('--db', databasePath ?? 'DATABASE.db');
  return args;
}

const n = exactNumber;

/** The `ridgeline fit` command that recreates a run: every hyperparameter that differs from the CLI's default. */
export function fitCommand(h: Hyperparams, data: readonly string[]): string {
  const args: string[] = ['npx', 'ridgeline', 'fit', ...data, '--model', h.model, '--lambda', n(h.lambda), '--alpha', n(h.alpha), '--solver', h.solver];
  if (h.learningRate !== undefined) args.push('--learning-rate', n(h.learningRate));
  if (h.maxIter !== undefined) args.push('--max-iter', String(h.maxIter));
  if (h.tol !== undefined) args.push('--tol', n(h.tol));
  if (h.standardize) args.push('--standardize', 'true');
  if (!h.fitIntercept) args.push('--fit-intercept', 'false');
  if (h.init !== 'zeros') args.push('--init', h.init);
  if (h.seed !== 0) args.push('--seed', String(h.seed));
  if (h.solver === 'sgd' || h.solver === 'adam' || h.batchSize !== 32) args.push('--batch-size', String(h.batchSize));
  if (h.model === 'mlp') {
    args.push('--hidden', h.hidden.join(','), '--activation', h.activation, '--task', h.task);
  }
  if (h.momentum !== 0) args.push('--momentum', n(h.momentum));
  if (h.lrDecay !== 1) args.push('--lr-decay', n(h.lrDecay));
  if (h.validationFraction !== 0) args.push('--validation-fraction', n(h.validationFraction));
  if (h.testFraction !== 0) args.push('--test-fraction', n(h.testFraction));
  return args.map(shellWord).join(' ');
}

/** The `ridgeline cv` command that reruns a sweep (fold assignments from a column need that column named). */
export function cvCommand(spec: SweepSpec, data: readonly string[]): string {
  const args: string[] = ['npx', 'ridgeline', 'cv', ...data, '--model', spec.model];
  if (spec.alphas.length === 1) args.push('--alpha', n(spec.alphas[0]));
  else args.push('--alphas', spec.alphas.map(n).join(','));
  const grid = spec.grid ?? {};
  if (grid.solver?.length === 1) args.push('--solver', grid.solver[0]);
  if (grid.learningRate?.length === 1) args.push('--learning-rate', n(grid.learningRate[0]));
  if (grid.hidden?.length === 1) args.push('--hidden', grid.hidden[0].join(','));
  if (spec.model === 'mlp') args.push('--task', spec.task, '--activation', spec.activation);
  if (spec.lambdas) args.push('--lambdas', spec.lambdas.map(n).join(','));
  else {
    args.push('--n-lambda', String(spec.nLambda));
    if (spec.lambdaMinRatio !== undefined) args.push('--lambda-min-ratio', n(spec.lambdaMinRatio));
  }
  if (spec.foldMethod === 'column') args.push('--fold-column', 'FOLD_COLUMN');
  else args.push('--folds', String(spec.folds));
  if (spec.foldMethod === 'stratified') args.push('--stratified', 'true');
  if (spec.repeats > 1) args.push('--repeats', String(spec.repeats));
  if (spec.measure) args.push('--measure', spec.measure);
  args.push('--standardize', String(spec.standardize));
  if (!spec.fitIntercept) args.push('--fit-intercept', 'false');
  if (spec.tol !== undefined) args.push('--tol', n(spec.tol));
  if (spec.maxIter !== undefined) args.push('--max-iter', String(spec.maxIter));
  if (spec.seed !== 0) args.push('--seed', String(spec.seed));
  return args.map(shellWord).join(' ');
}
