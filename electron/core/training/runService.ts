import { progressBatch, type MetricBatch } from '../../../shared/domain/metrics.ts';
import { RunSpecSchema, type RunParameter, type RunSpec } from '../../../shared/domain/runs.ts';
import { issueList } from '../../../shared/validate.ts';
import { RidgelineError, toErrorInfo } from '../../../shared/errors.ts';
import type { Design, FitOptions, FitResult } from '../../../shared/engine/types.ts';
import { DEFAULT_FIT_OPTIONS } from '../../../shared/engine/types.ts';
import type { FromTrainer } from '../../../shared/protocol/trainer.ts';
import type { RunCheck } from '../../../shared/api.ts';
import type { RunDetail } from '../../../shared/domain/runs.ts';
import { resolveSolver } from '../../../shared/engine/fit.ts';
import { dataSmoothness, learningRateWarnings, stepBoundFrom } from '../../../shared/engine/stepBound.ts';
import { heldOutCounts } from '../../../shared/engine/validation.ts';
import { dataProblems, isClassification, optionProblems } from '../../../shared/runPreflight.ts';
import type { DatasetsStore } from '../db/datasetsStore.ts';
import type { RunOutcome, RunsStore } from '../db/runsStore.ts';
import type { EventHub } from '../events.ts';
import type { TrainerHost, TrainerLauncher } from './trainerHost.ts';

interface ActiveRun {
  host: TrainerHost;
  finished: boolean;
  cancelRequested: boolean;
}

export interface RunServiceDeps {
  runs: RunsStore;
  datasets: DatasetsStore;
  events: EventHub;
  launchTrainer: TrainerLauncher;
  appVersion: string;
  sessionId: string;
}

export function fitOptionsFrom(hyperparams: RunSpec['hyperparams']): FitOptions {
  return { ...DEFAULT_FIT_OPTIONS, ...hyperparams };
}

/** The learned parameters as stored and shown: the intercept first, then one per feature. */
export function parametersOf(result: FitResult, design: Design): RunParameter[] {
  if (result.layers) {
    return result.layers.flatMap((layer, l) => [
      ...Array.from(layer.weights, (value, k) => ({ name: `layer${l + 1}.w[${Math.floor(k / layer.inputs)},${k % layer.inputs}]`, value })),
      ...Array.from(layer.biases, (value, k) => ({ name: `layer${l + 1}.b[${k}]`, value })),
    ]);
  }
  return [{ name: '(intercept)', value: result.intercept }, ...design.featureNames.map((name, j) => ({ name, value: result.coef[j] }))];
}

export function outcomeOf(
  result: FitResult,
  design: Design,
  lastObjectiveBatch: MetricBatch | null,
  extra: { optimumObjective: number | null; loadMs: number | null; fitMs: number | null; testLoss?: number | null },
): RunOutcome {
  const last = (name: 'dataLoss' | 'penalty' | 'nonzero' | 'validationLoss'): number | null =>
    lastObjectiveBatch && lastObjectiveBatch.count > 0 ? lastObjectiveBatch.columns[name][lastObjectiveBatch.count - 1] : null;
  return {
    status: result.status,
    statusReason: result.statusReason,
    resolvedSolver: result.solver,
    iterations: result.iterations,
    converged: result.converged,
    finalObjective: result.objective,
    finalDataLoss: last('dataLoss'),
    finalPenalty: last('penalty'),
    finalNonzero: last('nonzero'),
    optimumObjective: extra.optimumObjective,
    testLoss: extra.testLoss ?? null,
    validationLoss: last('validationLoss'),
    maxStableStep: result.maxStableStep,
    loadMs: extra.loadMs,
    fitMs: extra.fitMs,
    parameters: parametersOf(result, design),
  };
}

/** What is wrong with a run's held-out shares on a data set of m rows (null: nothing). */
function splitProblem(m: number, options: FitOptions): string | null {
  try {
    heldOutCounts(m, options.validationFraction ?? 0, options.testFraction ?? 0);
    return null;
  } catch (error) {
    return error instanceof RidgelineError ? error.message : String(error);
  }
}

/**
 * Starts runs on trainer processes and records them: the run row first, then each progress batch
 * as it arrives (one transaction each, ≤ 20 a second), then the outcome and parameters together.
 */
/** How often the ends a full disk kept from being saved are tried again. */
const UNSAVED_END_RETRY_MS = 1000;

