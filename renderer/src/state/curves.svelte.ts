import type uPlot from 'uplot';
import type { ApiEvent, RidgelineApi } from '../../../shared/api.ts';
import type { MetricName } from '../../../shared/domain/metrics.ts';
import { isFinished } from '../lib/status.ts';
import { alignOnX } from '../lib/alignCurves.ts';
import { curveColumns, runLines, type CurveLine, type CurveMetric } from '../lib/curveViews.ts';
import { debiasedEma } from '../lib/smoothing.ts';
import { stepsUpTo } from '../lib/stepAxis.ts';

export { CURVE_METRICS, type CurveLine, type CurveMetric } from '../lib/curveViews.ts';

/**
 * The x of the curves. Every solver here makes one pass over the training rows per step (gd, fista and
 * cd by definition; sgd and adam record once per epoch), so the step axis is also the epoch axis.
 */
export type CurveAxis = 'step' | 'time';

/** Wall-time alignment refuses more cells than this (runs × distinct instants), ~80 MB of doubles. */
const ALIGN_BUDGET = 10_000_000;

/** Steps beyond this are ignored: a guard against a corrupt `firstStep`, far above any real run. */
const MAX_STEPS = 50_000_000;
const INITIAL_CAPACITY = 1024;
/** How often a curve of a metric that progress events do not carry is brought up to date while it trains. */
const LIVE_FETCH_MS = 250;

/**
 * The plotted columns of one run (one, or the train and validation losses), indexed by step. The buffers
 * double when they fill, so live growth costs amortized O(1) per step; steps not (yet) known are NaN,
 * which the plot skips. The columns are always fetched together, so they share what is known.
 */
class Series {
  /** One buffer per plotted column (curveColumns' order). */
  values: Float64Array<ArrayBuffer>[];
  /**
   * Wall time of each step in seconds since the fit started, for the time axis (NaN until known). Grown
   * only as times arrive: on the step axis a followed metric comes without them.
   */
  seconds = new Float64Array(0);
  /** Whether the stored times were fetched (live progress carries them anyway). */
  timed = false;
  length = 0;
  /**
   * Steps 0 … contiguous − 1 are all known: a fetch asks for the steps from here on only (live events
   * may have written islands further on; the store holds at least those, so the fetch covers them too).
   */
  contiguous = 0;
  /**
   * Per column, the first step whose value is NaN or ±∞ (a diverged run; step 0 for a validation loss
   * the run does not have): the curve is drawn up to it.
   */
  finiteEnd: number[];
  fetching = false;
  fetchAgain = false;

  constructor(
    readonly runId: string,
    columns: number,
  ) {
    this.values = Array.from({ length: columns }, () => new Float64Array(0));
    this.finiteEnd = Array.from({ length: columns }, () => Number.POSITIVE_INFINITY);
  }

  /** The steps of column `c` to draw. */
  end(c: number): number {
    return Math.min(this.length, this.finiteEnd[c]);
  }

  /** The steps to draw of any column (the x axis must reach them). */
  get plotted(): number {
    let end = 0;
    for (let c = 0; c < this.values.length; c++) end = Math.max(end, this.end(c));
    return end;
  }

  /** Writes `count` steps from `firstStep`: one source per column (in order), all present. */
  write(firstStep: number, sources: readonly Float64Array[], count: number, elapsedMs: Float64Array | undefined): void {
    const end = firstStep + count;
    if (firstStep < 0 || end > MAX_STEPS) return;
    this.values = this.values.map((buffer) => grownTo(buffer, end));
    sources.forEach((source, c) => {
      this.values[c].set(source.subarray(0, count), firstStep);
      for (let i = 0; i < count && firstStep + i < this.finiteEnd[c]; i++) {
        if (!Number.isFinite(source[i])) {
          this.finiteEnd[c] = firstStep + i;
          break;
        }
      }
    });
    if (elapsedMs !== undefined) {
      this.seconds = grownTo(this.seconds, end);
      for (let i = 0; i < count; i++) this.seconds[firstStep + i] = elapsedMs[i] / 1000;
    }
    if (end > this.length) this.length = end;
    if (firstStep <= this.contiguous && end > this.contiguous) this.contiguous = end;
  }

}

/**
 * The buffer, or one of twice its capacity (amortized O(1) per step) holding its values then NaN, when it
 * has fewer than `size` slots. Only the new slots are filled: at millions of steps a fill of the whole
 * buffer before the copy was a main-thread cost a live run paid at every doubling.
 */
