import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SweepPreview } from '../../../shared/api.ts';
import type { AlphaResult, SweepConfig, SweepDetail, SweepPath, SweepSpec, SweepSummary } from '../../../shared/domain/sweeps.ts';
import { SweepSpecSchema, sweepConfigs } from '../../../shared/domain/sweeps.ts';
import { HyperparamsSchema, type RunSpec } from '../../../shared/domain/runs.ts';
import { RidgelineError } from '../../../shared/errors.ts';
import { cvLambdaGrid, fitsAsPath, foldsFromColumn, randomFolds, sharedMoments, stratifiedFolds, summarizeCv, type CvMeasure } from '../../../shared/engine/cv.ts';
import type { FoldMoments } from '../../../shared/engine/cd/foldGram.ts';
import { columnScaling, type ColumnScaling } from '../../../shared/engine/design.ts';
import { fitObjective } from '../../../shared/engine/objective.ts';
import { DEFAULT_FIT_OPTIONS, type Design, type FitOptions } from '../../../shared/engine/types.ts';
import { encodeSweepData } from '../../../shared/protocol/sweepData.ts';
import type { CellJob } from '../../../shared/protocol/trainer.ts';
import { describeIssues, issueList } from '../../../shared/validate.ts';
import type { DatasetsStore } from '../db/datasetsStore.ts';
import type { RunsStore } from '../db/runsStore.ts';
import type { CellKey, StoredCell, SweepRow, SweepsStore } from '../db/sweepsStore.ts';
import { cellUnits, costFamily, remainingMs } from '../../../shared/sweeps/timeEstimate.ts';
import type { EventHub } from '../events.ts';
import { TrainerPool } from '../training/trainerPool.ts';
import type { TrainerLauncher } from '../training/trainerHost.ts';
import { SweepTimeEstimator } from './timeEstimator.ts';
import { poolRunner, type CellRunner, type CellRunnerFactory, type CellRunOutput } from './cellRunner.ts';
import { finishedFolds, partialCvResults } from './partialCv.ts';

/**
 * Paths in a sweep stop at glmnet's default threshold (1e-7) unless the spec says otherwise: CV error
 * curves do not change visibly beyond it, and a tighter default would multiply the work.
 */
export const SWEEP_DEFAULT_TOL = 1e-7;

/** A cell is tried at most this often in one execution: a crash is retried once on a fresh process. */
const MAX_ATTEMPTS = 2;

export interface SweepServiceDeps {
  sweeps: SweepsStore;
  runs: RunsStore;
  datasets: DatasetsStore;
  events: EventHub;
  launchTrainer: TrainerLauncher;
  appVersion: string;
  sessionId: string;
  /** Starts a run linked to the sweep (MLP refits); absent where no run service exists (the CLI). */
  startRefit?: (spec: RunSpec, sweepId: string) => { runId: string };
  /** Trains the cells elsewhere (workers through a queue); without it, on a pool of trainer processes. */
  openCellRunner?: CellRunnerFactory;
}

function isClassificationSpec(spec: Pick<SweepSpec, 'model' | 'task'>): boolean {
  return spec.model === 'logistic' || (spec.model === 'mlp' && spec.task === 'classification');
}

/** The fit options of one configuration (λ aside: each cell runs the configuration's λ grid). */
export function fitOptionsOf(spec: SweepSpec, config: SweepConfig): FitOptions {
  return {
    ...DEFAULT_FIT_OPTIONS,
    model: spec.model,
    alpha: config.alpha,
    solver: config.solver ?? 'auto',
    learningRate: config.learningRate,
    maxIter: config.maxIter ?? spec.maxIter,
    tol: spec.tol ?? (fitsAsPath({ model: spec.model, solver: config.solver ?? 'auto' }) ? SWEEP_DEFAULT_TOL : undefined),
    standardize: spec.standardize,
    fitIntercept: spec.fitIntercept,
    seed: spec.seed,
    hidden: config.hidden ?? DEFAULT_FIT_OPTIONS.hidden,
    activation: spec.activation,
    batchSize: spec.batchSize,
    task: spec.task,
    init: spec.model === 'mlp' ? 'random' : 'zeros',
  };
}

