/**
 * Curves on an x of their own (wall time: every run records its own instants) put on one x axis, as
 * uPlot's aligned data need: the sorted union of every run's x values, each run's y at its own x and
 * `undefined` elsewhere: uPlot joins a line across undefined (null would break it, and NaN would spoil
 * the per-pixel min/max it keeps when a series has more points than pixels). Nothing is resampled; the
 * one loss is that steps a run recorded at the same instant share one x, and the later value is shown.
 * The union costs runs × |union| cells, so above `budget` cells it is refused (null) and the caller
 * says so rather than freezing the page.
 */
export function alignOnX(xs: readonly Float64Array[], ys: readonly Float64Array[], budget: number): { x: Float64Array; ys: (number | undefined)[][] } | null {
  let total = 0;
  for (let r = 0; r < xs.length; r++) total += xs[r].length;
  const all = new Float64Array(total);
  let n = 0;
  for (let r = 0; r < xs.length; r++) {
    const x = xs[r];
    for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(ys[r][i])) all[n++] = x[i];
  }
  const sorted = all.subarray(0, n).sort();
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[unique - 1]) sorted[unique++] = sorted[i];
  if (unique * xs.length > budget) return null;
  const x = Float64Array.from(sorted.subarray(0, unique));
  const aligned = xs.map((own, r) => {
    // A holey array of doubles: V8 stores it unboxed, the holes read as undefined.
    const out: (number | undefined)[] = new Array<number | undefined>(unique);
    const y = ys[r];
    for (let i = 0; i < own.length; i++) {
      if (!Number.isFinite(own[i]) || !Number.isFinite(y[i])) continue;
      out[indexOf(x, own[i])] = y[i];
    }
    return out;
  });
  return { x, ys: aligned };
}

/** The position of a value known to be in the sorted array `x` (binary search). */
function indexOf(x: Float64Array, value: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
