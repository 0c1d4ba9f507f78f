import type uPlot from 'uplot';
import type { ApiEvent, RidgelineApi } from '../../../shared/api.ts';
import type { MetricName } from '../../../shared/domain/metrics.ts';

/** A plotted quantity: a stored metric, or the suboptimality J − J* derived from the objective. */
export type CurveMetric = MetricName | 'suboptimality';

export const CURVE_METRICS: readonly { value: CurveMetric; label: string }[] = [
  { value: 'objective', label: 'objective J' },
  { value: 'suboptimality', label: 'J − J* (distance to the optimum)' },
  { value: 'dataLoss', label: 'data loss' },
  { value: 'validationLoss', label: 'validation loss (held-out rows)' },
  { value: 'penalty', label: 'penalty' },
  { value: 'l2Norm', label: '‖w‖₂' },
  { value: 'l1Norm', label: '‖w‖₁' },
  { value: 'nonzero', label: 'nonzero coefficients' },
  { value: 'gradNorm', label: 'gradient (KKT) norm' },
  { value: 'learningRate', label: 'learning rate' },
];
import { isFinished } from '../lib/status.ts';
import { alignOnX } from '../lib/alignCurves.ts';
import { debiasedEma } from '../lib/smoothing.ts';

/**
 * The x of the curves. Every solver here makes one pass over the training rows per step (gd, fista and
 * cd by definition; sgd and adam record once per epoch), so the step axis is also the epoch axis.
 */
export type CurveAxis = 'step' | 'time';

/** One plotted line: a run's curve, or (when smoothing) its raw curve drawn faint behind the smoothed one. */
export interface CurveLine {
  runId: string;
  raw: boolean;
}

/** Wall-time alignment refuses more cells than this (runs × distinct instants), ~80 MB of doubles. */
const ALIGN_BUDGET = 10_000_000;

/** Steps beyond this are ignored: a guard against a corrupt `firstStep`, far above any real run. */
const MAX_STEPS = 50_000_000;
const INITIAL_CAPACITY = 1024;
/** How often a curve of a metric that progress events do not carry is brought up to date while it trains. */
const LIVE_FETCH_MS = 250;

/**
 * One metric of one run, indexed by step. The buffer doubles when it fills, so live growth costs
 * amortized O(1) per step; steps not (yet) known are NaN, which the plot skips.
 */
class Series {
  values = new Float64Array(0);
  /** Wall time of each step in seconds since the fit started, for the time axis (NaN until known). */
  seconds = new Float64Array(0);
  /** Whether the stored times were fetched (live progress carries them anyway). */
  timed = false;
  length = 0;
  /**
   * Steps 0 … contiguous − 1 are all known: a fetch asks for the steps from here on only (live events
   * may have written islands further on; the store holds at least those, so the fetch covers them too).
   */
  contiguous = 0;
  /** The first step whose value is NaN or ±∞ (a diverged run): the curve is drawn up to it. */
  finiteEnd = Number.POSITIVE_INFINITY;
  fetching = false;
  fetchAgain = false;

  constructor(readonly runId: string) {}

  write(firstStep: number, source: Float64Array, count: number, elapsedMs: Float64Array | undefined): void {
    const end = firstStep + count;
    if (firstStep < 0 || end > MAX_STEPS) return;
    this.reserve(end);
    this.values.set(source.subarray(0, count), firstStep);
    if (elapsedMs !== undefined) for (let i = 0; i < count; i++) this.seconds[firstStep + i] = elapsedMs[i] / 1000;
    if (end > this.length) this.length = end;
    if (firstStep <= this.contiguous && end > this.contiguous) this.contiguous = end;
    for (let i = 0; i < count && firstStep + i < this.finiteEnd; i++) {
      if (!Number.isFinite(source[i])) {
        this.finiteEnd = firstStep + i;
        break;
      }
    }
  }

  private reserve(size: number): void {
    if (size <= this.values.length) return;
    let capacity = Math.max(this.values.length, INITIAL_CAPACITY);
    while (capacity < size) capacity *= 2;
    const grown = new Float64Array(capacity).fill(Number.NaN);
    grown.set(this.values);
    this.values = grown;
    const grownSeconds = new Float64Array(capacity).fill(Number.NaN);
    grownSeconds.set(this.seconds);
    this.seconds = grownSeconds;
  }
}

/**
 * Per-step curves of the tracked (selected) runs: fetched once with getRunMetrics, then grown from
 * `runProgress` events (which carry the live metrics only); later fetches (another metric's new steps,
 * a gap, a finished run, a reconnect) ask only for the steps not yet held (`fromStep`) and append them.
 * `data` is rebuilt at most once per animation frame, from views of the buffers.
 */
