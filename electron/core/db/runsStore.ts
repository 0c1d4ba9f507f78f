import { randomUUID } from 'node:crypto';
import { METRIC_NAMES, packMetricBatch, type MetricBatch, type MetricName } from '../../../shared/domain/metrics.ts';
import type { Hyperparams, RunDetail, RunEdit, RunMetrics, RunParameter, RunRole, RunStatus, RunSummary } from '../../../shared/domain/runs.ts';
import { RidgelineError } from '../../../shared/errors.ts';
import { f64Bytes } from './datasetsStore.ts';
import { RecentBlocks, type StoredBlock } from './recentBlocks.ts';
import type { Db } from './open.ts';

export interface NewRun {
  name?: string;
  datasetId: string;
  datasetHash: string;
  hyperparams: Hyperparams;
  appVersion: string;
  ownerSession: string | null;
  sweepId?: string | null;
  role?: RunRole;
}

export interface RunOutcome {
  status: RunStatus;
  statusReason: string | null;
  resolvedSolver: string | null;
  iterations: number;
  converged: boolean | null;
  finalObjective: number | null;
  finalDataLoss: number | null;
  finalPenalty: number | null;
  finalNonzero: number | null;
  optimumObjective: number | null;
  /** Data loss on the run's test rows (hyperparams.testFraction), null without them. */
  testLoss?: number | null;
  /** Data loss on the validation rows at the last step (hyperparams.validationFraction), null without them. */
  validationLoss?: number | null;
  maxStableStep: number | null;
  loadMs: number | null;
  fitMs: number | null;
  parameters: RunParameter[];
}

export interface RunRow {
  id: string;
  name: string;
  dataset_id: string;
  dataset_name: string;
  dataset_hash: string;
  status: RunStatus;
  status_reason: string | null;
  resolved_solver: string | null;
  seed: number;
  hyperparams: string;
  app_version: string;
  sweep_id: string | null;
  role: RunRole;
  tags: string;
  notes: string;
  archived: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  load_ms: number | null;
  fit_ms: number | null;
  iterations: number;
  converged: number | null;
  final_objective: number | null;
  final_data_loss: number | null;
  final_penalty: number | null;
  final_nonzero: number | null;
  optimum_objective: number | null;
  final_test_loss: number | null;
  final_validation_loss: number | null;
  max_stable_step: number | null;
}

/** Runs as RunRow reads them (every column and the data set's name), shared with runsPage.ts's SUMMARIES. */
export const SELECT_RUN_ROWS = `SELECT r.*, d.name AS dataset_name FROM runs r JOIN datasets d ON d.id = r.dataset_id`;
const SELECT_RUN = `${SELECT_RUN_ROWS} WHERE r.deleted_at IS NULL`;

/** Soft-deleted runs stay restorable this long, then the next process to open the database purges them. */
export const UNDO_WINDOW_MS = 10 * 60 * 1000;

