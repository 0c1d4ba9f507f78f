import { randomUUID } from 'node:crypto';
import type { CellInfo, SweepConfig, SweepSpec, SweepStatus, SweepSummary } from '../../../shared/domain/sweeps.ts';
import type { Hyperparams } from '../../../shared/domain/runs.ts';
import { RidgelineError } from '../../../shared/errors.ts';
import { bytesToF64, f64Bytes } from './datasetsStore.ts';
import type { Db } from './open.ts';
import type { RunsStore } from './runsStore.ts';

export interface CellKey {
  kind: 'fold' | 'full';
  repeat: number;
  fold: number;
  configIndex: number;
}

/** A cell as stored; the service adds what it derives from the spec (the configuration's α). */
export type StoredCell = Omit<CellInfo, 'alphaIndex'>;

export interface NewSweep {
  name: string;
  datasetId: string;
  datasetHash: string;
  spec: SweepSpec;
  measure: string;
  /** configurations × nLambda. */
  lambdas: Float64Array;
  configs: SweepConfig[];
  /** The hyperparameters recorded with each configuration's cell runs. */
  hyperparams: Hyperparams[];
  nLambda: number;
  /** repeats × rows. */
  folds: Int32Array;
  cells: CellKey[];
  appVersion: string;
}

export interface CellResultRow {
  size: number | null;
  errors: Float64Array | null;
  nonzero: Float64Array;
  intercepts: Float64Array | null;
  coefs: Float64Array | null;
  fitMs: number;
}

/** A completed cell's measured time, with what its work is computed from (for time estimates). */
export interface CellCostRow {
  sweepId: string;
  datasetId: string;
  /** The data set's size: a cell's work is computed from it. */
  rows: number;
  cols: number;
  spec: SweepSpec;
  nLambda: number;
  /** The sweep's status and elapsed time: a completed sweep's fixed cost is measured from them. */
  sweepStatus: SweepStatus;
  sweepElapsedMs: number;
  sweepCellsTotal: number;
  kind: 'fold' | 'full';
  configIndex: number;
  fitMs: number;
}

export interface SweepRow {
  id: string;
  name: string;
  datasetId: string;
  status: SweepStatus;
  spec: SweepSpec;
  measure: string;
  lambdas: Float64Array;
  nLambda: number;
  folds: Int32Array;
  cellsTotal: number;
  cellsDone: number;
  elapsedMs: number;
  result: string | null;
}

interface SummaryRow {
  id: string;
  name: string;
  status: SweepStatus;
  status_reason: string | null;
  dataset_id: string;
  dataset_name: string;
  spec: string;
  measure: string;
  cells_total: number;
  cells_done: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  elapsed_ms: number;
  running_since: number | null;
}

function i32Bytes(values: Int32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function bytesToI32(bytes: Buffer): Int32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Int32Array(copy.buffer);
}

const now = (): string => new Date().toISOString();

