import { performance } from 'node:perf_hooks';
import { RidgelineError } from '../../../shared/errors.ts';
import { UsageError, getOption, parseArgs } from '../args.ts';
import { log, printJson } from '../output.ts';
import { DATA_ROAD_SPEC, dataRoadOptions, queueAddressOption } from '../queueOption.ts';
import { cvDocument, openSweepRunner } from '../sweepRunner.ts';
import { readDataSource } from './dataSource.ts';
import { FIT_OPTION_SPEC, hyperparamsFromArgs } from './fitOptions.ts';

/**
 * `ridgeline cv`: K-fold cross-validation over a λ path with cv.glmnet's definitions, run as a sweep
 * on a pool of trainer processes. With --db the sweep, its cells and refits are stored (and can be
 * resumed); without, they live in memory for the command's duration.
 */
export async function cvCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, {
    ...FIT_OPTION_SPEC,
    lambdas: { type: 'numberList' },
    alphas: { type: 'numberList' },
    'n-lambda': { type: 'number', min: 2, max: 1000, integer: true },
    'lambda-min-ratio': { type: 'number', min: 0, max: 1, exclusiveMin: true },
    folds: { type: 'number', min: 2, max: 100, integer: true },
    repeats: { type: 'number', min: 1, max: 20, integer: true },
    stratified: { type: 'boolean' },
    measure: { type: 'enum', values: ['mse', 'deviance', 'misclass', 'auc'] },
    'pool-size': { type: 'number', min: 1, max: 64, integer: true },
    queue: { type: 'string' },
    ...DATA_ROAD_SPEC,
  });
  const hyperparams = hyperparamsFromArgs(args);
  const foldColumn = getOption<string>(args, 'fold-column');
  if (foldColumn !== undefined && getOption(args, 'folds') !== undefined) throw new UsageError('option --folds: give either --folds or --fold-column, not both');
  const lambdas = getOption<number[]>(args, 'lambdas');
  if (lambdas && (getOption(args, 'n-lambda') !== undefined || getOption(args, 'lambda-min-ratio') !== undefined)) {
    throw new UsageError('option --lambdas: give either --lambdas or --n-lambda/--lambda-min-ratio, not both');
  }
  if (lambdas?.some((l) => l < 0)) throw new UsageError('option --lambdas: every λ must be ≥ 0');
  const alphas = getOption<number[]>(args, 'alphas');
  if (alphas && getOption(args, 'alpha') !== undefined) throw new UsageError('option --alphas: give either --alpha or --alphas, not both');
  if (alphas?.some((a) => a < 0 || a > 1)) throw new UsageError('option --alphas: every α must be in [0, 1]');
  const measure = getOption<string>(args, 'measure');
  const classification = hyperparams.model === 'logistic' || (hyperparams.model === 'mlp' && hyperparams.task === 'classification');
  if (!classification && measure !== undefined && measure !== 'mse') throw new UsageError(`option --measure: ${measure} is for classification; regression uses mse`);

  const queue = queueAddressOption(getOption<string>(args, 'queue'));
  if (queue !== undefined && getOption(args, 'pool-size') !== undefined) throw new UsageError('option --pool-size: give either --pool-size or --queue, not both');

  const dataRoads = dataRoadOptions(args, queue !== undefined);

  const dbPath = getOption<string>(args, 'db');
  const { store, service, closeQueue } = await openSweepRunner(dbPath ?? ':memory:', queue, dataRoads);
  try {
    // The trainer processes start and compile their kernels while this process reads the data.
    if (queue === undefined) service.prestartPool(hyperparams.model, getOption<number>(args, 'pool-size'));
    // timings.loadMs: the CSV parsed and stored as a data set (hashed, typed columns); fitMs: the sweep
    // from the data in memory (λ grid, folds, every cell on the pool, summary and refits stored), the
    // part cv.glmnet's time is compared with.
    const loadStart = performance.now();
    // Without --db the store is in memory: it holds the built-ins, and a stored data set is refused.
    const data = readDataSource(args, dbPath === undefined ? null : store);
    const folds = data.folds;
    const dataset = data.storeIn(store);
    const loadMs = performance.now() - loadStart;
    const fitStart = performance.now();
    const sweepId = service.create({
      name: getOption<string>(args, 'name'),
      datasetId: dataset.id,
      model: hyperparams.model,
      task: hyperparams.task,
      alphas: alphas ?? [hyperparams.alpha],
      // Single values of the other hyperparameters are a grid of one point each.
      grid: {
        ...(hyperparams.solver !== 'auto' ? { solver: [hyperparams.solver] } : {}),
        ...(hyperparams.learningRate !== undefined ? { learningRate: [hyperparams.learningRate] } : {}),
        ...(hyperparams.model === 'mlp' ? { hidden: [hyperparams.hidden] } : {}),
      },
      activation: hyperparams.activation,
      batchSize: hyperparams.batchSize,
      lambdas,
      nLambda: getOption<number>(args, 'n-lambda'),
      lambdaMinRatio: getOption<number>(args, 'lambda-min-ratio'),
      folds: getOption<number>(args, 'folds') ?? 10,
      foldMethod: folds ? 'column' : getOption<boolean>(args, 'stratified') ? 'stratified' : 'random',
      foldIds: folds ? Array.from(folds) : undefined,
      repeats: getOption<number>(args, 'repeats'),
      measure,
      standardize: hyperparams.standardize,
      fitIntercept: hyperparams.fitIntercept,
      tol: hyperparams.tol,
      maxIter: hyperparams.maxIter,
      seed: hyperparams.seed,
      poolSize: getOption<number>(args, 'pool-size'),
    });
    const summary = await service.execute(sweepId);
    const fitMs = performance.now() - fitStart;
    if (summary.status !== 'completed') throw new RidgelineError('SWEEP_FAILED', `the sweep ended ${summary.status}: ${summary.statusReason ?? 'no reason given'}`);
    const detail = service.detail(sweepId);
    if (getOption<boolean>(args, 'json')) printJson(cvDocument(detail, { loadMs, fitMs }, dbPath !== undefined));
    else printCvTable(detail);
    return 0;
  } finally {
    service.shutdown('the CLI exited before the sweep finished');
    await closeQueue();
    store.close('the CLI exited before the sweep finished');
  }
}

export function printCvTable(detail: ReturnType<Awaited<ReturnType<typeof openSweepRunner>>['service']['detail']>): void {
  const best = detail.results[detail.bestAlphaIndex ?? 0]!;
  if (detail.results.length > 1) log(`best configuration: ${best.label} (of ${detail.results.length})`);
  process.stdout.write(`λ\tcvm\tcvsd\tnonzero\n`);
  best.lambdas.forEach((l, i) =>
    process.stdout.write(`${l}\t${best.cvm[i]}\t${best.cvsd[i]}\t${best.nonzero[i]}${i === best.indexMin ? '\tλ_min' : ''}${i === best.index1se ? '\tλ_1se' : ''}\n`),
  );
  process.stdout.write(`lambdaMin\t${best.lambdaMin}\nlambda1se\t${best.lambda1se}\n`);
  if (detail.refits.lambdaMin) process.stdout.write(`sweep\t${detail.id}\n`);
}
