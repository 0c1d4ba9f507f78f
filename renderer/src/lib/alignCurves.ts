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
  // Each run's own instants, finite and ascending (steps are recorded in time order; sorted if not),
  // then merged pairwise: O(N log k) rather than a sort of everything on every frame of a live run.
  // Lines that share an x array (a raw curve and its smoothed one) are collected once.
  const lists: Float64Array[] = [];
  const seen = new Set<Float64Array>();
  xs.forEach((x, r) => {
    if (seen.has(x)) return;
    seen.add(x);
    const own = new Float64Array(x.length);
    let n = 0;
    let ascending = true;
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(ys[r][i])) continue;
      if (n > 0 && x[i] < own[n - 1]) ascending = false;
      own[n++] = x[i];
    }
    const list = own.subarray(0, n);
    lists.push(ascending ? list : list.sort());
  });
  while (lists.length > 1) {
    const merged: Float64Array[] = [];
    for (let k = 0; k + 1 < lists.length; k += 2) merged.push(mergeUnique(lists[k], lists[k + 1]));
    if (lists.length % 2 === 1) merged.push(lists[lists.length - 1]);
    lists.splice(0, lists.length, ...merged);
  }
  const sorted = lists[0] ?? new Float64Array(0);
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

/** The union of two ascending arrays, ascending, each value once. */
function mergeUnique(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (n === 0 || out[n - 1] !== v) out[n++] = v;
  }
  return out.subarray(0, n);
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
