import uPlot from 'uplot';
import { formatCompact, formatTick } from './format.ts';

export interface PlotSeries {
  label: string;
  stroke: string;
  /** Drawn thin and translucent: a raw curve behind its smoothed one. */
  faint?: boolean;
  /** A dash pattern (canvas setLineDash): a run's validation loss beside its solid train loss. */
  dash?: number[];
}

/** A plot with options of its own: `build` makes them; the plot is rebuilt when `key` changes. */
export interface CustomPlot {
  key: string;
  build: (width: number, height: number) => uPlot.Options;
}

/** What a plot is built from; a change of any of these rebuilds the plot (data changes do not). */
export interface PlotInputs {
  series: PlotSeries[];
  logY: boolean;
  /**
   * x on a log scale. Steps start at 0, which no log axis holds: the scale is uPlot's asinh (linear
   * within ±1, logarithmic beyond), so step 0 stays at the left edge and 1, 10, 100… are evenly spaced.
   */
  logX?: boolean;
  /** What x is, for the legend's value: a step (an integer) or seconds of wall time. */
  xUnit?: 'step' | 'seconds';
  xLabel: string;
  yLabel: string;
  dark: boolean;
}

/**
 * Tick steps from 1e-300 to 5e307: uPlot's defaults stop near 1e16, which leaves a run that diverged
 * (objective up to ~1e308) without axis labels.
 */
const WIDE_INCREMENTS: number[] = [];
for (let e = -300; e <= 307; e++) for (const m of [1, 2, 5]) WIDE_INCREMENTS.push(Number(`${m}e${e}`));

export function buildPlotOptions(inputs: PlotInputs, width: number, height: number): uPlot.Options {
  const ink = inputs.dark ? '#c9d1d9' : '#3a4150';
  const grid = inputs.dark ? 'rgba(255,255,255,0.09)' : 'rgba(0,0,0,0.08)';
  const axis = (label: string): uPlot.Axis => ({
    stroke: ink,
    label,
    labelSize: 20,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    values: (_u, splits) => splits.map(formatTick),
  });
  return {
    width,
    height,
    scales: {
      x: inputs.logX ? { time: false, distr: 4, asinh: 1 } : { time: false },
      y: inputs.logY ? { distr: 3, log: 10, range: yRange(true) } : { distr: 1, range: yRange(false) },
    },
    axes: [
      { ...axis(inputs.xLabel), ...(inputs.logX ? { splits: asinhSplits, filter: (_u: uPlot, splits: number[]) => splits } : {}) },
      { ...axis(inputs.yLabel), size: 64, incrs: WIDE_INCREMENTS, ...(inputs.logY ? { splits: logSplits, filter: (_u: uPlot, splits: number[]) => splits } : {}) },
    ],
    series: [
      { label: inputs.xLabel || 'x', value: (_u, v) => formatX(v, inputs.xUnit ?? 'step') },
      ...inputs.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: s.stroke,
          width: s.faint ? 1 : 1.5,
          alpha: s.faint ? 0.28 : 1,
          ...(s.dash ? { dash: s.dash } : {}),
          points: { show: false },
          value: (_u, v) => formatCompact(v, 6),
        }),
      ),
    ],
    cursor: { drag: { x: true, y: false }, dataIdx: withinRun },
    // A dashed line's legend marker is dashed too, so the legend tells a run's two lines apart.
    legend: { show: true, live: true, markers: { dash: (u: uPlot, i: number) => (u.series[i]?.dash ? 'dashed' : 'solid') } },
  };
}

/** The x legend: a step as an integer, wall time in seconds to 4 significant digits. */
export function formatX(v: number | null | undefined, unit: 'step' | 'seconds'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (unit === 'step') return Math.round(v).toLocaleString('en-US');
  return `${formatCompact(v, 4)} s`;
}

/** Where each series' data start and end (first and last defined index), per data array. */
const runExtents = new WeakMap<object, [number, number]>();

function extentOf(ys: ArrayLike<number | null | undefined>): [number, number] {
  let known = runExtents.get(ys as object);
  if (known === undefined) {
    let first = -1;
    let last = -1;
    for (let i = 0; i < ys.length; i++) {
      const y = ys[i];
      if (y === null || y === undefined || Number.isNaN(y)) continue;
      if (first < 0) first = i;
      last = i;
    }
    known = [first, last];
    runExtents.set(ys as object, known);
  }
  return known;
}

/**
 * The point the legend shows for a series at the hovered x: uPlot's nearest defined point inside the
 * run's own span (runs on wall time have gaps where other runs were sampled), but none past either end,
 * where a finished or later-starting run has no value.
 */
export function withinRun(u: uPlot, seriesIdx: number, hoveredIdx: number): number {
  if (seriesIdx === 0) return hoveredIdx;
  const ys = u.data[seriesIdx] as ArrayLike<number | null | undefined>;
  const [first, last] = extentOf(ys);
  if (first < 0 || hoveredIdx < first || hoveredIdx > last) return hoveredIdx;
  const defined = (i: number): boolean => ys[i] !== null && ys[i] !== undefined && !Number.isNaN(ys[i] as number);
  for (let d = 0; hoveredIdx - d >= first || hoveredIdx + d <= last; d++) {
    if (hoveredIdx - d >= first && defined(hoveredIdx - d)) return hoveredIdx - d;
    if (hoveredIdx + d <= last && defined(hoveredIdx + d)) return hoveredIdx + d;
  }
  return hoveredIdx;
}

