/**
 * uPlot options for the sweep views, drawn like glmnet's plot.cv.glmnet and plot.glmnet: x is log₁₀ λ
 * increasing to the right, λ_min and λ_1se are dashed verticals, and the number of nonzero
 * coefficients runs along a top axis at the same positions.
 */
import { categoricalColor } from '../../../shared/palette.ts';
import uPlot from 'uplot';
import { formatCompact, formatTick } from './format.ts';

export interface PlotTheme {
  ink: string;
  muted: string;
  grid: string;
  marker: string;
  bar: string;
  lambdaLine: string;
}

export function plotTheme(dark: boolean): PlotTheme {
  return dark
    ? { ink: '#c9d1d9', muted: '#9aa3b2', grid: 'rgba(255,255,255,0.09)', marker: '#ff6b5e', bar: 'rgba(201,209,217,0.55)', lambdaLine: '#9aa3b2' }
    : { ink: '#3a4150', muted: '#5d6676', grid: 'rgba(0,0,0,0.08)', marker: '#d62728', bar: 'rgba(58,65,80,0.5)', lambdaLine: '#5d6676' };
}

/** A path's k-th feature: the app's categorical palette (shared/palette.ts), as in the reports. */
export const featureColor = categoricalColor;

/** Positions of the plotted λ, ascending (log λ increases to the right); λ ≤ 0 has no place on a log axis. */
export function ascendingOrder(lambdas: readonly number[]): number[] {
  return lambdas
    .map((lambda, index) => ({ lambda, index }))
    .filter((p) => p.lambda > 0 && Number.isFinite(p.lambda))
    .sort((a, b) => a.lambda - b.lambda)
    .map((p) => p.index);
}

export interface LambdaMarks {
  lambdaMin: number;
  lambda1se: number;
}

const axisFont = (): string => `${Math.round(11 * uPlot.pxRatio)}px system-ui, sans-serif`;

function baseAxis(theme: PlotTheme, label: string): uPlot.Axis {
  return {
    stroke: theme.ink,
    label,
    labelSize: 20,
    font: '12px system-ui, sans-serif',
    labelFont: '600 12px system-ui, sans-serif',
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1 },
    values: (_u, splits) => splits.map(formatTick),
  };
}

/**
 * The top axis: ticks at the plotted λ, labelled with their nonzero counts, thinned so labels keep
 * at least `minGap` CSS pixels apart (glmnet prints every few counts the same way).
 */
function nonzeroAxis(theme: PlotTheme, xs: Float64Array, counts: number[], minGap = 26): uPlot.Axis {
  const countAt = new Map<number, number>();
  xs.forEach((x, k) => countAt.set(x, counts[k]));
  return {
    scale: 'x',
    side: 0,
    stroke: theme.muted,
    label: 'nonzero coefficients',
    labelSize: 18,
    labelFont: '600 11px system-ui, sans-serif',
    font: '11px system-ui, sans-serif',
    size: 22,
    grid: { show: false },
    ticks: { stroke: theme.grid, width: 1, size: 4 },
    splits: (u) => {
      const picked: number[] = [];
      let last = -Infinity;
      // From the right (the dense end of the path) so the full model's count is always shown.
      for (let k = xs.length - 1; k >= 0; k--) {
        const px = u.valToPos(xs[k], 'x');
        if (Math.abs(px - last) >= minGap) {
          picked.push(xs[k]);
          last = px;
        }
      }
      return picked.reverse();
    },
    values: (_u, splits) => splits.map((x) => String(countAt.get(x) ?? '')),
  };
}

/**
 * Whether a line's label (of `width`, drawn `gap` from the line at x) goes to its left: the preferred
 * side when the label fits there between `left` and `right`, else the other side when it fits there.
 */
export function labelGoesLeft(x: number, width: number, gap: number, left: number, right: number, preferLeft: boolean): boolean {
  const leftFits = x - gap - width >= left;
  const rightFits = x + gap + width <= right;
  return preferLeft ? leftFits || !rightFits : !rightFits && leftFits;
}