interface Execution {
  pool: CellRunner;
  /** How many cells the runner trains at once (the pool size asked for). */
  size: number;
  cancelled: boolean;
  /** performance.now() when it started: its time is added to the sweep's elapsed time when it ends. */
  startedAt: number;
  /** Set by shutdown(), which records the sweep as interrupted itself (the database closes right after). */
  interrupted: SweepSummary | null;
  done: Promise<SweepSummary>;
}

/** The stored result of a completed sweep. */
interface SweepResult {
  perAlpha: AlphaResult[];
  bestAlphaIndex: number;
  refits: { lambdaMin: string | null; lambda1se: string | null };
}

export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Cross-validation sweeps: the spec is split into cells (repeat × fold × α, plus the path on all data
 * per α), scheduled on a pool of trainer processes; each finished cell is committed at once, so a
 * crash loses only cells in flight, and `resume` redoes exactly the cells not committed. The summary
 * is computed from the stored cells in a fixed order, so a resumed sweep equals an uninterrupted one
 * bit for bit.
 */
export class SweepService {
  private readonly executions = new Map<string, Execution>();
  /**
   * The last data set's design: preview, create and execute each need it, and data sets are immutable.
   * Dropped when a sweep ends, so a long-running serve process does not hold a large design for good.
   */
  private lastDesign: { id: string; design: Design } | null = null;
  /** A pool started ahead of the next sweep (see prestartPool). */
  private spare: TrainerPool | null = null;

  /** The launcher's time estimates, calibrated on measured cells. */
  private readonly estimator: SweepTimeEstimator;

  constructor(private readonly deps: SweepServiceDeps) {
    this.estimator = new SweepTimeEstimator(deps.sweeps, fitOptionsOf);
  }

  /** The launcher's preview: λ grids, cell count and a time estimate from measured cells, or the spec's problems. */
  preview(input: unknown): SweepPreview {
    const parsed = SweepSpecSchema.safeParse(input);
    const poolSize = defaultPoolSize();
    if (!parsed.success) return { problems: issueList(parsed.error), grids: [], cells: 0, workUnits: 0, estimatedSeconds: null, poolSize };
    const spec = parsed.data;
    const dataset = this.deps.datasets.get(spec.datasetId);
    if (!dataset) return { problems: [`no data set with id ${spec.datasetId}`], grids: [], cells: 0, workUnits: 0, estimatedSeconds: null, poolSize };
    try {
      const design = this.design(dataset.id);
      const configs = sweepConfigs(spec);
      const table = this.lambdaTable(spec, configs, design, this.foldTable(spec, design));
      const grids = spec.alphas.map((alpha) => {
        const c = configs.findIndex((config) => config.alpha === alpha);
        const grid = table.values.subarray(c * table.n, (c + 1) * table.n);
        return { alpha, lambdaMax: grid[0], lambdaMin: grid[grid.length - 1], count: grid.length };
      });
      const k = spec.foldMethod === 'column' ? foldsFromColumn(Float64Array.from(spec.foldIds ?? [])).k : spec.folds;
      const cells = configs.length * (spec.repeats * k + 1);
      const workUnits = cells * table.n * design.m * design.p;
      const pool = spec.poolSize ?? poolSize;
      const measure = (spec.measure ?? (isClassificationSpec(spec) ? 'deviance' : 'mse')) as CvMeasure;
      const ms = this.estimator.estimateMs({ datasetId: dataset.id, design, spec, configs, lambdas: table.values, nLambda: table.n, folds: k, measure, poolSize: pool, defaultPoolSize: poolSize });
      return { problems: [], grids, cells, workUnits, estimatedSeconds: ms / 1000, poolSize: pool };
    } catch (error) {
      return { problems: [error instanceof Error ? error.message : String(error)], grids: [], cells: 0, workUnits: 0, estimatedSeconds: null, poolSize };
    }
  }

