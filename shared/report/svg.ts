/**
 * Static SVG charts for reports: plain markup that any browser, print engine or PDF renderer draws
 * without scripts or fonts from elsewhere. Every text goes through escapeHtml.
 */
import { categoricalColor } from '../palette.ts';
import { escapeHtml, formatNumber } from './format.ts';

/** Bars' signs: positive and negative coefficients. */
const POSITIVE = '#1f6fb2';
const NEGATIVE = '#d1495b';

export interface Series {
  label: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  color?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** 'auto': log scale when every plotted value is positive and they span more than one decade. */
  logY?: boolean | 'auto';
  logX?: boolean;
  vLines?: { x: number; label: string; color?: string }[];
  /** Vertical error bars (same length as the first series). */
  errorBars?: { lo: ArrayLike<number>; hi: ArrayLike<number> };
  markers?: boolean;
  width?: number;
  height?: number;
}

const MARGIN = { left: 64, right: 16, top: 28, bottom: 44 };

interface Scale {
  lo: number;
  hi: number;
  log: boolean;
  px(v: number): number;
}

function makeScale(lo: number, hi: number, log: boolean, from: number, to: number): Scale {
  const t = (v: number): number => (log ? Math.log10(v) : v);
  let a = t(lo);
  let b = t(hi);
  if (!(b > a)) {
    // A flat series still gets an axis: widen around the value.
    const pad = a === 0 ? 1 : Math.abs(a) * 0.05;
    a -= pad;
    b += pad;
  }
  return { lo: a, hi: b, log, px: (v) => from + ((t(v) - a) / (b - a)) * (to - from) };
}