/** Dashed verticals at λ_min and λ_1se with their names, clipped to the plotting area. */
function drawLambdaMarks(u: uPlot, marks: LambdaMarks, theme: PlotTheme): void {
  const { ctx, bbox } = u;
  const r = uPlot.pxRatio;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  ctx.strokeStyle = theme.lambdaLine;
  ctx.fillStyle = theme.ink;
  ctx.lineWidth = r;
  ctx.setLineDash([5 * r, 4 * r]);
  ctx.font = axisFont();
  ctx.textBaseline = 'top';
  const xMin = u.valToPos(Math.log10(marks.lambdaMin), 'x', true);
  const x1se = u.valToPos(Math.log10(marks.lambda1se), 'x', true);
  const labels: [number, string][] = [
    [xMin, 'λ_min'],
    [x1se, 'λ_1se'],
  ];
  labels.forEach(([x, label], i) => {
    if (!Number.isFinite(x)) return;
    ctx.beginPath();
    ctx.moveTo(Math.round(x) + 0.5, bbox.top);
    ctx.lineTo(Math.round(x) + 0.5, bbox.top + bbox.height);
    ctx.stroke();
    // λ_min lies left of λ_1se: its label goes to the left of its line, λ_1se's to the right, unless
    // that side has no room for it within the plot (it would be clipped: "_min"); a label moved next to
    // the other one goes a line lower so that the two do not overlap.
    const same = Math.abs(xMin - x1se) < 2;
    const text = same ? (i === 0 ? 'λ_min = λ_1se' : '') : label;
    if (text === '') return;
    const gap = 4 * r;
    const toLeft = labelGoesLeft(x, ctx.measureText(text).width, gap, bbox.left, bbox.left + bbox.width, i === 0);
    const moved = toLeft !== (i === 0);
    ctx.textAlign = toLeft ? 'right' : 'left';
    ctx.fillText(text, toLeft ? x - gap : x + gap, bbox.top + gap + (moved ? 16 * r : 0));
  });
  ctx.restore();
}

function xSeries(lambdaOf: (idx: number) => number): uPlot.Series {
  return {
    label: 'λ',
    value: (_u, v, _s, idx) => (v === null || idx === null || idx === undefined ? '—' : `${formatCompact(lambdaOf(idx), 5)} (log₁₀ ${formatCompact(v, 3)})`),
  };
}

/** A padded linear range that holds [lo, hi]. */
function paddedRange(lo: number, hi: number): uPlot.Range.MinMax {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

/** What the CV plot draws: a final result, or the curve of the folds finished so far. */
export interface CvPlotCurve {
  lambdas: readonly number[];
  cvm: readonly number[];
  /** NaN where the spread is unknown (one fold): no error bar there. */
  cvsd: readonly number[];
  /** Nonzero counts along the top axis; null leaves the axis out (the fit on all data has not finished). */
  nonzero: readonly number[] | null;
  /** λ_min and λ_1se, when chosen (a final result). */
  marks: LambdaMarks | null;
}

/** log λ with a little room at both ends, so the points at λ_max and the smallest λ are not cut in half by the frame. */
function paddedX(min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) return [min - 0.5, max + 0.5];
  const pad = (max - min) * 0.025;
  return [min - pad, max + pad];
}

export interface CvPlotModel {
  data: uPlot.AlignedData;
  build: (width: number, height: number) => uPlot.Options;
}

/**
 * cvm against log₁₀ λ with ±cvsd error bars (drawn in the `draw` hook: uPlot has no error-bar series),
 * λ_min and λ_1se marked, nonzero counts on top (each when known). `onPick` gets 'min' or '1se' for a
 * click on a line.
 */