export class RunService {
  private readonly active = new Map<string, ActiveRun>();
  /**
   * Ends of runs that could not be written (a full disk): shown by getRun at once (withUnsavedEnd) and
   * written as soon as there is room again, so a run never reads as running after it ended.
   */
  private readonly unsavedEnds = new Map<string, { status: 'failed' | 'cancelled' | 'interrupted'; reason: string }>();
  private unsavedRetry: ReturnType<typeof setInterval> | null = null;
  /** Data smoothness per data set and setting: data sets are immutable, so it never goes stale. */
  private readonly smoothnessCache = new Map<string, number | null>();
  /** A classifier's label problems per data set and intercept setting (immutable data, as above). */
  private readonly labelCache = new Map<string, string[]>();

  constructor(private readonly deps: RunServiceDeps) {}

  /** The learning-rate guard, before a run starts: the resolved solver, 2/L, and warnings in words. */
  check(input: unknown): RunCheck {
    const parsed = RunSpecSchema.safeParse(input);
    if (!parsed.success) return { problems: issueList(parsed.error), resolvedSolver: null, maxStableStep: null, warnings: [] };
    const spec = parsed.data;
    const dataset = this.deps.datasets.get(spec.datasetId);
    if (!dataset) throw new RidgelineError('NOT_FOUND', `no data set with id ${spec.datasetId}`);
    const options = fitOptionsFrom(spec.hyperparams);
    const split = splitProblem(dataset.rows, options);
    if (split !== null) return { problems: [split], resolvedSolver: null, maxStableStep: null, warnings: [] };
    const problems = [...optionProblems(options, dataset.features.length), ...this.labelProblems(dataset.id, options)];
    if (problems.length > 0) return { problems, resolvedSolver: null, maxStableStep: null, warnings: [] };
    const key = `${dataset.id}|${options.model}|${options.standardize}|${options.fitIntercept}`;
    if (!this.smoothnessCache.has(key)) {
      this.smoothnessCache.set(key, dataSmoothness(this.deps.datasets.loadDesign(dataset.id), options));
    }
    const bound = stepBoundFrom(this.smoothnessCache.get(key) ?? null, options.lambda, options.alpha);
    const solver = resolveSolver({ p: dataset.features.length }, options);
    return {
      problems: [],
      resolvedSolver: solver,
      maxStableStep: bound && Number.isFinite(bound.maxStableStep) ? bound.maxStableStep : null,
      warnings: learningRateWarnings(bound, solver, options.learningRate),
    };
  }

  private labelProblems(datasetId: string, options: FitOptions): string[] {
    if (!isClassification(options)) return [];
    const key = `${datasetId}|${options.fitIntercept}`;
    let problems = this.labelCache.get(key);
    if (problems === undefined) {
      problems = dataProblems(this.deps.datasets.loadDesign(datasetId), options);
      this.labelCache.set(key, problems);
    }
    return problems;
  }