/** Round tick positions (in the transformed space for log axes: whole decades when there are enough). */
function ticks(scale: Scale, count: number): number[] {
  const { lo, hi } = scale;
  if (scale.log && hi - lo >= 1.5) {
    const step = Math.max(1, Math.ceil((hi - lo) / count));
    const out: number[] = [];
    for (let e = Math.ceil(lo); e <= hi; e += step) out.push(10 ** e);
    return out;
  }
  const span = hi - lo;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(scale.log ? 10 ** v : Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/**
 * Downsamples a polyline to at most ~4 points per pixel column (first, min, max, last of the column,
 * in their original order), so spikes and the envelope survive where plain decimation would drop them.
 */
export function downsampleMinMax(xs: readonly number[], ys: readonly number[], columns: number): { xs: number[]; ys: number[] } {
  const n = xs.length;
  if (n <= columns * 4) return { xs: xs.slice(), ys: ys.slice() };
  const x0 = xs[0];
  const span = xs[n - 1] - x0 || 1;
  const outX: number[] = [];
  const outY: number[] = [];
  let start = 0;
  while (start < n) {
    const col = Math.min(columns - 1, Math.floor(((xs[start] - x0) / span) * columns));
    let end = start + 1;
    while (end < n && Math.min(columns - 1, Math.floor(((xs[end] - x0) / span) * columns)) === col) end++;
    let iMin = start;
    let iMax = start;
    for (let i = start; i < end; i++) {
      if (ys[i] < ys[iMin]) iMin = i;
      if (ys[i] > ys[iMax]) iMax = i;
    }
    for (const i of [...new Set([start, iMin, iMax, end - 1])].sort((a, b) => a - b)) {
      outX.push(xs[i]);
      outY.push(ys[i]);
    }
    start = end;
  }
  return { xs: outX, ys: outY };
}

const f = (v: number): string => (Math.round(v * 10) / 10).toString();

/** A line chart of one or more series; points that are not finite (or ≤ 0 on a log axis) break the line. */
export function lineChart(series: readonly Series[], options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 300;
  const plotW = width - MARGIN.left - MARGIN.right;
  const usable = (v: number, log: boolean): boolean => Number.isFinite(v) && (!log || v > 0);
  const logX = options.logX ?? false;
  let yMin = Infinity;
  let yMax = -Infinity;
  let xMin = Infinity;
  let xMax = -Infinity;
  let allPositive = true;
  const consider = (y: number): void => {
    if (!Number.isFinite(y)) return;
    if (y <= 0) allPositive = false;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  };
  for (const s of series) {
    for (let i = 0; i < s.ys.length; i++) {
      if (!usable(s.xs[i], logX) || !Number.isFinite(s.ys[i])) continue;
      consider(s.ys[i]);
      if (s.xs[i] < xMin) xMin = s.xs[i];
      if (s.xs[i] > xMax) xMax = s.xs[i];
    }
  }
  if (options.errorBars) {
    for (let i = 0; i < options.errorBars.lo.length; i++) {
      consider(options.errorBars.lo[i]);
      consider(options.errorBars.hi[i]);
    }
  }
  const title = `<text x="${MARGIN.left}" y="16" class="chart-title">${escapeHtml(options.title)}</text>`;
  if (!(xMax >= xMin) || !(yMax >= yMin)) {
    return svgFrame(width, height, options.title, `${title}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="muted">no finite values to plot</text>`);
  }
  const logY = options.logY === true ? allPositive : options.logY === 'auto' ? allPositive && yMax / yMin > 10 : false;
  const sx = makeScale(xMin, xMax, logX, MARGIN.left, width - MARGIN.right);
  const sy = makeScale(yMin, yMax, logY, height - MARGIN.bottom, MARGIN.top);
  const parts: string[] = [title, axes(sx, sy, width, height, options.xLabel, options.yLabel + (logY ? ' (log scale)' : ''))];

  if (options.errorBars) {
    const s0 = series[0];
    const bars: string[] = [];
    for (let i = 0; i < s0.xs.length; i++) {
      const lo = options.errorBars.lo[i];
      const hi = options.errorBars.hi[i];
      if (!usable(s0.xs[i], logX) || !usable(lo, logY) || !usable(hi, logY)) continue;
      const x = f(sx.px(s0.xs[i]));
      bars.push(`M${x} ${f(sy.px(lo))}V${f(sy.px(hi))}`);
    }
    parts.push(`<path d="${bars.join('')}" stroke="#9aa5b1" stroke-width="1" fill="none"/>`);
  }
  series.forEach((s, k) => {
    const color = s.color ?? categoricalColor(k);
    const xs: number[] = [];
    const ys: number[] = [];
    const segments: string[] = [];
    const flush = (): void => {
      if (xs.length === 0) return;
      const d = downsampleMinMax(xs, ys, plotW);
      segments.push(`<polyline points="${d.xs.map((x, i) => `${f(sx.px(x))},${f(sy.px(d.ys[i]))}`).join(' ')}" stroke="${color}" stroke-width="1.5" fill="none"/>`);
      xs.length = 0;
      ys.length = 0;
    };
    for (let i = 0; i < s.xs.length; i++) {
      if (usable(s.xs[i], logX) && usable(s.ys[i], logY)) {
        xs.push(s.xs[i]);
        ys.push(s.ys[i]);
      } else flush();
    }
    flush();
    parts.push(`<g><title>${escapeHtml(s.label)}</title>${segments.join('')}</g>`);
    if (options.markers) {
      const dots: string[] = [];
      for (let i = 0; i < s.xs.length; i++) {
        if (usable(s.xs[i], logX) && usable(s.ys[i], logY)) dots.push(`<circle cx="${f(sx.px(s.xs[i]))}" cy="${f(sy.px(s.ys[i]))}" r="2" fill="${color}"/>`);
      }
      parts.push(dots.join(''));
    }
  });
  for (const line of options.vLines ?? []) {
    if (!usable(line.x, logX)) continue;
    const x = f(sx.px(line.x));
    const color = line.color ?? '#555';
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${height - MARGIN.bottom}" stroke="${color}" stroke-dasharray="4 3"/>` +
        `<text x="${x}" y="${MARGIN.top - 2}" text-anchor="middle" class="tick" fill="${color}">${escapeHtml(line.label)}</text>`,
    );
  }
  if (series.length > 1) parts.push(legend(series.map((s, k) => ({ label: s.label, color: s.color ?? categoricalColor(k) })), width));
  return svgFrame(width, height, options.title, parts.join(''));
}

function axes(sx: Scale, sy: Scale, width: number, height: number, xLabel: string, yLabel: string): string {
  const bottom = height - MARGIN.bottom;
  const out: string[] = [`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${width - MARGIN.left - MARGIN.right}" height="${bottom - MARGIN.top}" fill="none" stroke="#ccc"/>`];
  for (const t of ticks(sx, 6)) {
    const x = f(sx.px(t));
    out.push(`<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 4}" stroke="#888"/><text x="${x}" y="${bottom + 16}" text-anchor="middle" class="tick">${escapeHtml(formatNumber(t))}</text>`);
  }
  for (const t of ticks(sy, 5)) {
    const y = f(sy.px(t));
    out.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y}" y2="${y}" stroke="#eee"/><text x="${MARGIN.left - 6}" y="${y}" dy="0.32em" text-anchor="end" class="tick">${escapeHtml(formatNumber(t))}</text>`,
    );
  }
  out.push(`<text x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${height - 8}" text-anchor="middle" class="axis-label">${escapeHtml(xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis-label">${escapeHtml(yLabel)}</text>`);
  return out.join('');
}