/** Sweeps and their cells. A cell's results and its completion are one transaction. */
export class SweepsStore {
  private readonly listStmt;
  private readonly summaryStmt;
  private readonly cellsStmt;
  private readonly cellRunStmt;
  private readonly completeCellStmt;
  private readonly bumpDoneStmt;
  private readonly cellStatusStmt;
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly runs: RunsStore,
  ) {
    const select = `SELECT s.id, s.name, s.status, s.status_reason, s.dataset_id, d.name AS dataset_name, s.spec, s.measure, s.cells_total,
              s.cells_done, s.created_at, s.started_at, s.finished_at, s.elapsed_ms, s.running_since
       FROM sweeps s JOIN datasets d ON d.id = s.dataset_id`;
    this.listStmt = db.prepare(`${select} ORDER BY s.created_at DESC`);
    this.summaryStmt = db.prepare(`${select} WHERE s.id = ?`);
    this.cellsStmt = db.prepare(
      'SELECT cell_index, kind, repeat, fold, config_index, status, attempts, error, run_id FROM sweep_cells WHERE sweep_id = ? ORDER BY cell_index',
    );
    this.cellRunStmt = db.prepare('SELECT run_id FROM sweep_cells WHERE sweep_id = ? AND cell_index = ?').pluck();
    this.completeCellStmt = db.prepare(
      `UPDATE sweep_cells SET status = 'completed', size = @size, errors = @errors, nonzero = @nonzero, intercepts = @intercepts,
         coefs = @coefs, fit_ms = @fit_ms, computed_by = @computed_by WHERE sweep_id = @sweep_id AND cell_index = @cell_index AND status != 'completed'`,
    );
    this.bumpDoneStmt = db.prepare('UPDATE sweeps SET cells_done = cells_done + 1 WHERE id = ?');
    this.cellStatusStmt = db.prepare('UPDATE sweep_cells SET status = ?, attempts = attempts + ?, error = ? WHERE sweep_id = ? AND cell_index = ?');
    this.q = {
      insertSweep: db.prepare(
        `INSERT INTO sweeps (id, name, dataset_id, status, spec, measure, lambdas, n_lambda, folds, cells_total, owner_session, app_version, created_at)
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertCell: db.prepare(`INSERT INTO sweep_cells (sweep_id, cell_index, kind, repeat, fold, config_index, status, run_id) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`),
      row: db.prepare('SELECT * FROM sweeps WHERE id = ?'),
      cellResults: db.prepare("SELECT cell_index, size, errors, nonzero, intercepts, coefs, fit_ms FROM sweep_cells WHERE sweep_id = ? AND status = 'completed'"),
      cellErrors: db.prepare("SELECT cell_index, size, errors, nonzero FROM sweep_cells WHERE sweep_id = ? AND status = 'completed'"),
      cellPath: db.prepare("SELECT intercepts, coefs FROM sweep_cells WHERE sweep_id = ? AND cell_index = ? AND status = 'completed'"),
      cellTimes: db.prepare("SELECT cell_index, fit_ms FROM sweep_cells WHERE sweep_id = ? AND status = 'completed' AND fit_ms IS NOT NULL"),
      cellsByWorker: db.prepare(
        `SELECT CASE WHEN json_valid(computed_by) THEN json_extract(computed_by, '$.worker') END AS worker, count(*) AS cells
         FROM sweep_cells WHERE sweep_id = ? AND status = 'completed' GROUP BY worker`,
      ),
      claim: db.prepare(
        `UPDATE sweeps SET status = 'running', status_reason = NULL, owner_session = ?, started_at = coalesce(started_at, ?), finished_at = NULL, running_since = ? WHERE id = ?`,
      ),
      resetCells: db.prepare(`UPDATE sweep_cells SET status = 'pending' WHERE sweep_id = ? AND status IN ('running', 'failed')`),
      ownRuns: db.prepare(`UPDATE runs SET owner_session = ? WHERE sweep_id = ?`),
      cellRunning: db.prepare("UPDATE sweep_cells SET status = 'running', attempts = attempts + 1 WHERE sweep_id = ? AND cell_index = ?"),
      runRunning: db.prepare(`UPDATE runs SET status = 'running', started_at = ?, status_reason = NULL, finished_at = NULL WHERE id = ?`),
      finish: db.prepare(
        'UPDATE sweeps SET status = ?, status_reason = ?, finished_at = ?, elapsed_ms = elapsed_ms + ?, running_since = NULL, result = coalesce(?, result) WHERE id = ?',
      ),
      runningCellsPending: db.prepare(`UPDATE sweep_cells SET status = 'pending' WHERE sweep_id = ? AND status = 'running'`),
      costHistory: db.prepare(
        `SELECT s.id AS sweep_id, s.dataset_id, d.rows, d.cols, s.spec, s.n_lambda, s.status, s.elapsed_ms, s.cells_total, c.kind, c.config_index, c.fit_ms
         FROM sweeps s JOIN sweep_cells c ON c.sweep_id = s.id JOIN datasets d ON d.id = s.dataset_id
         WHERE s.id IN (SELECT id FROM sweeps ORDER BY created_at DESC LIMIT ?) AND c.status = 'completed' AND c.fit_ms IS NOT NULL
         ORDER BY s.created_at DESC, c.cell_index LIMIT ?`,
      ),
      endRuns: db.prepare(`UPDATE runs SET status = ?, status_reason = ?, finished_at = ? WHERE sweep_id = ? AND status IN ('queued', 'running')`),
    };
  }

  /** The sweep, a run per cell, and the cell rows, all or nothing. */
  create(sweep: NewSweep, ownerSession: string | null): string {
    const id = `sweep_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const { foldIds: _omitted, ...storedSpec } = sweep.spec;
    this.db.transaction(() => {
      this.q.insertSweep.run(id, sweep.name, sweep.datasetId, JSON.stringify(storedSpec), sweep.measure, f64Bytes(sweep.lambdas), sweep.nLambda, i32Bytes(sweep.folds), sweep.cells.length, ownerSession, sweep.appVersion, now());
      sweep.cells.forEach((cell, index) => {
        const config = sweep.configs[cell.configIndex];
        const runId = this.runs.create({
          name:
            cell.kind === 'full'
              ? `${sweep.name} · all data · ${config.label}`
              : `${sweep.name} · fold ${cell.fold + 1}/${sweep.spec.folds}${sweep.spec.repeats > 1 ? ` · repeat ${cell.repeat + 1}` : ''} · ${config.label}`,
          datasetId: sweep.datasetId,
          datasetHash: sweep.datasetHash,
          hyperparams: sweep.hyperparams[cell.configIndex],
          appVersion: sweep.appVersion,
          ownerSession,
          sweepId: id,
          role: 'cell',
        });
        this.q.insertCell.run(id, index, cell.kind, cell.repeat, cell.fold, cell.configIndex, runId);
      });
    })();
    return id;
  }

  list(): SweepSummary[] {
    const readAt = Date.now();
    return (this.listStmt.all() as SummaryRow[]).map((row) => toSummary(row, readAt));
  }

  summary(id: string): SweepSummary {
    const row = this.summaryStmt.get(id) as SummaryRow | undefined;
    if (!row) throw new RidgelineError('NOT_FOUND', `no sweep with id ${id}`);
    return toSummary(row, Date.now());
  }

  row(id: string): SweepRow {
    const r = this.q.row.get(id) as Record<string, unknown> | undefined;
    if (!r) throw new RidgelineError('NOT_FOUND', `no sweep with id ${id}`);
    return {
      id: r.id as string,
      name: r.name as string,
      datasetId: r.dataset_id as string,
      status: r.status as SweepStatus,
      spec: JSON.parse(r.spec as string) as SweepSpec,
      measure: r.measure as string,
      lambdas: bytesToF64(r.lambdas as Buffer),
      nLambda: r.n_lambda as number,
      folds: bytesToI32(r.folds as Buffer),
      cellsTotal: r.cells_total as number,
      cellsDone: r.cells_done as number,
      elapsedMs: r.elapsed_ms as number,
      result: (r.result as string | null) ?? null,
    };
  }

  cells(id: string): StoredCell[] {
    return (this.cellsStmt.all(id) as Record<string, unknown>[]).map((r) => ({
      index: r.cell_index as number,
      kind: r.kind as 'fold' | 'full',
      repeat: r.repeat as number,
      fold: r.fold as number,
      configIndex: r.config_index as number,
      status: r.status as CellInfo['status'],
      attempts: r.attempts as number,
      error: (r.error as string | null) ?? null,
      runId: r.run_id as string,
    }));
  }

  cellResults(id: string): Map<number, CellResultRow> {
    const rows = this.q.cellResults.all(id) as { cell_index: number; size: number | null; errors: Buffer | null; nonzero: Buffer; intercepts: Buffer | null; coefs: Buffer | null; fit_ms: number }[];
    return new Map(
      rows.map((r) => [
        r.cell_index,
        {
          size: r.size,
          errors: r.errors ? bytesToF64(r.errors) : null,
          nonzero: bytesToF64(r.nonzero),
          intercepts: r.intercepts ? bytesToF64(r.intercepts) : null,
          coefs: r.coefs ? bytesToF64(r.coefs) : null,
          fitMs: r.fit_ms,
        },
      ]),
    );
  }

  /**
   * The completed cells' errors and nonzero counts without their coefficients: a running sweep's partial
   * CV curves are read from them several times a second.
   */
  cellErrors(id: string): Map<number, Pick<CellResultRow, 'size' | 'errors' | 'nonzero'>> {
    const rows = this.q.cellErrors.all(id) as { cell_index: number; size: number | null; errors: Buffer | null; nonzero: Buffer }[];
    return new Map(rows.map((r) => [r.cell_index, { size: r.size, errors: r.errors ? bytesToF64(r.errors) : null, nonzero: bytesToF64(r.nonzero) }]));
  }

  /** One completed cell's coefficient path; null while it is unfinished or where it keeps none (MLP). */
  cellPath(id: string, cellIndex: number): { intercepts: Float64Array; coefs: Float64Array } | null {
    const r = this.q.cellPath.get(id, cellIndex) as { intercepts: Buffer | null; coefs: Buffer | null } | undefined;
    if (!r?.intercepts || !r.coefs || r.coefs.byteLength === 0) return null;
    return { intercepts: bytesToF64(r.intercepts), coefs: bytesToF64(r.coefs) };
  }

  /** The measured time of each completed cell (a running sweep's estimate reads it several times a second). */
  cellTimes(id: string): Map<number, number> {
    return new Map((this.q.cellTimes.all(id) as { cell_index: number; fit_ms: number }[]).map((r) => [r.cell_index, r.fit_ms]));
  }

  /**
   * The completed cells of a sweep by the queue worker that trained them (sweep_cells.computed_by);
   * under null, those this machine's pool trained.
   */
  cellsByWorker(id: string): Map<string | null, number> {
    const rows = this.q.cellsByWorker.all(id) as { worker: unknown; cells: number }[];
    return new Map(rows.map((r) => [typeof r.worker === 'string' ? r.worker : null, r.cells]));
  }

  /** The measured cells of the latest `sweeps` sweeps, newest sweep first (at most `cells` of them). */
  costHistory(sweeps: number, cells: number): CellCostRow[] {
    const rows = this.q.costHistory.all(sweeps, cells) as {
      sweep_id: string;
      dataset_id: string;
      rows: number;
      cols: number;
      spec: string;
      n_lambda: number;
      status: SweepStatus;
      elapsed_ms: number;
      cells_total: number;
      kind: 'fold' | 'full';
      config_index: number;
      fit_ms: number;
    }[];
    const specs = new Map<string, SweepSpec>();
    return rows.map((r) => {
      if (!specs.has(r.sweep_id)) specs.set(r.sweep_id, JSON.parse(r.spec) as SweepSpec);
      return { sweepId: r.sweep_id, datasetId: r.dataset_id, rows: r.rows, cols: r.cols, spec: specs.get(r.sweep_id)!, nLambda: r.n_lambda, sweepStatus: r.status, sweepElapsedMs: r.elapsed_ms, sweepCellsTotal: r.cells_total, kind: r.kind, configIndex: r.config_index, fitMs: r.fit_ms };
    });
  }

  /** Claims the sweep for this process: running, owned by `session`; unfinished cells go back to pending. */
  start(id: string, session: string): void {
    this.db.transaction(() => {
      this.q.claim.run(session, now(), Date.now(), id);
      this.q.resetCells.run(id);
      this.q.ownRuns.run(session, id);
    })();
  }

  markCellRunning(sweepId: string, index: number): void {
    this.db.transaction(() => {
      // The last failure's message stays with the cell: the UI shows why it took a second attempt.
      this.q.cellRunning.run(sweepId, index);
      const runId = this.cellRunStmt.get(sweepId, index) as string;
      this.q.runRunning.run(now(), runId);
    })();
  }

  /**
   * Results, completion, the sweep's count and the cell's run: one transaction. A cell already completed
   * is left as it is (a result is committed once). `computedBy`: the queue worker that trained it.
   */
  completeCell(
    sweepId: string,
    index: number,
    result: CellResultRow & { iterations: number; statusReason: string | null; computedBy?: { worker: string; engineHash: string; v8: string } },
  ): void {
    this.db.transaction(() => {
      const changed = this.completeCellStmt.run({
        sweep_id: sweepId,
        cell_index: index,
        size: result.size,
        errors: result.errors ? f64Bytes(result.errors) : null,
        nonzero: f64Bytes(result.nonzero),
        intercepts: result.intercepts ? f64Bytes(result.intercepts) : null,
        coefs: result.coefs ? f64Bytes(result.coefs) : null,
        fit_ms: result.fitMs,
        computed_by: result.computedBy ? JSON.stringify(result.computedBy) : null,
      }).changes;
      if (changed === 0) return;
      this.bumpDoneStmt.run(sweepId);
      const runId = this.cellRunStmt.get(sweepId, index) as string;
      this.runs.finish(runId, {
        status: 'completed',
        statusReason: result.statusReason,
        resolvedSolver: 'cd',
        iterations: result.iterations,
        converged: result.statusReason === null,
        finalObjective: null,
        finalDataLoss: null,
        finalPenalty: null,
        finalNonzero: result.nonzero[result.nonzero.length - 1],
        optimumObjective: null,
        maxStableStep: null,
        loadMs: null,
        fitMs: result.fitMs,
        parameters: [],
      });
    })();
  }

  /** A failed attempt: the cell goes back to pending (to be retried) or stays failed. */
  failCell(sweepId: string, index: number, error: string, retry: boolean): void {
    this.db.transaction(() => {
      this.cellStatusStmt.run(retry ? 'pending' : 'failed', 0, error, sweepId, index);
      const runId = this.cellRunStmt.get(sweepId, index) as string;
      this.runs.fail(runId, retry ? 'queued' : 'failed', error);
    })();
  }

  finish(id: string, status: SweepStatus, reason: string | null, elapsedMs: number, result: unknown | null): void {
    this.db.transaction(() => {
      this.q.finish.run(status, reason, now(), elapsedMs, result === null ? null : JSON.stringify(result), id);
      if (status !== 'completed') {
        // Cells that did not finish: their runs are interrupted with the sweep; the cells stay pending for resume.
        this.q.runningCellsPending.run(id);
        this.q.endRuns.run(status === 'failed' ? 'failed' : status === 'cancelled' ? 'cancelled' : 'interrupted', reason, now(), id);
      }
    })();
  }
}

/**
 * A sweep as lists show it. `readAt` (ms since the epoch) is when it was read: a running sweep's elapsed
 * time is its earlier executions' plus its current one's so far, so it grows between reads.
 */
function toSummary(row: SummaryRow, readAt: number): SweepSummary {
  const spec = JSON.parse(row.spec) as SweepSpec;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    statusReason: row.status_reason,
    datasetId: row.dataset_id,
    datasetName: row.dataset_name,
    model: spec.model,
    measure: row.measure,
    alphas: spec.alphas,
    folds: spec.folds,
    repeats: spec.repeats,
    cellsDone: row.cells_done,
    cellsTotal: row.cells_total,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    elapsedMs: row.elapsed_ms + (row.status === 'running' && row.running_since !== null ? Math.max(0, readAt - row.running_since) : 0),
  };
}