function grownTo(buffer: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> {
  if (size <= buffer.length) return buffer;
  let capacity = Math.max(buffer.length, INITIAL_CAPACITY);
  while (capacity < size) capacity *= 2;
  const grown = new Float64Array(capacity);
  grown.set(buffer);
  grown.fill(Number.NaN, buffer.length);
  return grown;
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
  /** The quantity `lines` and `data` show (`metric` changes at once, they at the next frame). */
  linesMetric = $state<CurveMetric>('objective');
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

  /** The stored columns behind the plotted quantity. */
  private columns: MetricName[] = curveColumns('objective');

  /** Plots another quantity for the same runs: their buffers are refetched unless its columns are theirs. */
  setMetric(metric: CurveMetric): void {
    if (metric === this.metric) return;
    const columns = curveColumns(metric);
    const sameColumns = columns.length === this.columns.length && columns.every((c, k) => c === this.columns[k]);
    this.metric = metric;
    if (!sameColumns) {
      // A new array only for new columns: a fetch in flight for the same ones still lands (it checks identity).
      this.columns = columns;
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
        const series = new Series(id, this.columns.length);
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
      const sources = this.columns.map((name) => event.batch.columns[name]);
      if (sources.some((source) => source === undefined)) {
        // Progress events carry the live metrics only (LIVE_METRICS): this one's new steps are fetched.
        this.fetchSoon(series);
        return;
      }
      const gap = event.batch.firstStep > series.length && !series.fetching;
      series.write(event.batch.firstStep, sources as Float64Array[], event.batch.count, event.batch.columns.elapsedMs);
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
      const columns = this.columns;
      // Times ride along for the time axis, and for series that have them, so theirs stay complete.
      const withTimes = this.axis === 'time' || wanted.some((s) => s.timed);
      // A series without stored times needs them from step 0; otherwise only what it lacks.
      const fromStep = wanted.map((s) => (withTimes && !s.timed ? 0 : s.contiguous));
      const results = await this.api.getRunMetrics({ ids: wanted.map((s) => s.runId), metrics: withTimes ? [...columns, 'elapsedMs'] : columns, fromStep });
      results.forEach((result, k) => {
        const series = wanted[k];
        const sources = columns.map((name) => result.columns[name]);
        // The view changed, or the run was dropped (or dropped and picked again) while this was in flight.
        if (columns !== this.columns || this.series.get(series.runId) !== series || sources.some((source) => source === undefined)) return;
        // Writing the same step twice is harmless: live events and stored metrics agree.
        series.write(result.firstStep, sources as Float64Array[], result.count, result.columns.elapsedMs);
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
    const length = tracked.reduce((n, s) => Math.max(n, s.plotted), 0);
    if (this.steps.length < length) this.steps = stepsUpTo(this.steps, length);
    const columns = this.columns;
    const lines: CurveLine[] = [];
    const ys: Float64Array[] = [];
    /** Each line's x on the time axis: its run's times over the steps its column draws (one view per column). */
    const times: Float64Array[] = [];
    for (const series of tracked) {
      const ends = columns.map((_, c) => series.end(c));
      const seconds = ends.map((end) => series.seconds.subarray(0, end));
      const values = ends.map((end, c) => this.shown(series, c, end));
      for (const line of runLines(series.runId, this.metric, ends, this.smoothing > 0)) {
        const c = columns.indexOf(line.column);
        lines.push(line);
        ys.push(line.raw || this.smoothing === 0 ? values[c] : debiasedEma(values[c], this.smoothing));
        times.push(seconds[c]);
      }
    }
    this.ids = tracked.map((s) => s.runId);
    this.lines = lines;
    this.linesMetric = this.metric;
    this.loadedPoints = tracked.reduce((n, s) => n + s.plotted, 0);
    if (this.axis === 'time' && tracked.length > 0) {
      const aligned = alignOnX(times, ys, ALIGN_BUDGET);
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

  /** The plotted values of a column: views of the buffer, or J − J* (only points above the optimum). */
  private shown(series: Series, c: number, end: number): Float64Array {
    const values = series.values[c];
    if (this.metric !== 'suboptimality') return values.subarray(0, end);
    const optimum = this.optimumOf(series.runId);
    const out = new Float64Array(end).fill(Number.NaN);
    if (optimum === null) return out;
    for (let i = 0; i < end; i++) {
      const gap = values[i] - optimum;
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
