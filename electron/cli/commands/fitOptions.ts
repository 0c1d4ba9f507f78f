import { HyperparamsSchema, type Hyperparams } from '../../../shared/domain/runs.ts';
import { describeIssues } from '../../../shared/validate.ts';
import { UsageError, getOption, type OptionSpec, type ParsedArgs } from '../args.ts';
import { DATA_SOURCE_SPEC } from './dataSource.ts';

/** The fit options of ../shared/CLI.md, shared by `fit` and `cv`. */
export const FIT_OPTION_SPEC: OptionSpec = {
  ...DATA_SOURCE_SPEC,
  target: { type: 'string' },
  model: { type: 'enum', values: ['linear', 'logistic', 'mlp'] },
  lambda: { type: 'number', min: 0 },
  alpha: { type: 'number', min: 0, max: 1 },
  solver: { type: 'enum', values: ['auto', 'gd', 'sgd', 'adam', 'fista', 'cd', 'closed'] },
  'learning-rate': { type: 'number', min: 0, exclusiveMin: true },
  'max-iter': { type: 'number', min: 1, integer: true },
  tol: { type: 'number', min: 0 },
  'batch-size': { type: 'number', min: 1, integer: true },
  standardize: { type: 'boolean' },
  'fit-intercept': { type: 'boolean' },
  init: { type: 'enum', values: ['zeros', 'random'] },
  seed: { type: 'number', min: 0, integer: true },
  hidden: { type: 'numberList', integer: true, positive: true },
  activation: { type: 'enum', values: ['relu', 'tanh'] },
  momentum: { type: 'number', min: 0, max: 0.999 },
  'lr-decay': { type: 'number', min: 0, max: 1, exclusiveMin: true },
  task: { type: 'enum', values: ['regression', 'classification'] },
  'validation-fraction': { type: 'number', min: 0, max: 0.9 },
  'test-fraction': { type: 'number', min: 0, max: 0.9 },
  'fold-column': { type: 'string' },
  ignore: { type: 'stringList' },
  db: { type: 'string' },
  json: { type: 'flag' },
  name: { type: 'string' },
};

export function hyperparamsFromArgs(args: ParsedArgs): Hyperparams {
  const parsed = HyperparamsSchema.safeParse({
    model: getOption(args, 'model') ?? 'linear',
    lambda: getOption(args, 'lambda') ?? 0,
    alpha: getOption(args, 'alpha') ?? 0,
    solver: getOption(args, 'solver') ?? 'auto',
    learningRate: getOption(args, 'learning-rate'),
    maxIter: getOption(args, 'max-iter'),
    tol: getOption(args, 'tol'),
    batchSize: getOption(args, 'batch-size'),
    standardize: getOption(args, 'standardize'),
    fitIntercept: getOption(args, 'fit-intercept'),
    init: getOption(args, 'init'),
    seed: getOption(args, 'seed'),
    hidden: getOption(args, 'hidden'),
    activation: getOption(args, 'activation'),
    momentum: getOption(args, 'momentum'),
    lrDecay: getOption(args, 'lr-decay'),
    task: getOption(args, 'task'),
    validationFraction: getOption(args, 'validation-fraction'),
    testFraction: getOption(args, 'test-fraction'),
  });
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
  return parsed.data;
}
