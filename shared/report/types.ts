import type { DatasetSummary } from '../domain/datasets.ts';
import type { RunDetail, RunMetrics } from '../domain/runs.ts';
import type { SweepDetail, SweepSpec, SweepStatus } from '../domain/sweeps.ts';

/** What a report is about. */
export type ReportTarget = { kind: 'run'; id: string } | { kind: 'runs'; ids: string[] } | { kind: 'sweep'; id: string };

export const REPORT_FORMATS = ['html', 'pdf', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportDataset {
  summary: DatasetSummary;
  /**
   * The stored values (row-major x, then y). Exported so that an import recreates the data set
   * exactly (same hash, refittable) rather than a placeholder without data.
   */
  values: { x: Float64Array; y: Float64Array } | null;
}

export interface ReportRun {
  detail: RunDetail;
  metrics: RunMetrics;
}

/** A sweep's cell as stored, results included (the form an import writes back). */
export interface StoredSweepCell {
  index: number;
  kind: 'fold' | 'full';
  repeat: number;
  fold: number;
  configIndex: number;
  status: 'pending' | 'running' | 'completed' | 'failed';
  attempts: number;
  error: string | null;
  runId: string;
  size: number | null;
  errors: Float64Array | null;
  nonzero: Float64Array | null;
  intercepts: Float64Array | null;
  coefs: Float64Array | null;
  fitMs: number | null;
}

/** A sweep row as stored. `spec` and `result` are the stored JSON, parsed. */
export interface StoredSweep {
  id: string;
  name: string;
  datasetId: string;
  status: SweepStatus;
  statusReason: string | null;
  spec: SweepSpec;
  measure: string;
  lambdas: Float64Array;
  nLambda: number;
  folds: Int32Array;
  cellsTotal: number;
  cellsDone: number;
  appVersion: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  elapsedMs: number;
  result: unknown;
  cells: StoredSweepCell[];
}

export interface ReportSweep {
  detail: SweepDetail;
  stored: StoredSweep;
}

/** Everything a report shows, gathered from the database (electron/core/reports/gather.ts). */
export interface ReportData {
  target: ReportTarget;
  /** The Ridgeline that made the report. */
  appVersion: string;
  datasets: ReportDataset[];
  /** The run, the selection in the order given, or the sweep's runs (cells in cell order, then refits). */
  runs: ReportRun[];
  sweep: ReportSweep | null;
}
