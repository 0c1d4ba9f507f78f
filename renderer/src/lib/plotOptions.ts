import uPlot from 'uplot';
import { formatCompact, formatTick } from './format.ts';

export interface PlotSeries {
  label: string;
  stroke: string;
  /** Drawn thin and translucent: a raw curve behind its smoothed one. */
  faint?: boolean;
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
      x: { time: false },
      y: inputs.logY ? { distr: 3, log: 10, range: yRange(true) } : { distr: 1, range: yRange(false) },
    },
    axes: [
      axis(inputs.xLabel),
      { ...axis(inputs.yLabel), size: 64, incrs: WIDE_INCREMENTS, ...(inputs.logY ? { splits: logSplits, filter: (_u: uPlot, splits: number[]) => splits } : {}) },
    ],
    series: [
      { label: inputs.xLabel || 'x', value: (_u, v) => (v === null || v === undefined ? '—' : String(v)) },
      ...inputs.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: s.stroke,
          width: s.faint ? 1 : 1.5,
          alpha: s.faint ? 0.28 : 1,
          points: { show: false },
          value: (_u, v) => formatCompact(v, 6),
        }),
      ),
    ],
    cursor: { drag: { x: true, y: false } },
    legend: { show: true, live: true },
  };
}

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
  return splits;
};

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
        : uPlot.rangeLog(min, max, 10, true)
      : uPlot.rangeNum(min, max, 0.1, true);
    // Near the top of the double range (a run about to diverge) padding overflows to ∞: use the data's.
    const [low, high] = padded;
    if (low === null || high === null || !Number.isFinite(low) || !Number.isFinite(high)) return [min, max === min ? min + 1 : max];
    return padded;
  };
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