/** Ticks of the asinh x axis: 0, then powers of ten (every k-th when they would crowd). */
const asinhSplits: uPlot.Axis.Splits = (u, _axisIdx, scaleMin, scaleMax) => {
  if (!(scaleMax > scaleMin)) return [];
  const splits: number[] = scaleMin <= 0 ? [0] : [];
  const hi = Math.floor(Math.log10(Math.max(scaleMax, 1)));
  const room = Math.max(2, Math.floor(u.bbox.width / (window.devicePixelRatio || 1) / 60));
  const step = Math.max(1, Math.ceil((hi + 1) / room));
  for (let e = 0; e <= hi; e += step) {
    const v = 10 ** e;
    if (v >= scaleMin && v <= scaleMax) splits.push(v);
  }
  return splits;
};

/**
 * Log-axis ticks at powers of ten, every k-th decade so labels never crowd (uPlot's own log ticks put
 * nine per decade, thousands for a diverged run); 2× and 5× too when the range spans few decades.
 */
const logSplits: uPlot.Axis.Splits = (u, _axisIdx, scaleMin, scaleMax) => {
  if (!(scaleMin > 0) || !(scaleMax > scaleMin) || !Number.isFinite(scaleMax)) return [];
  const lo = Math.floor(Math.log10(scaleMin));
  const hi = Math.ceil(Math.log10(scaleMax));
  const room = Math.max(2, Math.floor(u.bbox.height / (window.devicePixelRatio || 1) / 28));
  const raw = Math.max(1, Math.ceil((hi - lo) / room));
  const step = [1, 2, 3, 5, 10, 20, 25, 50, 100, 200].find((n) => n >= raw) ?? raw;
  const multiples = hi - lo <= room / 3 ? [1, 2, 5] : [1];
  const splits: number[] = [];
  for (let e = Math.ceil(lo / step) * step; e <= hi; e += step) {
    for (const m of multiples) {
      const v = Number(`${m}e${e}`);
      if (v >= scaleMin * (1 - 1e-12) && v <= scaleMax * (1 + 1e-12)) splits.push(v);
    }
  }
  return splits.length >= 2 ? splits : linearSplits(scaleMin, scaleMax, room);
};

/** Evenly spaced round ticks (1, 2 or 5 × 10^k apart), at most about `room` of them: a narrow log range. */
function linearSplits(min: number, max: number, room: number): number[] {
  const raw = (max - min) / Math.max(2, Math.min(room, 6));
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const splits: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max * (1 + 1e-12); v += step) splits.push(Number(v.toPrecision(12)));
  return splits;
}

/**
 * The y range from finite values only: uPlot's own min/max take NaN or ∞ at face value (a diverged run
 * ends in them), which would blank the plot.
 */
function yRange(log: boolean): uPlot.Range.Function {
  return (u, dataMin, dataMax) => {
    let min: number | null = dataMin;
    let max: number | null = dataMax;
    const usable = (v: number | null): v is number => v !== null && Number.isFinite(v) && (!log || v > 0);
    if (!usable(min) || !usable(max)) [min, max] = finiteExtent(u, log);
    if (min === null || max === null) return log ? [0.1, 10] : [0, 1];
    const padded: uPlot.Range.MinMax = log
      ? min === max
        ? [min / 10, max * 10]
        : // Whole decades when the data span one or more; within a decade (a zoomed-in, nearly flat stretch)
          // a range padded in log space (uPlot's rangeLog snaps to decades either way), or the curve would
          // sit flat in a decade-high plot.
          max / min >= 10
          ? uPlot.rangeLog(min, max, 10, true)
          : tightLogRange(min, max)
      : uPlot.rangeNum(min, max, 0.1, true);
    // Near the top of the double range (a run about to diverge) padding overflows to ∞: use the data's.
    const [low, high] = padded;
    if (low === null || high === null || !Number.isFinite(low) || !Number.isFinite(high)) return [min, max === min ? min + 1 : max];
    return padded;
  };
}

/** [min, max] widened by a tenth of their span in log₁₀ (at least 0.01 of a decade) on each side. */
function tightLogRange(min: number, max: number): uPlot.Range.MinMax {
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  const pad = Math.max(0.01, (hi - lo) * 0.1);
  return [10 ** (lo - pad), 10 ** (hi + pad)];
}

function finiteExtent(u: uPlot, log: boolean): [number | null, number | null] {
  let min = Infinity;
  let max = -Infinity;
  const x = u.data[0];
  const xMin = u.scales.x?.min ?? -Infinity;
  const xMax = u.scales.x?.max ?? Infinity;
  for (let s = 1; s < u.data.length; s++) {
    const ys = u.data[s];
    for (let i = 0; i < ys.length; i++) {
      const xv = x[i];
      if (xv < xMin || xv > xMax) continue;
      const v = ys[i];
      if (v === null || v === undefined || !Number.isFinite(v) || (log && v <= 0)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? [min, max] : [null, null];
}
