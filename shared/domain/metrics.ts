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

export function unpackMetricBatch(firstStep: number, packed: Float64Array): MetricBatch {
  const count = packed.length / METRIC_NAMES.length;
  if (!Number.isInteger(count)) {
    throw new Error(`metric block of ${packed.length} values is not a multiple of ${METRIC_NAMES.length} columns`);
  }
  const columns = {} as Record<MetricName, Float64Array>;
  METRIC_NAMES.forEach((name, c) => {
    columns[name] = packed.slice(c * count, (c + 1) * count);
  });
  return { firstStep, count, columns };
}

/** Joins consecutive batches of one run into one batch. */
export function concatMetricBatches(batches: readonly MetricBatch[]): MetricBatch {
  const count = batches.reduce((n, b) => n + b.count, 0);
  const columns = emptyMetricColumns(count);
  let offset = 0;
  for (const batch of batches) {
    for (const name of METRIC_NAMES) columns[name].set(batch.columns[name].subarray(0, batch.count), offset);
    offset += batch.count;
  }
  return { firstStep: batches.length > 0 ? batches[0].firstStep : 0, count, columns };
}