  /**
   * Records a sweep and starts it in the background; progress arrives as events. `openRunner`: where
   * its cells are trained (a queue's workers), instead of the service's own runner.
   */
  start(input: unknown, openRunner?: CellRunnerFactory): { sweepId: string } {
    const sweepId = this.create(input);
    void this.execute(sweepId, undefined, openRunner);
    return { sweepId };
  }

  /** True while this service executes the sweep. */
  isExecuting(id: string): boolean {
    return this.executions.has(id);
  }

  /** Sweeps or runs in flight (the desktop keeps running without a window while there are). */
  get busy(): boolean {
    return this.executions.size > 0;
  }

  /** Validates and records a sweep (cells and their runs included); does not start it. */
  create(input: unknown): string {
    const parsed = SweepSpecSchema.safeParse(input);
    if (!parsed.success) throw new RidgelineError('BAD_REQUEST', `sweep: ${describeIssues(parsed.error)}`);
    const spec = parsed.data;
    const dataset = this.deps.datasets.get(spec.datasetId);
    if (!dataset) throw new RidgelineError('NOT_FOUND', `no data set with id ${spec.datasetId}`);
    const design = this.design(dataset.id);
    const measure = spec.measure ?? (isClassificationSpec(spec) ? 'deviance' : 'mse');
    const k = spec.foldMethod === 'column' ? foldsFromColumn(Float64Array.from(spec.foldIds!)).k : spec.folds;
    const folds = this.foldTable(spec, design);
    const configs = sweepConfigs(spec);
    const lambdas = this.lambdaTable(spec, configs, design, folds);
    const cells: CellKey[] = [];
    configs.forEach((_, configIndex) => {
      for (let repeat = 0; repeat < spec.repeats; repeat++) for (let fold = 0; fold < k; fold++) cells.push({ kind: 'fold', repeat, fold, configIndex });
      cells.push({ kind: 'full', repeat: 0, fold: -1, configIndex });
    });
    return this.deps.sweeps.create(
      {
        name: spec.name && spec.name.length > 0 ? spec.name : `${spec.model} cv ${spec.folds}-fold α=${spec.alphas.join(',')} on ${dataset.name}`,
        datasetId: dataset.id,
        datasetHash: dataset.hash,
        spec: { ...spec, folds: k },
        measure,
        lambdas: lambdas.values,
        nLambda: lambdas.n,
        configs,
        hyperparams: configs.map((config, c) =>
          HyperparamsSchema.parse({ ...fitOptionsOf(spec, config), lambda: lambdas.values[(c + 1) * lambdas.n - 1], learningRate: config.learningRate }),
        ),
        folds,
        cells,
        appVersion: this.deps.appVersion,
      },
      this.deps.sessionId,
    );
  }

  private foldTable(spec: SweepSpec, design: Design): Int32Array {
    const table = new Int32Array(spec.repeats * design.m);
    if (spec.foldMethod === 'column') {
      if (spec.foldIds!.length !== design.m) throw new RidgelineError('BAD_REQUEST', `sweep: foldIds has ${spec.foldIds!.length} entries for ${design.m} rows`);
      if (spec.repeats > 1) throw new RidgelineError('BAD_REQUEST', 'sweep: repeats: a fold column gives one fixed split; repeats need random folds');
      table.set(foldsFromColumn(Float64Array.from(spec.foldIds!)).folds);
      return table;
    }
    for (let r = 0; r < spec.repeats; r++) {
      // Each repeat draws its folds from its own seed, so adding repeats never changes earlier ones.
      const seed = spec.seed + r;
      table.set(spec.foldMethod === 'stratified' ? stratifiedFolds(design.y, spec.folds, seed) : randomFolds(design.m, spec.folds, seed), r * design.m);
    }
    return table;
  }