function legend(items: { label: string; color: string }[], width: number): string {
  const shown = items.slice(0, 12);
  const rows = shown.map(
    (item, i) =>
      `<g transform="translate(${width - MARGIN.right - 180} ${MARGIN.top + 8 + i * 14})"><rect width="10" height="3" y="-4" fill="${item.color}"/><text x="14" class="tick">${escapeHtml(item.label.length > 28 ? `${item.label.slice(0, 27)}…` : item.label)}</text></g>`,
  );
  if (items.length > shown.length) rows.push(`<text x="${width - MARGIN.right - 180}" y="${MARGIN.top + 8 + shown.length * 14}" class="tick">… ${items.length - shown.length} more</text>`);
  return rows.join('');
}

/** Horizontal bars, one per named value (coefficients), with the zero line. */
export function barChart(items: readonly { label: string; value: number }[], title: string, width = 720): string {
  const rowH = 16;
  const labelW = 140;
  const height = MARGIN.top + items.length * rowH + 30;
  const finite = items.map((i) => i.value).filter(Number.isFinite);
  const lo = Math.min(0, ...finite);
  const hi = Math.max(0, ...finite);
  const scale = makeScale(lo, hi, false, labelW, width - MARGIN.right - 70);
  const zero = f(scale.px(0));
  const bars = items.map((item, i) => {
    const y = MARGIN.top + i * rowH;
    const label = `<text x="${labelW - 6}" y="${y + rowH / 2}" dy="0.32em" text-anchor="end" class="tick">${escapeHtml(item.label)}</text>`;
    if (!Number.isFinite(item.value)) return `${label}<text x="${zero}" y="${y + rowH / 2}" dy="0.32em" class="tick">${escapeHtml(formatNumber(item.value))}</text>`;
    const x = scale.px(item.value);
    const left = Math.min(x, scale.px(0));
    const w = Math.max(Math.abs(x - scale.px(0)), item.value === 0 ? 0 : 0.5);
    return `${label}<rect x="${f(left)}" y="${y + 2}" width="${f(w)}" height="${rowH - 4}" fill="${item.value < 0 ? NEGATIVE : POSITIVE}"/><text x="${f(Math.max(x, scale.px(0)) + 4)}" y="${y + rowH / 2}" dy="0.32em" class="tick">${escapeHtml(formatNumber(item.value))}</text>`;
  });
  const body = `<text x="${MARGIN.left}" y="16" class="chart-title">${escapeHtml(title)}</text><line x1="${zero}" x2="${zero}" y1="${MARGIN.top - 2}" y2="${MARGIN.top + items.length * rowH + 2}" stroke="#888"/>${bars.join('')}`;
  return svgFrame(width, height, title, body);
}

// No xmlns: inline SVG in HTML needs none, and the report must not contain a single http(s) reference.
function svgFrame(width: number, height: number, title: string, body: string): string {
  return `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="chart">${body}</svg>`;
}
