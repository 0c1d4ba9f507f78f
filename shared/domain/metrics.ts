/**
 * Per-step metrics of a run. Step k is the state after k parameter updates, so step 0 is the
 * initial point (the convention of `seed_gd.json` and of `ridgeline fit --history`).
 * Columns are stored and streamed in this order; a value that does not apply is NaN.
 */
export const METRIC_NAMES = [
  'objective',
  'dataLoss',
  'penalty',
  'l2Norm',
  'l1Norm',
  'nonzero',
  'gradNorm',
  'learningRate',
  'validationLoss',
  'elapsedMs',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** A contiguous block of steps, column by column: `columns[name][i]` is step `firstStep + i`. */
export interface MetricBatch {
  firstStep: number;
  count: number;
  columns: Record<MetricName, Float64Array>;
}

/**
 * The columns progress events carry: what the curves draw by default (the objective, on the step or the
 * time axis). The rest stay in the store, for getRunMetrics with `fromStep`: every column of every
 * step, sent to every listening window, was most of serve mode's work under load.
 */
export const LIVE_METRICS = ['objective', 'elapsedMs'] as const satisfies readonly MetricName[];

/** A progress event's block of steps: `firstStep`, `count` and the LIVE_METRICS columns of them. */
export interface ProgressBatch {
  firstStep: number;
  count: number;
  columns: Partial<Record<MetricName, Float64Array>>;
}

export function progressBatch(batch: MetricBatch): ProgressBatch {
  const columns: ProgressBatch['columns'] = {};
  for (const name of LIVE_METRICS) {
    const column = batch.columns[name];
    // A copy when the column is longer than the batch: IPC's structured clone sends a view's whole buffer.
    columns[name] = column.length === batch.count ? column : column.slice(0, batch.count);
  }
  return { firstStep: batch.firstStep, count: batch.count, columns };
}

export const METRIC_LABELS: Record<MetricName, string> = {
  objective: 'objective J',
  dataLoss: 'data loss',
  penalty: 'penalty',
  l2Norm: '‖w‖₂',
  l1Norm: '‖w‖₁',
  nonzero: 'nonzeros',
  gradNorm: 'gradient norm',
  learningRate: 'learning rate',
  validationLoss: 'validation loss',
  elapsedMs: 'elapsed (ms)',
};

export function emptyMetricColumns(count: number): Record<MetricName, Float64Array> {
  const columns = {} as Record<MetricName, Float64Array>;
  for (const name of METRIC_NAMES) columns[name] = new Float64Array(count).fill(Number.NaN);
  return columns;
}

/** Packs a batch into one buffer, column after column, in METRIC_NAMES order (the stored form). */
export function packMetricBatch(batch: MetricBatch): Float64Array {
  const packed = new Float64Array(batch.count * METRIC_NAMES.length);
  METRIC_NAMES.forEach((name, c) => packed.set(batch.columns[name].subarray(0, batch.count), c * batch.count));
  return packed;
}
