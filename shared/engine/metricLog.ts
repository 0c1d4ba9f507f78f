import { METRIC_NAMES, emptyMetricColumns, type MetricBatch, type MetricName } from '../domain/metrics.ts';

/** A growable column store of per-step metrics; doubling keeps appends amortized O(1). */
export class MetricLog {
  private columns: Record<MetricName, Float64Array>;
  private capacity: number;
  private size = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    this.columns = emptyMetricColumns(this.capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Starts a new step with every metric NaN; returns its row index for `set`. */
  push(): number {
    if (this.size === this.capacity) this.grow();
    for (const name of METRIC_NAMES) this.columns[name][this.size] = Number.NaN;
    return this.size++;
  }

  set(row: number, name: MetricName, value: number): void {
    this.columns[name][row] = value;
  }

  get(row: number, name: MetricName): number {
    return this.columns[name][row];
  }

  last(name: MetricName): number {
    return this.size === 0 ? Number.NaN : this.columns[name][this.size - 1];
  }

  /** A copy of steps [from, length). */
  since(from: number): MetricBatch {
    const start = Math.max(0, Math.min(from, this.size));
    const columns = {} as Record<MetricName, Float64Array>;
    for (const name of METRIC_NAMES) columns[name] = this.columns[name].slice(start, this.size);
    return { firstStep: start, count: this.size - start, columns };
  }

  private grow(): void {
    this.capacity *= 2;
    const next = emptyMetricColumns(this.capacity);
    for (const name of METRIC_NAMES) next[name].set(this.columns[name]);
    this.columns = next;
  }
}
