import { performance } from 'node:perf_hooks';
import { METRIC_NAMES } from '../../../shared/domain/metrics.ts';
import { fit, optimumObjective } from '../../../shared/engine/fit.ts';
import type { Design } from '../../../shared/engine/types.ts';
import { testLoss } from '../../../shared/engine/validation.ts';
import { APP_VERSION } from '../../core/appVersion.ts';
import { openStore } from '../../core/cliStore.ts';
import { fitOptionsFrom, outcomeOf } from '../../core/training/runService.ts';
import { getOption, parseArgs } from '../args.ts';
import { log, printJson } from '../output.ts';
import { readDataSource } from './dataSource.ts';
import { FIT_OPTION_SPEC, hyperparamsFromArgs } from './fitOptions.ts';

/** Rows per stored metric block when a whole history is written at once. */
const BLOCK_STEPS = 4096;

export function fitCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { ...FIT_OPTION_SPEC, history: { type: 'boolean' } });
  const hyperparams = hyperparamsFromArgs(args);
  const json = getOption<boolean>(args, 'json') ?? false;
  const withHistory = getOption<boolean>(args, 'history') ?? false;
  const dbPath = getOption<string>(args, 'db');

  // With --db the run is recorded before training starts, so a crash leaves it 'interrupted', not lost.
  const store = dbPath ? openStore(dbPath, 'cli') : null;
  let design: Design;
  let loadMs: number;
  let runId: string | undefined;
  try {
    const loadStart = performance.now();
    const data = readDataSource(args, store);
    loadMs = performance.now() - loadStart;
    design = data.design;
    if (store) {
      const dataset = data.storeIn(store);
      runId = store.runs.create({
        name: getOption<string>(args, 'name'),
        datasetId: dataset.id,
        datasetHash: dataset.hash,
        hyperparams,
        appVersion: APP_VERSION,
        ownerSession: store.sessions.id,
      });
      store.runs.markRunning(runId);
    }
  } catch (error) {
    store?.close('the CLI exited');
    throw error;
  }
  const options = fitOptionsFrom(hyperparams);

  const fitStart = performance.now();
  let result;
  let session;
  try {
    ({ result, session } = fit(design, options, { now: () => performance.now() - fitStart }));
  } catch (error) {
    if (store && runId) {
      store.runs.fail(runId, 'failed', (error as Error).message);
      store.close('the CLI exited');
    }
    throw error;
  }
  const fitMs = performance.now() - fitStart;
  const optimum = result.status === 'cancelled' ? null : optimumObjective(design, options);
  const test = result.status === 'completed' ? testLoss(design, options, result) : null;
  const history = session.metricsSince(0);

  if (store && runId) {
    const id = runId;
    store.db.transaction(() => {
      for (let first = 0; first < history.count; first += BLOCK_STEPS) {
        const count = Math.min(BLOCK_STEPS, history.count - first);
        const columns = Object.fromEntries(METRIC_NAMES.map((name) => [name, history.columns[name].subarray(first, first + count)]));
        store.runs.appendMetrics(id, { firstStep: first, count, columns: columns as typeof history.columns });
      }
      store.runs.finish(id, outcomeOf(result, design, history, { optimumObjective: optimum, loadMs, fitMs, testLoss: test }));
    })();
    store.close('the CLI exited before the run finished');
  }

  const coef = Object.fromEntries(design.featureNames.map((name, j) => [name, result.coef[j]]));
  if (json) {
    printJson({
      model: result.model,
      solver: result.solver,
      lambda: hyperparams.lambda,
      alpha: hyperparams.alpha,
      intercept: result.intercept,
      // An MLP has no per-feature coefficients: its layers (weights out×in row-major) go in `parameters`.
      ...(result.layers
        ? { parameters: result.layers.map((layer) => ({ inputs: layer.inputs, outputs: layer.outputs, weights: Array.from(layer.weights), biases: Array.from(layer.biases) })) }
        : { coef }),
      objective: result.objective,
      optimumObjective: optimum,
      suboptimality: optimum === null ? null : result.objective - optimum,
      iterations: result.iterations,
      converged: result.converged,
      status: result.status,
      statusReason: result.statusReason,
      maxStableStep: result.maxStableStep,
      ...(hyperparams.validationFraction > 0 ? { validationLoss: history.columns.validationLoss[history.count - 1] } : {}),
      ...(hyperparams.testFraction > 0 ? { testLoss: test } : {}),
      timings: { loadMs, fitMs },
      ...(runId ? { runId } : {}),
      ...(withHistory ? { history: Object.fromEntries(METRIC_NAMES.map((name) => [name, history.columns[name]])) } : {}),
    });
  } else {
    log(`${result.model} · ${result.solver} · λ=${hyperparams.lambda} α=${hyperparams.alpha}: ${result.status}${result.statusReason ? ` (${result.statusReason})` : ''}`);
    if (result.layers) {
      result.layers.forEach((layer, l) => process.stdout.write(`layer ${l + 1}\t${layer.inputs} → ${layer.outputs}\t‖W‖₂ = ${Math.hypot(...layer.weights)}\n`));
    } else {
      process.stdout.write(`intercept\t${result.intercept}\n`);
      for (const [name, value] of Object.entries(coef)) process.stdout.write(`${name}\t${value}\n`);
    }
    process.stdout.write(`objective\t${result.objective}\n`);
    if (optimum !== null) process.stdout.write(`J - J*\t${result.objective - optimum}\n`);
    process.stdout.write(`iterations\t${result.iterations}${result.converged ? ' (converged)' : ''}\n`);
    if (runId) process.stdout.write(`run\t${runId}\n`);
  }
  return 0;
}