  /**
   * Each configuration's λ grid: the given list (sorted decreasing, as glmnet orders one: each fit then
   * warm-starts from a sparser one), or glmnet's grid for its α. An MLP takes the grid of the linear
   * (regression) or logistic (classification) model on the same data: a scale for λ, not a zero point.
   * Path configurations take λ_max from the moments of the first fold table, as their cells do
   * (cvLambdaGrid).
   */
  private lambdaTable(spec: SweepSpec, configs: SweepConfig[], design: Design, folds: Int32Array): { values: Float64Array; n: number } {
    const n = spec.lambdas ? spec.lambdas.length : spec.nLambda;
    const values = new Float64Array(configs.length * n);
    if (spec.lambdas) {
      const given = Float64Array.from([...spec.lambdas].sort((a, b) => b - a));
      configs.forEach((_, c) => values.set(given, c * n));
      return { values, n };
    }
    const glm = spec.model === 'mlp' ? (isClassificationSpec(spec) ? 'logistic' : 'linear') : spec.model;
    let moments: FoldMoments | undefined | null = null;
    configs.forEach((config, c) => {
      const options = { model: glm, alpha: config.alpha, standardize: spec.standardize, fitIntercept: spec.fitIntercept };
      const path = spec.model !== 'mlp' && fitsAsPath({ model: spec.model, solver: config.solver ?? 'auto' });
      if (path && moments === null) moments = sharedMoments(design, folds.subarray(0, design.m), options);
      values.set(cvLambdaGrid(design, options, path ? (moments ?? undefined) : undefined, n, spec.lambdaMinRatio), c * n);
    });
    return { values, n };
  }

  private design(datasetId: string): Design {
    if (this.lastDesign?.id !== datasetId) this.lastDesign = { id: datasetId, design: this.deps.datasets.loadDesign(datasetId) };
    return this.lastDesign.design;
  }

  /**
   * Starts the next sweep's trainer processes now, while the caller still loads its data (the CLI's
   * CSV parse hides their start-up and JIT warm-up). The next execute() with the same pool size takes
   * them; with another size they are stopped.
   */
  prestartPool(model: 'linear' | 'logistic' | 'mlp', size = defaultPoolSize()): void {
    this.spare?.close();
    this.spare = new TrainerPool(this.deps.launchTrainer, size);
    this.spare.prestart(model);
  }

  private takeSpare(size: number): TrainerPool | null {
    const spare = this.spare;
    this.spare = null;
    if (spare?.size === size) return spare;
    spare?.close();
    return null;
  }

  /** Runs every cell not yet committed; resolves when the sweep has ended (any status). */
  execute(id: string, poolSize?: number, openRunner: CellRunnerFactory | undefined = this.deps.openCellRunner): Promise<SweepSummary> {
    const existing = this.executions.get(id);
    if (existing) return existing.done;
    const row = this.deps.sweeps.row(id);
    if (row.status === 'completed') return Promise.resolve(this.deps.sweeps.summary(id));
    const size = poolSize ?? row.spec.poolSize ?? defaultPoolSize();
    const pool = openRunner
      ? openRunner(id, size)
      : poolRunner(this.takeSpare(size) ?? new TrainerPool(this.deps.launchTrainer, size));
    const execution: Execution = { pool, size, cancelled: false, startedAt: performance.now(), interrupted: null, done: Promise.resolve(null as unknown as SweepSummary) };
    execution.done = this.run(id, execution).finally(() => {
      pool.close();
      this.executions.delete(id);
    });
    this.executions.set(id, execution);
    return execution.done;
  }

