import { METRIC_NAMES, emptyMetricColumns } from '../../../shared/domain/metrics.ts';
import { RidgelineError } from '../../../shared/errors.ts';
import { decodeReportJson } from '../../../shared/report/json.ts';
import type { ReportData } from '../../../shared/report/types.ts';
import { f64Bytes, hashDesign } from '../db/datasetsStore.ts';
import type { ReportStore } from './gather.ts';

export interface ImportSummary {
  imported: { datasets: string[]; runs: string[]; sweeps: string[] };
  /** Already in the database (same id): left as they are, so importing twice changes nothing. */
  skipped: { datasets: string[]; runs: string[]; sweeps: string[] };
}

/**
 * Imports a JSON report (text or decoded data) into a database: data sets (values included, checked
 * against their hash), runs with the same ids, parameters, every metric column, and a sweep with its
 * cells. Rows whose id is already present are skipped and listed. All of it is one transaction: a
 * document that fails half-way leaves the database as it was.
 */
export function importReportJson(store: ReportStore, document: string | ReportData): ImportSummary {
  let data: ReportData;
  if (typeof document === 'string') {
    const decoded = decodeReportJson(document);
    if (!decoded.ok) throw new RidgelineError('BAD_DATA', `not a Ridgeline JSON report: ${decoded.message}`);
    data = decoded.data;
  } else data = document;
  const { db } = store;
  const q = {
    datasetExists: db.prepare('SELECT 1 FROM datasets WHERE id = ?').pluck(),
    insertDataset: db.prepare(
      `INSERT INTO datasets (id, name, source, target, feature_names, rows, cols, x, y, hash, builtin, created_at, columns, import_details)
       VALUES (@id, @name, @source, @target, @feature_names, @rows, @cols, @x, @y, @hash, @builtin, @created_at, @columns, @import_details)`,
    ),
    // Deleted runs count as present: their ids are taken until purged.
    runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
    insertRun: db.prepare(
      `INSERT INTO runs (id, name, dataset_id, dataset_hash, status, status_reason, model, solver, resolved_solver, lambda, alpha, seed, hyperparams,
         app_version, owner_session, sweep_id, created_at, started_at, finished_at, load_ms, fit_ms, iterations, converged, final_objective,
         final_data_loss, final_penalty, final_nonzero, optimum_objective, final_test_loss, final_validation_loss, max_stable_step, role, tags, notes, archived)
       VALUES (@id, @name, @dataset_id, @dataset_hash, @status, @status_reason, @model, @solver, @resolved_solver, @lambda, @alpha, @seed, @hyperparams,
         @app_version, NULL, @sweep_id, @created_at, @started_at, @finished_at, @load_ms, @fit_ms, @iterations, @converged, @final_objective,
         @final_data_loss, @final_penalty, @final_nonzero, @optimum_objective, @final_test_loss, @final_validation_loss, @max_stable_step, @role, @tags, @notes, @archived)`,
    ),
    insertParam: db.prepare('INSERT INTO run_parameters (run_id, ordinal, name, value) VALUES (?, ?, ?, ?)'),
    insertBlock: db.prepare('INSERT INTO run_metric_blocks (run_id, first_step, step_count, metrics, data) VALUES (?, ?, ?, ?, ?)'),
    sweepExists: db.prepare('SELECT 1 FROM sweeps WHERE id = ?').pluck(),
    insertSweep: db.prepare(
      `INSERT INTO sweeps (id, name, dataset_id, status, status_reason, spec, measure, lambdas, n_lambda, folds, cells_total, cells_done, owner_session,
         app_version, created_at, started_at, finished_at, elapsed_ms, result)
       VALUES (@id, @name, @dataset_id, @status, @status_reason, @spec, @measure, @lambdas, @n_lambda, @folds, @cells_total, @cells_done, NULL,
         @app_version, @created_at, @started_at, @finished_at, @elapsed_ms, @result)`,
    ),
    insertCell: db.prepare(
      `INSERT INTO sweep_cells (sweep_id, cell_index, kind, repeat, fold, config_index, status, attempts, error, run_id, size, errors, nonzero, intercepts, coefs, fit_ms)
       VALUES (@sweep_id, @cell_index, @kind, @repeat, @fold, @config_index, @status, @attempts, @error, @run_id, @size, @errors, @nonzero, @intercepts, @coefs, @fit_ms)`,
    ),
  };
  const summary: ImportSummary = { imported: { datasets: [], runs: [], sweeps: [] }, skipped: { datasets: [], runs: [], sweeps: [] } };
  const blob = (a: Float64Array | null): Buffer | null => (a ? f64Bytes(a) : null);

  db.transaction(() => {
    for (const { summary: ds, values } of data.datasets) {
      if (q.datasetExists.get(ds.id) !== undefined) {
        summary.skipped.datasets.push(ds.id);
        continue;
      }
      if (!values) throw new RidgelineError('BAD_DATA', `data set ${ds.id} has no values in the report; it cannot be imported`);
      const p = ds.features.length;
      if (values.y.length !== ds.rows || values.x.length !== ds.rows * p) {
        throw new RidgelineError('BAD_DATA', `data set ${ds.id}: ${values.x.length} x values and ${values.y.length} y values do not fit ${ds.rows} rows × ${p} features`);
      }
      // The hash is over the names and the exact values: a report edited by hand is refused, not half-trusted.
      const hash = hashDesign(ds.target, { x: values.x, y: values.y, m: ds.rows, p, featureNames: [...ds.features] });
      if (hash !== ds.hash) throw new RidgelineError('BAD_DATA', `data set ${ds.id}: its values do not match its hash (the report was altered or damaged)`);
      q.insertDataset.run({
        id: ds.id,
        name: ds.name,
        source: ds.source,
        target: ds.target,
        feature_names: JSON.stringify(ds.features),
        rows: ds.rows,
        cols: p,
        x: Buffer.alloc(0),
        y: f64Bytes(values.y),
        hash: ds.hash,
        builtin: ds.builtin ? 1 : 0,
        created_at: ds.createdAt,
        columns: JSON.stringify(ds.columns),
        import_details: ds.importDetails ? JSON.stringify(ds.importDetails) : null,
      });
      store.datasets.insertBlocks(ds.id, values.x, p, ds.rows);
      summary.imported.datasets.push(ds.id);
    }

    for (const { detail: r, metrics } of data.runs) {
      if (q.runExists.get(r.id) !== undefined) {
        summary.skipped.runs.push(r.id);
        continue;
      }
      if (q.datasetExists.get(r.datasetId) === undefined) throw new RidgelineError('BAD_DATA', `run ${r.id}: its data set ${r.datasetId} is neither in the report nor in the database`);
      const h = r.hyperparams;
      // A run in flight when exported has no process here to finish it.
      const unfinished = r.status === 'queued' || r.status === 'running';
      q.insertRun.run({
        id: r.id,
        name: r.name,
        dataset_id: r.datasetId,
        dataset_hash: r.datasetHash,
        status: unfinished ? 'interrupted' : r.status,
        status_reason: unfinished ? `it was ${r.status} when the report was exported` : r.statusReason,
        model: h.model,
        solver: h.solver,
        resolved_solver: r.resolvedSolver,
        lambda: h.lambda,
        alpha: h.alpha,
        seed: r.seed,
        hyperparams: JSON.stringify(h),
        app_version: r.appVersion,
        sweep_id: r.sweepId,
        created_at: r.createdAt,
        started_at: r.startedAt,
        finished_at: r.finishedAt,
        load_ms: r.timings.loadMs,
        fit_ms: r.timings.fitMs,
        iterations: r.iterations,
        converged: r.converged === null ? null : r.converged ? 1 : 0,
        final_objective: r.final.objective,
        final_data_loss: r.final.dataLoss,
        final_penalty: r.final.penalty,
        final_nonzero: r.final.nonzero,
        optimum_objective: r.final.optimumObjective,
        final_test_loss: r.final.testLoss ?? null,
        final_validation_loss: r.final.validationLoss ?? null,
        max_stable_step: r.maxStableStep,
        role: r.role,
        tags: JSON.stringify(r.tags),
        notes: r.notes,
        archived: r.archived ? 1 : 0,
      });
      r.parameters.forEach((p, i) => q.insertParam.run(r.id, i, p.name, p.value));
      if (metrics.count > 0) {
        const columns = emptyMetricColumns(metrics.count);
        for (const name of METRIC_NAMES) {
          const column = metrics.columns[name];
          if (!column) continue;
          if (column.length !== metrics.count) throw new RidgelineError('BAD_DATA', `run ${r.id}: metric ${name} has ${column.length} values for ${metrics.count} steps`);
          columns[name].set(column);
        }
        const packed = new Float64Array(metrics.count * METRIC_NAMES.length);
        METRIC_NAMES.forEach((name, c) => packed.set(columns[name], c * metrics.count));
        q.insertBlock.run(r.id, metrics.firstStep, metrics.count, JSON.stringify(METRIC_NAMES), f64Bytes(packed));
      }
      summary.imported.runs.push(r.id);
    }

    const s = data.sweep?.stored;
    if (s) {
      if (q.sweepExists.get(s.id) !== undefined) summary.skipped.sweeps.push(s.id);
      else {
        if (q.datasetExists.get(s.datasetId) === undefined) throw new RidgelineError('BAD_DATA', `sweep ${s.id}: its data set ${s.datasetId} is neither in the report nor in the database`);
        const unfinished = s.status === 'queued' || s.status === 'running';
        q.insertSweep.run({
          id: s.id,
          name: s.name,
          dataset_id: s.datasetId,
          status: unfinished ? 'interrupted' : s.status,
          status_reason: unfinished ? `it was ${s.status} when the report was exported` : s.statusReason,
          spec: JSON.stringify(s.spec),
          measure: s.measure,
          lambdas: f64Bytes(s.lambdas),
          n_lambda: s.nLambda,
          folds: Buffer.from(s.folds.buffer, s.folds.byteOffset, s.folds.byteLength),
          cells_total: s.cellsTotal,
          cells_done: s.cellsDone,
          app_version: s.appVersion,
          created_at: s.createdAt,
          started_at: s.startedAt,
          finished_at: s.finishedAt,
          elapsed_ms: s.elapsedMs,
          result: s.result === null || s.result === undefined ? null : JSON.stringify(s.result),
        });
        for (const c of s.cells) {
          if (q.runExists.get(c.runId) === undefined) throw new RidgelineError('BAD_DATA', `sweep ${s.id}: cell ${c.index} names run ${c.runId}, which the report does not hold`);
          q.insertCell.run({
            sweep_id: s.id,
            cell_index: c.index,
            kind: c.kind,
            repeat: c.repeat,
            fold: c.fold,
            config_index: c.configIndex,
            status: c.status === 'running' ? 'pending' : c.status,
            attempts: c.attempts,
            error: c.error,
            run_id: c.runId,
            size: c.size,
            errors: blob(c.errors),
            nonzero: blob(c.nonzero),
            intercepts: blob(c.intercepts),
            coefs: blob(c.coefs),
            fit_ms: c.fitMs,
          });
        }
        summary.imported.sweeps.push(s.id);
      }
    }
  }).immediate();
  return summary;
}
