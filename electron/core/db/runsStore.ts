import { randomUUID } from 'node:crypto';
import { METRIC_NAMES, concatMetricBatches, packMetricBatch, unpackMetricBatch, type MetricBatch, type MetricName } from '../../../shared/domain/metrics.ts';
import type { Hyperparams, RunDetail, RunEdit, RunMetrics, RunParameter, RunRole, RunStatus, RunSummary } from '../../../shared/domain/runs.ts';
import { RidgelineError } from '../../../shared/errors.ts';
import { bytesToF64, f64Bytes } from './datasetsStore.ts';
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
  maxStableStep: number | null;
  loadMs: number | null;
  fitMs: number | null;
  parameters: RunParameter[];
}

interface RunRow {
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
  max_stable_step: number | null;
}

const SELECT_RUN = `SELECT r.*, d.name AS dataset_name FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.deleted_at IS NULL`;

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
         final_test_loss = @final_test_loss, max_stable_step = @max_stable_step, load_ms = @load_ms, fit_ms = @fit_ms
       WHERE id = @id`,
    );
    this.insertBlockStmt = db.prepare(
      'INSERT OR REPLACE INTO run_metric_blocks (run_id, first_step, step_count, metrics, data) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertParamStmt = db.prepare('INSERT INTO run_parameters (run_id, ordinal, name, value) VALUES (?, ?, ?, ?)');
    this.listStmt = db.prepare(`${SELECT_RUN} ORDER BY r.created_at DESC, r.id`);
    this.byIdStmt = db.prepare(`${SELECT_RUN} AND r.id = ?`);
    this.paramsStmt = db.prepare('SELECT name, value FROM run_parameters WHERE run_id = ? ORDER BY ordinal');
    this.blocksStmt = db.prepare('SELECT first_step, data FROM run_metric_blocks WHERE run_id = ? ORDER BY first_step');
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
    this.insertBlockStmt.run(id, batch.firstStep, batch.count, JSON.stringify(METRIC_NAMES), f64Bytes(packMetricBatch(batch)));
  }

  /** Records the outcome, the last metrics and the parameters together: a run is finished whole or not at all. */
  finish(id: string, outcome: RunOutcome, lastBatch?: MetricBatch): void {
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
        max_stable_step: finiteOrNull(outcome.maxStableStep),
        load_ms: outcome.loadMs,
        fit_ms: outcome.fitMs,
      });
    })();
  }

  /** For failures before any result exists. */
  fail(id: string, status: RunStatus, reason: string): void {
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

  metrics(id: string, names: readonly MetricName[] = METRIC_NAMES): RunMetrics {
    const rows = this.blocksStmt.all(id) as { first_step: number; data: Buffer }[];
    const all = concatMetricBatches(rows.map((r) => unpackMetricBatch(r.first_step, bytesToF64(r.data))));
    const columns: RunMetrics['columns'] = {};
    for (const name of names) columns[name] = all.columns[name];
    return { runId: id, firstStep: all.firstStep, count: all.count, columns };
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

function toSummary(row: RunRow): RunSummary {
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
    },
    sweepId: row.sweep_id,
    role: row.role,
    tags: JSON.parse(row.tags) as string[],
    notes: row.notes,
    archived: row.archived === 1,
    fitMs: row.fit_ms,
  };
}