  start(spec: RunSpec, sweepId: string | null = null): { runId: string } {
    const { runs, datasets, events } = this.deps;
    const dataset = datasets.get(spec.datasetId);
    if (!dataset) throw new RidgelineError('NOT_FOUND', `no data set with id ${spec.datasetId}`);
    const split = splitProblem(dataset.rows, fitOptionsFrom(spec.hyperparams));
    if (split !== null) throw new RidgelineError('BAD_REQUEST', split);
    const loadStart = performance.now();
    const design = datasets.loadDesign(dataset.id);
    const loadMs = performance.now() - loadStart;
    const options = fitOptionsFrom(spec.hyperparams);
    // What the engine would refuse at its start is refused here, before a run is recorded to fail.
    const problems = [...optionProblems(options, design.p), ...dataProblems(design, options)];
    if (problems.length > 0) throw new RidgelineError('BAD_REQUEST', problems.join('; '));
    const runId = runs.create({
      name: spec.name,
      datasetId: dataset.id,
      datasetHash: dataset.hash,
      hyperparams: spec.hyperparams,
      appVersion: this.deps.appVersion,
      ownerSession: this.deps.sessionId,
      sweepId,
      role: sweepId ? 'refit' : 'run',
    });
    events.emit({ type: 'runStatus', runId, status: 'queued', statusReason: null });

    let host: TrainerHost;
    try {
      host = this.deps.launchTrainer();
    } catch (error) {
      runs.fail(runId, 'failed', `the trainer process could not start: ${(error as Error).message}`);
      events.emit({ type: 'runStatus', runId, status: 'failed', statusReason: (error as Error).message });
      return { runId };
    }
    const run: ActiveRun = { host, finished: false, cancelRequested: false };
    this.active.set(runId, run);
    let lastBatch: MetricBatch | null = null;

    const finishWith = (status: 'failed' | 'cancelled' | 'interrupted', reason: string) => {
      if (run.finished) return;
      run.finished = true;
      this.active.delete(runId);
      host.kill();
      try {
        runs.fail(runId, status, reason);
      } catch (error) {
        // Not even that could be written (a full disk): kept, shown as it is, and written once there is
        // room (or, should this process end first, found dead and read as interrupted). The windows hear
        // why now.
        console.error(`run ${runId}: could not record its end (${toErrorInfo(error).message}); it will be saved once there is room`);
        this.keepUnsavedEnd(runId, status, reason);
      }
      events.emit({ type: 'runStatus', runId, status, statusReason: reason });
    };

    // What the trainer reports, recorded; a write that throws is handled below.
    const record = (message: FromTrainer): void => {
      switch (message.type) {
        case 'ready':
          runs.markRunning(runId);
          events.emit({ type: 'runStatus', runId, status: 'running', statusReason: null });
          host.send({ type: 'start', id: runId, design, options });
          if (run.cancelRequested) host.send({ type: 'cancel', id: runId });
          return;
        case 'progress':
          lastBatch = message.batch;
          runs.appendMetrics(runId, message.batch);
          events.emit({ type: 'runProgress', runId, batch: progressBatch(message.batch) });
          return;
        case 'done': {
          run.finished = true;
          this.active.delete(runId);
          const batch = message.batch.count > 0 ? message.batch : lastBatch;
          runs.finish(runId, outcomeOf(message.result, design, batch, { optimumObjective: message.optimumObjective, loadMs, fitMs: message.fitMs, testLoss: message.testLoss }), message.batch);
          if (message.batch.count > 0) events.emit({ type: 'runProgress', runId, batch: progressBatch(message.batch) });
          events.emit({ type: 'runStatus', runId, status: message.result.status, statusReason: message.result.statusReason });
          host.kill();
          return;
        }
        case 'error':
          // The reason is for people: the code stays with the program that got it.
          finishWith('failed', message.error.message);
          return;
      }
    };

    host.onMessage((message: FromTrainer) => {
      if (run.finished) return;
      try {
        record(message);
      } catch (error) {
        // A write that fails (a full disk) ends this run, saying why, not the process that serves every run.
        run.finished = false; // ('done' marks it finished before its write)
        finishWith('failed', toErrorInfo(error).message);
      }
    });
    host.onExit((code, stderrTail) => {
      const tail = stderrTail ? `; stderr: ${stderrTail.slice(-500)}` : '';
      finishWith('failed', `the trainer process exited unexpectedly (code ${code})${tail}`);
    });
    return { runId };
  }

  cancel(id: string): { cancelled: boolean } {
    const run = this.active.get(id);
    if (!run) {
      if (!this.deps.runs.exists(id)) throw new RidgelineError('NOT_FOUND', `no run with id ${id}`);
      return { cancelled: false };
    }
    run.cancelRequested = true;
    run.host.send({ type: 'cancel', id });
    return { cancelled: true };
  }

  /** The run as getRun shows it: with an end the disk had no room for, until it is saved. */
  withUnsavedEnd(run: RunDetail): RunDetail {
    const end = this.unsavedEnds.get(run.id);
    if (!end || !['queued', 'running'].includes(run.status)) return run;
    return { ...run, status: end.status, statusReason: `${end.reason} (not saved yet: it will be once the disk has room)` };
  }

  private keepUnsavedEnd(runId: string, status: 'failed' | 'cancelled' | 'interrupted', reason: string): void {
    this.unsavedEnds.set(runId, { status, reason });
    if (this.unsavedRetry) return;
    this.unsavedRetry = setInterval(() => this.saveUnsavedEnds(), UNSAVED_END_RETRY_MS);
    this.unsavedRetry.unref();
  }

  /** Writes the kept ends there is room for now; the retries stop once none is left. */
  private saveUnsavedEnds(): void {
    const before = this.unsavedEnds.size;
    for (const [runId, end] of this.unsavedEnds) {
      try {
        this.deps.runs.fail(runId, end.status, end.reason);
        this.unsavedEnds.delete(runId);
      } catch {
        // Still no room: the next tick tries again.
      }
    }
    if (this.unsavedEnds.size < before) this.deps.events.emit({ type: 'runsChanged' });
    if (this.unsavedEnds.size === 0 && this.unsavedRetry) {
      clearInterval(this.unsavedRetry);
      this.unsavedRetry = null;
    }
  }

  /** Stops every trainer; their runs are recorded as interrupted. */
  shutdown(reason: string): void {
    // A last try; an end still without room is found dead with this session and read as interrupted.
    this.saveUnsavedEnds();
    if (this.unsavedRetry) clearInterval(this.unsavedRetry);
    this.unsavedRetry = null;
    this.unsavedEnds.clear();
    for (const [runId, run] of this.active) {
      run.finished = true;
      run.host.kill();
      this.deps.runs.fail(runId, 'interrupted', reason);
    }
    this.active.clear();
  }

  get activeCount(): number {
    return this.active.size;
  }
}