export function cvPlotModel(curve: CvPlotCurve, measureLabel: string, dark: boolean, onPick?: (which: 'min' | '1se') => void): CvPlotModel {
  const theme = plotTheme(dark);
  const order = ascendingOrder(curve.lambdas);
  const xs = Float64Array.from(order, (i) => Math.log10(curve.lambdas[i]));
  const cvm = Float64Array.from(order, (i) => curve.cvm[i]);
  const cvsd = Float64Array.from(order, (i) => curve.cvsd[i]);
  const nonzero = curve.nonzero;
  const counts = nonzero === null ? null : order.map((i) => nonzero[i]);
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < cvm.length; k++) {
    const sd = Number.isFinite(cvsd[k]) ? cvsd[k] : 0;
    if (Number.isFinite(cvm[k])) {
      lo = Math.min(lo, cvm[k] - sd);
      hi = Math.max(hi, cvm[k] + sd);
    }
  }
  const marks = curve.marks;
  const pickable = marks !== null && onPick !== undefined;
  const nearMark = (u: uPlot): 'min' | '1se' | null => {
    const left = u.cursor.left;
    if (marks === null || left === undefined || left < 0) return null;
    const dMin = Math.abs(u.valToPos(Math.log10(marks.lambdaMin), 'x') - left);
    const d1se = Math.abs(u.valToPos(Math.log10(marks.lambda1se), 'x') - left);
    if (Math.min(dMin, d1se) > 6) return null;
    return dMin <= d1se ? 'min' : '1se';
  };

  const build = (width: number, height: number): uPlot.Options => ({
    width,
    height,
    scales: { x: { time: false, range: (_u, min, max) => paddedX(min, max) }, y: { range: () => paddedRange(lo, hi) } },
    axes: [baseAxis(theme, 'log₁₀ λ'), { ...baseAxis(theme, measureLabel), size: 64 }, ...(counts === null ? [] : [nonzeroAxis(theme, xs, counts)])],
    series: [
      xSeries((idx) => curve.lambdas[order[idx]]),
      {
        label: measureLabel,
        stroke: theme.marker,
        width: 1,
        points: { show: true, size: 6, fill: theme.marker, stroke: theme.marker },
        value: (_u, v, _s, idx) =>
          v === null || idx === null || idx === undefined
            ? '—'
            : `${formatCompact(v, 5)}${Number.isFinite(cvsd[idx]) ? ` ± ${formatCompact(cvsd[idx], 3)}` : ''}${counts === null ? '' : ` · ${counts[idx]} nonzero`}`,
      },
    ],
    cursor: { drag: { x: false, y: false }, points: { size: 8 } },
    legend: { show: true, live: true },
    hooks: {
      drawSeries: [
        (u, seriesIdx) => {
          if (seriesIdx !== 1) return;
          const { ctx, bbox } = u;
          const r = uPlot.pxRatio;
          ctx.save();
          ctx.beginPath();
          ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
          ctx.clip();
          ctx.strokeStyle = theme.bar;
          ctx.lineWidth = r;
          const cap = 2.5 * r;
          ctx.beginPath();
          for (let k = 0; k < xs.length; k++) {
            if (!Number.isFinite(cvm[k]) || !Number.isFinite(cvsd[k])) continue;
            const x = Math.round(u.valToPos(xs[k], 'x', true)) + 0.5;
            const yTop = u.valToPos(cvm[k] + cvsd[k], 'y', true);
            const yBottom = u.valToPos(cvm[k] - cvsd[k], 'y', true);
            ctx.moveTo(x, yTop);
            ctx.lineTo(x, yBottom);
            ctx.moveTo(x - cap, yTop);
            ctx.lineTo(x + cap, yTop);
            ctx.moveTo(x - cap, yBottom);
            ctx.lineTo(x + cap, yBottom);
          }
          ctx.stroke();
          ctx.restore();
        },
      ],
      draw: marks === null ? [] : [(u) => drawLambdaMarks(u, marks, theme)],
      setCursor: [
        (u) => {
          if (pickable) u.over.style.cursor = nearMark(u) === null ? '' : 'pointer';
        },
      ],
      ready: [
        (u) => {
          if (!pickable) return;
          u.over.addEventListener('click', () => {
            const which = nearMark(u);
            if (which !== null) onPick?.(which);
          });
        },
      ],
    },
  });
  return { data: [xs, cvm], build };
}

export interface PathPlotModel extends CvPlotModel {
  /** Features plotted (indices into featureNames), at most MAX_PATH_SERIES. */
  shown: number[];
}

/** More lines than this are unreadable (and slow): the features that enter the path first are drawn. */
export const MAX_PATH_SERIES = 30;

/** Coefficients on the original scale against log₁₀ λ, one line per feature; hover focuses the nearest. */
export function pathPlotModel(
  path: { lambdas: number[]; coef: number[][] },
  featureNames: readonly string[],
  marks: LambdaMarks | null,
  dark: boolean,
): PathPlotModel {
  const theme = plotTheme(dark);
  const order = ascendingOrder(path.lambdas);
  const xs = Float64Array.from(order, (i) => Math.log10(path.lambdas[i]));
  const p = featureNames.length;
  const counts = order.map((i) => path.coef[i].reduce((n, c) => n + (c !== 0 ? 1 : 0), 0));
  // Entry order along the path (largest λ first), as lars and glmnet list variables.
  const entry = Array.from({ length: p }, (_, j) => {
    const l = path.coef.findIndex((row) => row[j] !== 0);
    return l < 0 ? Number.POSITIVE_INFINITY : l;
  });
  const shown = Array.from({ length: p }, (_, j) => j)
    .sort((a, b) => entry[a] - entry[b] || a - b)
    .slice(0, MAX_PATH_SERIES)
    .sort((a, b) => a - b);
  let lo = 0;
  let hi = 0;
  const columns = shown.map((j) => {
    const column = Float64Array.from(order, (i) => path.coef[i][j]);
    for (const v of column) {
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return column;
  });

  const build = (width: number, height: number): uPlot.Options => ({
    width,
    height,
    scales: { x: { time: false, range: (_u, min, max) => paddedX(min, max) }, y: { range: () => paddedRange(lo, hi) } },
    axes: [baseAxis(theme, 'log₁₀ λ'), { ...baseAxis(theme, 'coefficient'), size: 64 }, nonzeroAxis(theme, xs, counts)],
    series: [
      xSeries((idx) => path.lambdas[order[idx]]),
      ...shown.map(
        (j, k): uPlot.Series => ({
          label: featureNames[j],
          stroke: featureColor(k),
          width: 1.6,
          points: { show: false },
          value: (_u, v) => formatCompact(v, 5),
        }),
      ),
    ],
    focus: { alpha: 0.25 },
    cursor: { drag: { x: true, y: false }, focus: { prox: 24 } },
    legend: { show: true, live: true },
    hooks: marks ? { draw: [(u) => drawLambdaMarks(u, marks, theme)] } : {},
  });
  return { data: [xs, ...columns], build, shown };
}