  private async run(id: string, execution: Execution): Promise<SweepSummary> {
    const { sweeps, events } = this.deps;
    sweeps.start(id, this.deps.sessionId);
    const row = sweeps.row(id);
    const started = execution.startedAt;
    events.emit({ type: 'sweepStatus', sweepId: id, status: 'running', statusReason: null });
    const design = this.design(row.datasetId);
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-sweep-'));
    const dataFile = join(dir, 'data.bin');
    writeFileSync(dataFile, encodeSweepData({ design, folds: row.folds, repeats: row.spec.repeats }));
    const failures: string[] = [];
    const configs = sweepConfigs(row.spec);
    try {
      const pending = dispatchOrder(
        sweeps.cells(id).filter((cell) => cell.status !== 'completed'),
        execution.size,
      );
      await Promise.all(
        pending.map(async (cell) => {
          const options = fitOptionsOf(row.spec, configs[cell.configIndex]);
          const job: CellJob = {
            kind: cell.kind,
            repeat: cell.repeat,
            fold: cell.fold,
            lambdas: row.lambdas.slice(cell.configIndex * row.nLambda, (cell.configIndex + 1) * row.nLambda),
            options,
            ...(fitsAsPath(options) ? {} : { fit: options }),
            measure: row.measure as CvMeasure,
          };
          // The budget is per execution: a cell cut off by a cancel or a closed app did not fail, and a
          // resumed sweep gives each cell a fresh one.
          for (let attempt = 1; ; attempt++) {
            if (execution.cancelled) return;
            let output: CellRunOutput;
            try {
              // Marked running when a process takes it, not while it waits in the queue.
              output = await execution.pool.runCell({ sweepId: id, cellIndex: cell.index, dataFile, job, onStart: () => sweeps.markCellRunning(id, cell.index) });
            } catch (error) {
              if (execution.cancelled) return;
              const message = error instanceof Error ? error.message : String(error);
              const retry = attempt < MAX_ATTEMPTS && error instanceof RidgelineError && error.code === 'WORKER_CRASHED';
              sweeps.failCell(id, cell.index, message, retry);
              events.emit({ type: 'sweepCell', sweepId: id, cellIndex: cell.index, status: retry ? 'pending' : 'failed', error: message });
              if (retry) continue;
              failures.push(`cell ${cell.index}: ${message}`);
              return;
            }
            sweeps.completeCell(id, cell.index, output);
            const summary = sweeps.summary(id);
            events.emit({ type: 'sweepProgress', sweepId: id, cellsDone: summary.cellsDone, cellsTotal: summary.cellsTotal });
            return;
          }
        }),
      );
      if (execution.interrupted) return execution.interrupted;
      const elapsed = performance.now() - started;
      if (execution.cancelled) {
        sweeps.finish(id, 'cancelled', 'cancelled by the user', elapsed, null);
      } else if (failures.length > 0) {
        sweeps.finish(id, 'failed', failures[0], elapsed, null);
      } else {
        sweeps.finish(id, 'completed', null, elapsed, this.summarize(id, design));
      }
    } catch (error) {
      if (execution.interrupted) return execution.interrupted;
      sweeps.finish(id, 'failed', error instanceof Error ? error.message : String(error), performance.now() - started, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      this.lastDesign = null;
    }
    const summary = sweeps.summary(id);
    events.emit({ type: 'sweepStatus', sweepId: id, status: summary.status, statusReason: summary.statusReason });
    events.emit({ type: 'runsChanged' });
    return summary;
  }

  /** cvm/cvsd/λ_min/λ_1se per configuration from the stored cells (fixed order), and the refit runs. */
  private summarize(id: string, design: Design): SweepResult {
    const row = this.deps.sweeps.row(id);
    const cells = this.deps.sweeps.cells(id);
    const results = this.deps.sweeps.cellResults(id);
    const configs = sweepConfigs(row.spec);
    const higherIsBetter = row.measure === 'auc';
    const perAlpha: AlphaResult[] = configs.map((config, c) => {
      const lambdas = Array.from(row.lambdas.subarray(c * row.nLambda, (c + 1) * row.nLambda));
      const s = summarizeCv(lambdas, finishedFolds(row, cells, results, c), higherIsBetter);
      const full = results.get(cells.find((cell) => cell.kind === 'full' && cell.configIndex === c)!.index)!;
      return {
        alpha: config.alpha,
        label: config.label,
        lambdas,
        cvm: Array.from(s.cvm),
        cvsd: Array.from(s.cvsd),
        nonzero: Array.from(full.nonzero),
        lambdaMin: s.lambdaMin,
        lambda1se: s.lambda1se,
        indexMin: s.indexMin,
        index1se: s.index1se,
      };
    });
    let best = 0;
    perAlpha.forEach((r, c) => {
      const score = r.cvm[r.indexMin];
      const bestScore = perAlpha[best].cvm[perAlpha[best].indexMin];
      if (higherIsBetter ? score > bestScore : score < bestScore) best = c;
    });
    // Both refits' objectives need the columns' scales: computed once.
    const scaling = row.spec.model !== 'mlp' && row.spec.standardize ? columnScaling(design, row.spec.fitIntercept) : undefined;
    // Read once: a data set's summary parses its columns' statistics (5,000 columns take ~7 ms).
    const datasetHash = row.spec.model === 'mlp' ? '' : this.deps.datasets.get(row.datasetId)!.hash;
    const refit = (index: number, label: string): string | null =>
      row.spec.model === 'mlp'
        ? this.startMlpRefit(id, row.name, row.spec, configs[best], perAlpha[best].lambdas[index], label)
        : this.storeRefit(id, row.name, design, datasetHash, scaling, perAlpha[best], configs[best], best, cells, results, index, label);
    return {
      perAlpha,
      bestAlphaIndex: best,
      refits: { lambdaMin: refit(perAlpha[best].indexMin, 'λ_min'), lambda1se: refit(perAlpha[best].index1se, 'λ_1se') },
    };
  }

  /** An MLP has no path to read a refit from: it is trained again, as a run of its own, when the shell can. */
  private startMlpRefit(id: string, sweepName: string, spec: SweepSpec, config: SweepConfig, lambda: number, label: string): string | null {
    if (!this.deps.startRefit) return null;
    const hyperparams = HyperparamsSchema.parse({ ...fitOptionsOf(spec, config), lambda, learningRate: config.learningRate });
    return this.deps.startRefit({ name: `${sweepName} · refit at ${label} = ${lambda.toPrecision(6)}`, datasetId: spec.datasetId, hyperparams }, id).runId;
  }

  /** A refit is the full-data path at that λ (as cv.glmnet's coef(fit, s = …)), stored as a run. */
  private storeRefit(
    id: string,
    sweepName: string,
    design: Design,
    datasetHash: string,
    scaling: ColumnScaling | undefined,
    result: AlphaResult,
    config: SweepConfig,
    configIndex: number,
    cells: StoredCell[],
    results: ReturnType<SweepsStore['cellResults']>,
    index: number,
    label: string,
  ): string {
    const row = this.deps.sweeps.row(id);
    const full = results.get(cells.find((c) => c.kind === 'full' && c.configIndex === configIndex)!.index)!;
    const lambda = result.lambdas[index];
    const coef = full.coefs!.slice(index * design.p, (index + 1) * design.p);
    const intercept = full.intercepts![index];
    const hyperparams = HyperparamsSchema.parse({ ...fitOptionsOf(row.spec, config), lambda, learningRate: config.learningRate });
    const runId = this.deps.runs.create({
      name: `${sweepName} · refit at ${label} = ${lambda.toPrecision(6)}`,
      datasetId: row.datasetId,
      datasetHash,
      hyperparams,
      appVersion: this.deps.appVersion,
      ownerSession: this.deps.sessionId,
      sweepId: id,
      role: 'refit',
    });
    const objective = fitObjective(design, { model: row.spec.model as 'linear' | 'logistic', lambda, alpha: result.alpha, standardize: row.spec.standardize, fitIntercept: row.spec.fitIntercept }, intercept, coef, scaling);
    this.deps.runs.finish(runId, {
      status: 'completed',
      statusReason: `${label} of the sweep: the coefficients of the fit on all data at λ = ${lambda}`,
      resolvedSolver: hyperparams.solver,
      iterations: 0,
      converged: true,
      finalObjective: objective,
      finalDataLoss: null,
      finalPenalty: null,
      finalNonzero: result.nonzero[index],
      optimumObjective: null,
      maxStableStep: null,
      loadMs: null,
      fitMs: null,
      parameters: [{ name: '(intercept)', value: intercept }, ...design.featureNames.map((name, j) => ({ name, value: coef[j] }))],
    });
    return runId;
  }

  cancel(id: string): { cancelled: boolean } {
    const execution = this.executions.get(id);
    this.deps.sweeps.summary(id);
    if (!execution) return { cancelled: false };
    execution.cancelled = true;
    execution.pool.cancelAll('the sweep was cancelled');
    return { cancelled: true };
  }

  /** Finishes an interrupted, cancelled or failed sweep, reusing every committed cell. */
  resume(id: string, poolSize?: number): Promise<SweepSummary> {
    this.checkResumable(id);
    return this.execute(id, poolSize);
  }

  /** Throws unless the sweep can be resumed here (not completed, not running in another process). */
  checkResumable(id: string): void {
    const summary = this.deps.sweeps.summary(id);
    if (summary.status === 'completed') throw new RidgelineError('BAD_REQUEST', `sweep ${id} is already completed`);
    if (summary.status === 'running' && !this.executions.has(id)) {
      throw new RidgelineError('BAD_REQUEST', `sweep ${id} is running in another process`);
    }
  }

  /** Resumes in the background (the API's form of `resume`); `openRunner` as for start(). */
  resumeInBackground(id: string, openRunner?: CellRunnerFactory): { resumed: boolean } {
    this.checkResumable(id);
    void this.execute(id, undefined, openRunner);
    return { resumed: true };
  }

  detail(id: string): SweepDetail {
    return readSweepDetail(this.deps, id);
  }

  /** A configuration's coefficient path on all the data (see readSweepPath). */
  path(id: string, configIndex: number): SweepPath | null {
    return readSweepPath(this.deps, id, configIndex);
  }

  /** Stops every sweep in flight (they become interrupted and can be resumed). */
  shutdown(reason: string): void {
    this.spare?.close();
    this.spare = null;
    for (const [id, execution] of this.executions) {
      execution.cancelled = true;
      execution.pool.close();
      this.deps.sweeps.finish(id, 'interrupted', reason, performance.now() - execution.startedAt, null);
      execution.interrupted = this.deps.sweeps.summary(id);
    }
    this.executions.clear();
  }
}

/**
 * A sweep as the views and reports read it: its summary, spec, cells, results (or, short of them, the
 * curves of the folds finished so far), the coefficient path of the best configuration and the refits.
 * Reads the stores only (no trainer), so a report can use it too.
 */
export function readSweepDetail(stores: Pick<SweepServiceDeps, 'sweeps' | 'datasets'>, id: string): SweepDetail {
  const summary = stores.sweeps.summary(id);
  const row = stores.sweeps.row(id);
  const configs = sweepConfigs(row.spec);
  const stored = row.result ? (JSON.parse(row.result) as SweepResult) : null;
  const storedCells = stores.sweeps.cells(id);
  const cells = storedCells.map((cell) => ({ ...cell, alphaIndex: row.spec.alphas.indexOf(configs[cell.configIndex].alpha) }));
  const featureNames = stores.datasets.get(row.datasetId)?.features.slice() ?? [];
  const best = stored ? readSweepPath(stores, id, stored.bestAlphaIndex) : null;
  return {
    ...summary,
    spec: row.spec,
    configs,
    cells,
    results: stored ? stored.perAlpha : configs.map(() => null),
    partial: stored ? configs.map(() => null) : partialCvResults(row, configs, storedCells, stores.sweeps.cellErrors(id)),
    bestAlphaIndex: stored ? stored.bestAlphaIndex : null,
    featureNames,
    path: best && { lambdas: best.lambdas, intercepts: best.intercepts, coef: best.coef },
    refits: stored ? stored.refits : { lambdaMin: null, lambda1se: null },
    remainingSeconds: summary.status === 'running' ? remainingSecondsOf(stores, id, row, configs, storedCells) : null,
  };
}

/**
 * A configuration's coefficient path on all the data, once that cell has finished (a running sweep
 * shows it too); null before, and for MLPs, whose cells keep no coefficients.
 */
export function readSweepPath(stores: Pick<SweepServiceDeps, 'sweeps' | 'datasets'>, id: string, configIndex: number): SweepPath | null {
  const row = stores.sweeps.row(id);
  const configCount = sweepConfigs(row.spec).length;
  if (!Number.isInteger(configIndex) || configIndex < 0 || configIndex >= configCount) {
    throw new RidgelineError('BAD_REQUEST', `sweep ${id} has configurations 0 to ${configCount - 1} (got ${configIndex})`);
  }
  const full = stores.sweeps.cells(id).find((cell) => cell.kind === 'full' && cell.configIndex === configIndex);
  const stored = full ? stores.sweeps.cellPath(id, full.index) : null;
  if (stored === null) return null;
  const nLambda = stored.intercepts.length;
  const p = stored.coefs.length / nLambda;
  return {
    configIndex,
    lambdas: Array.from(row.lambdas.subarray(configIndex * row.nLambda, configIndex * row.nLambda + nLambda)),
    intercepts: Array.from(stored.intercepts),
    coef: Array.from({ length: nLambda }, (_, l) => Array.from(stored.coefs.subarray(l * p, (l + 1) * p))),
  };
}

/**
 * The order a sweep's cells are handed out: each configuration's folds in order, its full-data cell in the
 * first wave (right after the first size − 1 folds) when several cells train at once. The full-data cell
 * is the largest (every row, the folds (K−1)/K of them): started last, it ended a sweep alone on one
 * process while the others idled. On one process the folds come first, so the CV curve starts after one
 * cell. The order changes when cells run, never what they compute or how their results are summed.
 */
export function dispatchOrder<T extends Pick<StoredCell, 'kind' | 'configIndex'>>(cells: readonly T[], size: number): T[] {
  if (size <= 1) return [...cells];
  const order: T[] = [];
  const configs = [...new Set(cells.map((cell) => cell.configIndex))];
  for (const configIndex of configs) {
    const own = cells.filter((cell) => cell.configIndex === configIndex);
    const folds = own.filter((cell) => cell.kind !== 'full');
    const full = own.filter((cell) => cell.kind === 'full');
    const early = Math.min(size - 1, folds.length);
    order.push(...folds.slice(0, early), ...full, ...folds.slice(early));
  }
  return order;
}

/** A running sweep's remaining time, from its own measured cells (see remainingMs). */
function remainingSecondsOf(stores: Pick<SweepServiceDeps, 'sweeps' | 'datasets'>, id: string, row: SweepRow, configs: SweepConfig[], cells: StoredCell[]): number | null {
  const dataset = stores.datasets.get(row.datasetId);
  if (!dataset) return null;
  const times = stores.sweeps.cellTimes(id);
  const shape = { m: dataset.rows, p: dataset.features.length, folds: row.spec.folds, lambdas: row.nLambda };
  const options = configs.map((config) => fitOptionsOf(row.spec, config));
  const ms = remainingMs(
    cells.map((cell) => ({
      index: cell.index,
      configIndex: cell.configIndex,
      status: cell.status,
      fitMs: times.get(cell.index) ?? null,
      units: cellUnits({ ...shape, kind: cell.kind }, options[cell.configIndex]),
      family: costFamily(options[cell.configIndex], shape.p),
    })),
    row.spec.poolSize ?? defaultPoolSize(),
  );
  return ms === null ? null : ms / 1000;
}
