import type { ReportData, ReportDataset, ReportRun, ReportTarget, StoredSweep, StoredSweepCell } from '../../../shared/report/types.ts';
import type { SweepSpec, SweepStatus } from '../../../shared/domain/sweeps.ts';
import { RidgelineError } from '../../../shared/errors.ts';
import { APP_VERSION } from '../appVersion.ts';
import { bytesToF64 } from '../db/datasetsStore.ts';
import type { DatasetsStore } from '../db/datasetsStore.ts';
import type { Db } from '../db/open.ts';
import type { RunsStore } from '../db/runsStore.ts';
import type { SweepsStore } from '../db/sweepsStore.ts';
import { readSweepDetail } from '../sweeps/sweepService.ts';

/** The stores a report reads (the CLI's Store and the services' stores both fit). */
export interface ReportStore {
  db: Db;
  datasets: DatasetsStore;
  runs: RunsStore;
  sweeps: SweepsStore;
}

/** At most this many runs in one selection report: a report is for reading, not a database dump. */
export const MAX_SELECTION = 200;

/**
 * Everything stored about the target: run details, every metric column, parameters, the data set
 * summary and values; for a sweep its detail, its raw stored row and cells, and all its runs.
 */
export function gatherReport(store: ReportStore, target: ReportTarget): ReportData {
  const runIds = target.kind === 'run' ? [target.id] : target.kind === 'runs' ? target.ids : sweepRunIds(store.db, target.id);
  if (target.kind === 'runs') {
    if (target.ids.length === 0) throw new RidgelineError('BAD_REQUEST', 'choose at least one run for the report');
    if (target.ids.length > MAX_SELECTION) throw new RidgelineError('BAD_REQUEST', `a report covers at most ${MAX_SELECTION} runs (${target.ids.length} chosen)`);
    if (new Set(target.ids).size !== target.ids.length) throw new RidgelineError('BAD_REQUEST', 'a run is listed twice in the selection');
  }
  const sweep = target.kind === 'sweep' ? { detail: readSweepDetail(store, target.id), stored: storedSweep(store.db, target.id) } : null;
  const runs: ReportRun[] = runIds.map((id) => ({ detail: store.runs.get(id), metrics: store.runs.metrics(id) }));
  const datasetIds = [...new Set([...(sweep ? [sweep.stored.datasetId] : []), ...runs.map((r) => r.detail.datasetId)])];
  const datasets: ReportDataset[] = datasetIds.map((id) => {
    const summary = store.datasets.get(id);
    if (!summary) throw new RidgelineError('NOT_FOUND', `the data set ${id} of the report is missing from the database`);
    const design = store.datasets.loadDesign(id);
    return { summary, values: { x: design.x, y: design.y } };
  });
  return { target, appVersion: APP_VERSION, datasets, runs, sweep };
}

/** The sweep's runs: its cells in cell order, then its other runs (refits) in creation order. */
function sweepRunIds(db: Db, sweepId: string): string[] {
  const cells = db.prepare('SELECT run_id FROM sweep_cells WHERE sweep_id = ? ORDER BY cell_index').pluck().all(sweepId) as string[];
  const others = db
    .prepare(`SELECT id FROM runs WHERE sweep_id = ? AND deleted_at IS NULL AND id NOT IN (SELECT run_id FROM sweep_cells WHERE sweep_id = ?) ORDER BY created_at, id`)
    .pluck()
    .all(sweepId, sweepId) as string[];
  return [...cells, ...others];
}

const f64OrNull = (b: Buffer | null): Float64Array | null => (b ? bytesToF64(b) : null);

/** The sweep row and its cells exactly as stored (what an import writes back). */
export function storedSweep(db: Db, id: string): StoredSweep {
  const r = db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  if (!r) throw new RidgelineError('NOT_FOUND', `no sweep with id ${id}`);
  const folds = r.folds as Buffer;
  const foldCopy = new Uint8Array(folds.byteLength);
  foldCopy.set(folds);
  const cells = (db.prepare('SELECT * FROM sweep_cells WHERE sweep_id = ? ORDER BY cell_index').all(id) as Record<string, unknown>[]).map(
    (c): StoredSweepCell => ({
      index: c.cell_index as number,
      kind: c.kind as 'fold' | 'full',
      repeat: c.repeat as number,
      fold: c.fold as number,
      configIndex: c.config_index as number,
      status: c.status as StoredSweepCell['status'],
      attempts: c.attempts as number,
      error: (c.error as string | null) ?? null,
      runId: c.run_id as string,
      size: (c.size as number | null) ?? null,
      errors: f64OrNull(c.errors as Buffer | null),
      nonzero: f64OrNull(c.nonzero as Buffer | null),
      intercepts: f64OrNull(c.intercepts as Buffer | null),
      coefs: f64OrNull(c.coefs as Buffer | null),
      fitMs: (c.fit_ms as number | null) ?? null,
    }),
  );
  return {
    id: r.id as string,
    name: r.name as string,
    datasetId: r.dataset_id as string,
    status: r.status as SweepStatus,
    statusReason: (r.status_reason as string | null) ?? null,
    spec: JSON.parse(r.spec as string) as SweepSpec,
    measure: r.measure as string,
    lambdas: bytesToF64(r.lambdas as Buffer),
    nLambda: r.n_lambda as number,
    folds: new Int32Array(foldCopy.buffer),
    cellsTotal: r.cells_total as number,
    cellsDone: r.cells_done as number,
    appVersion: r.app_version as string,
    createdAt: r.created_at as string,
    startedAt: (r.started_at as string | null) ?? null,
    finishedAt: (r.finished_at as string | null) ?? null,
    elapsedMs: r.elapsed_ms as number,
    result: r.result === null ? null : (JSON.parse(r.result as string) as unknown),
    cells,
  };
}