/** Runs, their per-step metric blocks and final parameters. Every write is one transaction. */
export class RunsStore {
  private readonly insertStmt;
  private readonly setRunningStmt;
  private readonly finishStmt;
  private readonly insertBlockStmt;
  private readonly insertParamStmt;
  private readonly listStmt;
  private readonly byIdStmt;
  private readonly paramsStmt;
  private readonly blocksStmt;
  private readonly existsStmt;
  private readonly q;
  private readonly recent = new RecentBlocks();

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO runs (id, name, dataset_id, dataset_hash, status, model, solver, lambda, alpha, seed, hyperparams, app_version, owner_session, sweep_id, role, created_at)
       VALUES (@id, @name, @dataset_id, @dataset_hash, 'queued', @model, @solver, @lambda, @alpha, @seed, @hyperparams, @app_version, @owner_session, @sweep_id, @role, @created_at)`,
    );
    this.setRunningStmt = db.prepare(`UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`);
    this.finishStmt = db.prepare(
      `UPDATE runs SET status = @status, status_reason = @status_reason, resolved_solver = @resolved_solver, finished_at = @finished_at,
         iterations = @iterations, converged = @converged, final_objective = @final_objective, final_data_loss = @final_data_loss,
         final_penalty = @final_penalty, final_nonzero = @final_nonzero, optimum_objective = @optimum_objective,
         final_test_loss = @final_test_loss, final_validation_loss = @final_validation_loss, max_stable_step = @max_stable_step, load_ms = @load_ms, fit_ms = @fit_ms
       WHERE id = @id`,
    );
    this.insertBlockStmt = db.prepare(
      'INSERT OR REPLACE INTO run_metric_blocks (run_id, first_step, step_count, metrics, data) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertParamStmt = db.prepare('INSERT INTO run_parameters (run_id, ordinal, name, value) VALUES (?, ?, ?, ?)');
    this.listStmt = db.prepare(`${SELECT_RUN} ORDER BY r.created_at DESC, r.id`);
    this.byIdStmt = db.prepare(`${SELECT_RUN} AND r.id = ?`);
    this.paramsStmt = db.prepare('SELECT name, value FROM run_parameters WHERE run_id = ? ORDER BY ordinal');
    // The block holding `fromStep` and those after it, found through the primary key (run_id, first_step):
    // a poll for the newest steps reads those, not the run's whole history.
    this.blocksStmt = db.prepare(
      `SELECT first_step, step_count, data FROM run_metric_blocks
       WHERE run_id = @id AND first_step >= coalesce((SELECT max(first_step) FROM run_metric_blocks WHERE run_id = @id AND first_step <= @fromStep), 0)
       ORDER BY first_step`,
    );
    this.existsStmt = db.prepare('SELECT 1 FROM runs WHERE id = ? AND deleted_at IS NULL').pluck();
    this.q = {
      edit: db.prepare(
        `UPDATE runs SET name = coalesce(@name, name), notes = coalesce(@notes, notes), tags = coalesce(@tags, tags),
           archived = coalesce(@archived, archived) WHERE id = @id AND deleted_at IS NULL`,
      ),
      softDelete: db.prepare(`UPDATE runs SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL AND status NOT IN ('queued', 'running')`),
      restore: db.prepare('UPDATE runs SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL'),
      purge: db.prepare('DELETE FROM runs WHERE deleted_at IS NOT NULL AND deleted_at < ? AND id NOT IN (SELECT run_id FROM sweep_cells)'),
    };
  }

  create(run: NewRun): string {
    const id = `run_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const createdAt = new Date().toISOString();
    const h = run.hyperparams;
    this.insertStmt.run({
      id,
      name: run.name && run.name.length > 0 ? run.name : defaultRunName(h, createdAt),
      dataset_id: run.datasetId,
      dataset_hash: run.datasetHash,
      model: h.model,
      solver: h.solver,
      lambda: h.lambda,
      alpha: h.alpha,
      seed: h.seed,
      hyperparams: JSON.stringify(h),
      app_version: run.appVersion,
      owner_session: run.ownerSession,
      sweep_id: run.sweepId ?? null,
      role: run.role ?? 'run',
      created_at: createdAt,
    });
    return id;
  }

  markRunning(id: string): void {
    this.setRunningStmt.run(new Date().toISOString(), id);
  }

  appendMetrics(id: string, batch: MetricBatch): void {
    if (batch.count === 0) return;
    const data = f64Bytes(packMetricBatch(batch));
    this.insertBlockStmt.run(id, batch.firstStep, batch.count, JSON.stringify(METRIC_NAMES), data);
    // Kept for live readers once committed; inside a transaction it might yet be rolled back.
    if (this.db.inTransaction) this.recent.forget(id);
    else this.recent.add(id, { first_step: batch.firstStep, step_count: batch.count, data });
  }

  /** Records the outcome, the last metrics and the parameters together: a run is finished whole or not at all. */
  finish(id: string, outcome: RunOutcome, lastBatch?: MetricBatch): void {
    this.recent.forget(id);
    this.db.transaction(() => {
      if (lastBatch) this.appendMetrics(id, lastBatch);
      outcome.parameters.forEach((p, i) => this.insertParamStmt.run(id, i, p.name, p.value));
      this.finishStmt.run({
        id,
        status: outcome.status,
        status_reason: outcome.statusReason,
        resolved_solver: outcome.resolvedSolver,
        finished_at: new Date().toISOString(),
        iterations: outcome.iterations,
        converged: outcome.converged === null ? null : outcome.converged ? 1 : 0,
        final_objective: finiteOrNull(outcome.finalObjective),
        final_data_loss: finiteOrNull(outcome.finalDataLoss),
        final_penalty: finiteOrNull(outcome.finalPenalty),
        final_nonzero: finiteOrNull(outcome.finalNonzero),
        optimum_objective: finiteOrNull(outcome.optimumObjective),
        final_test_loss: finiteOrNull(outcome.testLoss ?? null),
        final_validation_loss: finiteOrNull(outcome.validationLoss ?? null),
        max_stable_step: finiteOrNull(outcome.maxStableStep),
        load_ms: outcome.loadMs,
        fit_ms: outcome.fitMs,
      });
    })();
  }

  /** For failures before any result exists. */
  fail(id: string, status: RunStatus, reason: string): void {
    this.recent.forget(id);
    this.finishStmt.run({
      id,
      status,
      status_reason: reason,
      resolved_solver: null,
      finished_at: new Date().toISOString(),
      iterations: 0,
      converged: null,
      final_objective: null,
      final_data_loss: null,
      final_penalty: null,
      final_nonzero: null,
      optimum_objective: null,
      final_test_loss: null,
      final_validation_loss: null,
      max_stable_step: null,
      load_ms: null,
      fit_ms: null,
    });
  }

  list(): RunSummary[] {
    return (this.listStmt.all() as RunRow[]).map(toSummary);
  }

  get(id: string): RunDetail {
    const row = this.byIdStmt.get(id) as RunRow | undefined;
    if (!row) throw new RidgelineError('NOT_FOUND', `no run with id ${id}`);
    return {
      ...toSummary(row),
      statusReason: row.status_reason,
      resolvedSolver: row.resolved_solver,
      seed: row.seed,
      appVersion: row.app_version,
      datasetHash: row.dataset_hash,
      startedAt: row.started_at,
      timings: { loadMs: row.load_ms, fitMs: row.fit_ms },
      converged: row.converged === null ? null : row.converged === 1,
      maxStableStep: row.max_stable_step,
      parameters: this.paramsStmt.all(id) as RunParameter[],
    };
  }

  /**
   * The stored steps from `fromStep` on (all of them by default), of the named metrics only. Each column
   * is copied straight out of the stored blocks (a block is its columns one after another), so the cost
   * is that of the steps and metrics asked for, not of the run's whole history.
   */
  metrics(id: string, names: readonly MetricName[] = METRIC_NAMES, fromStep = 0): RunMetrics {
    const rows = this.recent.from(id, fromStep) ?? (this.blocksStmt.all({ id, fromStep }) as StoredBlock[]);
    const storedFrom = rows.length > 0 ? rows[0].first_step : fromStep;
    const firstStep = Math.max(fromStep, storedFrom);
    const end = rows.reduce((last, r) => Math.max(last, r.first_step + r.step_count), firstStep);
    const count = end - firstStep;
    const columns: RunMetrics['columns'] = {};
    for (const name of names) columns[name] = new Float64Array(count).fill(Number.NaN);
    const bytesOf = Object.fromEntries(names.map((name) => [name, new Uint8Array(columns[name]!.buffer)]));
    for (const row of rows) {
      const skip = Math.max(0, firstStep - row.first_step);
      if (skip >= row.step_count) continue;
      if (row.data.byteLength !== row.step_count * METRIC_NAMES.length * 8) {
        throw new RidgelineError('DB_CORRUPT', `run ${id}: the metric block at step ${row.first_step} holds ${row.data.byteLength} bytes, not ${row.step_count} steps × ${METRIC_NAMES.length} metrics`);
      }
      // Bytes, not doubles: SQLite's buffer need not be 8-byte aligned for a Float64Array view.
      for (const name of names) {
        const from = (METRIC_NAMES.indexOf(name) * row.step_count + skip) * 8;
        const to = (METRIC_NAMES.indexOf(name) + 1) * row.step_count * 8;
        bytesOf[name].set(row.data.subarray(from, to), (row.first_step + skip - firstStep) * 8);
      }
    }
    return { runId: id, firstStep, count, columns };
  }

  edit(edit: RunEdit): RunSummary {
    const changed = this.q.edit.run({
      id: edit.id,
      name: edit.name ?? null,
      notes: edit.notes ?? null,
      tags: edit.tags ? JSON.stringify([...new Set(edit.tags)]) : null,
      archived: edit.archived === undefined ? null : edit.archived ? 1 : 0,
    }).changes;
    if (changed === 0) throw new RidgelineError('NOT_FOUND', `no run with id ${edit.id}`);
    return this.get(edit.id);
  }

  /** Soft-deletes finished runs (running ones are refused); returns the ids deleted, for undo. */
  softDelete(ids: readonly string[]): string[] {
    const at = new Date().toISOString();
    return this.db.transaction(() => ids.filter((id) => this.q.softDelete.run(at, id).changes > 0))();
  }

  restore(ids: readonly string[]): string[] {
    return this.db.transaction(() => ids.filter((id) => this.q.restore.run(id).changes > 0))();
  }

  /** Removes for good what was deleted longer ago than the undo window (cells go with their sweep). */
  purgeDeleted(now = Date.now()): number {
    return this.q.purge.run(new Date(now - UNDO_WINDOW_MS).toISOString()).changes;
  }

  exists(id: string): boolean {
    return this.existsStmt.get(id) !== undefined;
  }
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function defaultRunName(h: Hyperparams, createdAt: string): string {
  return `${h.model} ${h.solver} λ=${h.lambda} α=${h.alpha} · ${createdAt.slice(11, 19)}`;
}

export function toSummary(row: RunRow): RunSummary {
  const optimum = row.optimum_objective;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    datasetId: row.dataset_id,
    datasetName: row.dataset_name,
    // Runs stored before a hyperparameter existed read with its default (the value they ran with).
    hyperparams: { testFraction: 0, ...(JSON.parse(row.hyperparams) as Partial<Hyperparams>) } as Hyperparams,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    iterations: row.iterations,
    final: {
      objective: row.final_objective,
      dataLoss: row.final_data_loss,
      penalty: row.final_penalty,
      optimumObjective: optimum,
      suboptimality: optimum !== null && row.final_objective !== null ? row.final_objective - optimum : null,
      nonzero: row.final_nonzero,
      testLoss: row.final_test_loss,
      validationLoss: row.final_validation_loss,
    },
    sweepId: row.sweep_id,
    role: row.role,
    tags: JSON.parse(row.tags) as string[],
    notes: row.notes,
    archived: row.archived === 1,
    fitMs: row.fit_ms,
  };
}