export class CurvesState {
  /** Run ids of the plotted runs, in order. */
  ids = $state.raw<string[]>([]);
  /** The y series of `data`, in order. */
  lines = $state.raw<CurveLine[]>([]);
  data = $state.raw<uPlot.AlignedData>([new Float64Array(0)]);
  /** Points of the plotted runs' curves now loaded (Σ over runs of their plotted lengths). */
  loadedPoints = $state(0);
  /** Why the requested axis could not be drawn (the plot then shows steps), else null. */
  axisNote = $state<string | null>(null);

  /** What is plotted; change it with `setMetric`. */
  metric = $state<CurveMetric>('objective');
  /** Debiased EMA weight in [0, 1): 0 draws the raw curves alone. */
  smoothing = $state(0);
  axis = $state<CurveAxis>('step');
  private readonly series = new Map<string, Series>();
  private order: string[] = [];
  private steps = new Float64Array(0);
  private frame = 0;
  private readonly stale = new Set<Series>();
  private staleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly api: RidgelineApi,
    private readonly onError: (error: unknown) => void,
    /** J* of a run's problem, once known (the suboptimality view needs it). */
    private readonly optimumOf: (runId: string) => number | null = () => null,
  ) {}

  /** The stored column behind the plotted quantity. */
  private get column(): MetricName {
    return this.metric === 'suboptimality' ? 'objective' : this.metric;
  }

  /** Plots another quantity for the same runs: their buffers are refetched. */
  setMetric(metric: CurveMetric): void {
    if (metric === this.metric) return;
    const sameColumn = (metric === 'suboptimality' ? 'objective' : metric) === this.column;
    this.metric = metric;
    if (!sameColumn) {
      const ids = this.order;
      this.series.clear();
      this.order = [];
      this.track(ids);
    }
    this.scheduleFlush();
  }

  setSmoothing(weight: number): void {
    const w = Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 0.999) : 0;
    if (w === this.smoothing) return;
    this.smoothing = w;
    this.scheduleFlush();
  }

  setAxis(axis: CurveAxis): void {
    if (axis === this.axis) return;
    this.axis = axis;
    // Stored times are fetched only for the time axis: the step axis does not need them.
    const untimed = axis === 'time' ? [...this.series.values()].filter((s) => !s.timed) : [];
    if (untimed.length > 0) void this.fetch(untimed);
    this.scheduleFlush();
  }

  /** Shows exactly these runs (in this order): new ones are fetched, others dropped. */
  track(ids: readonly string[]): void {
    if (ids.length === this.order.length && ids.every((id, i) => id === this.order[i])) return;
    const added: Series[] = [];
    for (const id of ids) {
      if (!this.series.has(id)) {
        const series = new Series(id);
        this.series.set(id, series);
        added.push(series);
      }
    }
    for (const id of [...this.series.keys()]) if (!ids.includes(id)) this.series.delete(id);
    this.order = [...ids];
    if (added.length > 0) void this.fetch(added);
    this.scheduleFlush();
  }

  handle(event: ApiEvent): void {
    if (event.type === 'runProgress') {
      const series = this.series.get(event.runId);
      if (series === undefined) return;
      const column = event.batch.columns[this.column];
      if (column === undefined) {
        // Progress events carry the live metrics only (LIVE_METRICS): this one's new steps are fetched.
        this.fetchSoon(series);
        return;
      }
      const gap = event.batch.firstStep > series.length && !series.fetching;
      series.write(event.batch.firstStep, column, event.batch.count, event.batch.columns.elapsedMs);
      // Steps were missed (the run was selected while it ran, or the stream dropped): fill them in.
      if (gap) void this.fetch([series]);
      this.scheduleFlush();
    } else if (event.type === 'runStatus') {
      const series = this.series.get(event.runId);
      // A finished run's stored metrics are complete: fetch them once so the curve ends exactly.
      if (series !== undefined && isFinished(event.status)) void this.fetch([series]);
    } else if (event.type === 'runsChanged') {
      const all = [...this.series.values()];
      if (all.length > 0) void this.fetch(all);
    }
  }

  /** Fetches the new steps of these series together, at most once every LIVE_FETCH_MS while runs train. */
  private fetchSoon(series: Series): void {
    this.stale.add(series);
    if (this.staleTimer !== null) return;
    this.staleTimer = setTimeout(() => {
      this.staleTimer = null;
      const list = [...this.stale].filter((s) => this.series.get(s.runId) === s);
      this.stale.clear();
      if (list.length > 0) void this.fetch(list);
    }, LIVE_FETCH_MS);
  }

  private async fetch(list: Series[]): Promise<void> {
    const wanted = list.filter((series) => {
      if (series.fetching) series.fetchAgain = true;
      return !series.fetching;
    });
    if (wanted.length === 0) return;
    for (const series of wanted) series.fetching = true;
    try {
      const metric = this.column;
      // Times ride along for the time axis, and for series that have them, so theirs stay complete.
      const withTimes = this.axis === 'time' || wanted.some((s) => s.timed);
      // A series without stored times needs them from step 0; otherwise only what it lacks.
      const fromStep = wanted.map((s) => (withTimes && !s.timed ? 0 : s.contiguous));
      const results = await this.api.getRunMetrics({ ids: wanted.map((s) => s.runId), metrics: withTimes ? [metric, 'elapsedMs'] : [metric], fromStep });
      results.forEach((result, k) => {
        const series = wanted[k];
        const column = result.columns[metric];
        // The view changed, or the run was dropped (or dropped and picked again) while this was in flight.
        if (metric !== this.column || this.series.get(series.runId) !== series || column === undefined) return;
        // Writing the same step twice is harmless: live events and stored metrics agree.
        series.write(result.firstStep, column, result.count, result.columns.elapsedMs);
        if (withTimes) series.timed = true;
      });
      this.scheduleFlush();
    } catch (error) {
      // A run dropped from the selection meanwhile is no error worth showing.
      if (wanted.some((s) => this.series.get(s.runId) === s)) this.onError(error);
    } finally {
      const again = wanted.filter((s) => s.fetchAgain && this.series.get(s.runId) === s);
      for (const series of wanted) {
        series.fetching = false;
        series.fetchAgain = false;
      }
      if (again.length > 0) void this.fetch(again);
    }
  }

  private scheduleFlush(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.flush();
    });
  }

  private flush(): void {
    const tracked = this.order.map((id) => this.series.get(id)).filter((s): s is Series => s !== undefined);
    const ends = tracked.map((s) => Math.min(s.length, s.finiteEnd));
    const length = ends.reduce((n, end) => Math.max(n, end), 0);
    if (this.steps.length < length) {
      let capacity = Math.max(this.steps.length, INITIAL_CAPACITY);
      while (capacity < length) capacity *= 2;
      this.steps = Float64Array.from({ length: capacity }, (_, i) => i);
    }
    const lines: CurveLine[] = [];
    const ys: Float64Array[] = [];
    const owners: number[] = [];
    tracked.forEach((series, i) => {
      const values = this.shown(series, ends[i]);
      if (this.smoothing > 0) {
        lines.push({ runId: series.runId, raw: true });
        ys.push(values);
        owners.push(i);
      }
      lines.push({ runId: series.runId, raw: false });
      ys.push(this.smoothing > 0 ? debiasedEma(values, this.smoothing) : values);
      owners.push(i);
    });
    this.ids = tracked.map((s) => s.runId);
    this.lines = lines;
    this.loadedPoints = ends.reduce((n, end) => n + end, 0);
    if (this.axis === 'time' && tracked.length > 0) {
      const seconds = tracked.map((s, i) => s.seconds.subarray(0, ends[i]));
      const aligned = alignOnX(
        owners.map((i) => seconds[i]),
        ys,
        ALIGN_BUDGET,
      );
      if (aligned !== null) {
        this.axisNote = null;
        this.data = [aligned.x, ...aligned.ys];
        return;
      }
      this.axisNote = `Too many distinct instants to align ${tracked.length} runs on wall time; showing steps.`;
    } else {
      this.axisNote = null;
    }
    this.data = [this.steps.subarray(0, length), ...ys];
  }

  /** The plotted values of a series: views of the buffer, or J − J* (only points above the optimum). */
  private shown(series: Series, end: number): Float64Array {
    if (this.metric !== 'suboptimality') return series.values.subarray(0, end);
    const optimum = this.optimumOf(series.runId);
    const out = new Float64Array(end).fill(Number.NaN);
    if (optimum === null) return out;
    for (let i = 0; i < end; i++) {
      const gap = series.values[i] - optimum;
      if (gap > 0) out[i] = gap;
    }
    return out;
  }

  dispose(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.staleTimer !== null) clearTimeout(this.staleTimer);
    this.staleTimer = null;
    this.stale.clear();
    this.series.clear();
  }
}
