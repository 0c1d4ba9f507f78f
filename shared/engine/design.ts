import { RidgelineError } from '../errors.ts';
import type { Design } from './types.ts';

/**
 * Checks shape and finiteness once, at the engine's door, so kernels can trust their inputs.
 * `scanX` false leaves X's finiteness to a caller whose first pass over X checks it anyway (the column
 * statistics of cd/columns.ts, which call this again, with the scan, to name a bad entry).
 */
export function validateDesign(design: Design, scanX = true): void {
  const { x, y, m, p, featureNames } = design;
  if (!Number.isInteger(m) || m < 1) throw new RidgelineError('BAD_DATA', `the data need at least one row (got m = ${m})`);
  if (!Number.isInteger(p) || p < 0) throw new RidgelineError('BAD_DATA', `the number of features must be a non-negative integer (got p = ${p})`);
  if (x.length !== m * p) throw new RidgelineError('BAD_DATA', `x holds ${x.length} values but m×p = ${m}×${p} = ${m * p}`);
  if (y.length !== m) throw new RidgelineError('BAD_DATA', `y holds ${y.length} values but there are ${m} rows`);
  if (featureNames.length !== p) throw new RidgelineError('BAD_DATA', `${featureNames.length} feature names for ${p} features`);
  if (!scanX || allFinite(x)) return checkResponse(y, m);
  for (let k = 0; k < x.length; k++) {
    if (!Number.isFinite(x[k])) {
      const row = Math.floor(k / p);
      throw new RidgelineError('BAD_DATA', `x[${row}, ${featureNames[k - row * p]}] is ${x[k]}, not a finite number`);
    }
  }
  checkResponse(y, m);
}

function checkResponse(y: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    if (!Number.isFinite(y[i])) throw new RidgelineError('BAD_DATA', `y[${i}] is ${y[i]}, not a finite number`);
  }
}

/**
 * Whether every entry is finite, as a branch-free sweep: v·0 is 0 for finite v and NaN for ±∞ or NaN,
 * so the sums stay 0 exactly when all are finite (4 sums: independent chains). Validation runs on
 * every fit and every CV fold; the per-entry test with its message is only run to locate a failure.
 */
function allFinite(x: Float64Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n4 = x.length & ~3;
  let k = 0;
  for (; k < n4; k += 4) {
    s0 += x[k] * 0;
    s1 += x[k + 1] * 0;
    s2 += x[k + 2] * 0;
    s3 += x[k + 3] * 0;
  }
  for (; k < x.length; k++) s0 += x[k] * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/** Column means and (1/m)-standard deviations, as glmnet standardizes. */
export interface ColumnScaling {
  means: Float64Array;
  /** 0 for a constant column (its coefficient is fixed at 0). */
  scales: Float64Array;
}

/**
 * glmnet 4.x's convention, also without an intercept: the scale is always the (1/m)-standard
 * deviation about the column mean, but the column is centered only when an intercept is fitted
 * (glmnet's Standardize1/LStandardize1 with intr = FALSE: xs = sqrt(Σw·x² − (Σw·x)²), no centering;
 * glmnet before 2020 used the root-mean-square instead). Constant columns get scale 0, as glmnet's
 * chkvars excludes them whether or not there is an intercept.
 */
export function columnScaling(design: Design, center: boolean): ColumnScaling {
  const { x, m, p } = design;
  const means = new Float64Array(p);
  const scales = new Float64Array(p);
  const maxAbs = new Float64Array(p);
  for (let i = 0; i < m; i++) {
    const row = i * p;
    for (let j = 0; j < p; j++) {
      means[j] += x[row + j];
      maxAbs[j] = Math.max(maxAbs[j], Math.abs(x[row + j]));
    }
  }
  for (let j = 0; j < p; j++) means[j] /= m;
  for (let i = 0; i < m; i++) {
    const row = i * p;
    for (let j = 0; j < p; j++) {
      const d = x[row + j] - means[j];
      scales[j] += d * d;
    }
  }
  for (let j = 0; j < p; j++) {
    const sd = Math.sqrt(scales[j] / m);
    // A column whose spread is at rounding level of its own magnitude is constant for every practical
    // purpose. Relative to the column (not to 1), so that a column on a tiny scale is not mistaken for one.
    scales[j] = sd > 1e-13 * maxAbs[j] ? sd : 0;
    if (!center) means[j] = 0;
  }
  return { means, scales };
}

/** The design with columns centered (if means are nonzero) and scaled; constant columns become 0. */
export function scaleDesign(design: Design, scaling: ColumnScaling): Design {
  const { x, m, p } = design;
  const out = new Float64Array(m * p);
  const inv = scaling.scales.map((s) => (s > 0 ? 1 / s : 0));
  for (let i = 0; i < m; i++) {
    const row = i * p;
    for (let j = 0; j < p; j++) out[row + j] = (x[row + j] - scaling.means[j]) * inv[j];
  }
  return { ...design, x: out };
}

/** Maps coefficients of the scaled problem back to the original columns. */
export function unscaleCoefficients(
  intercept: number,
  coef: Float64Array,
  scaling: ColumnScaling,
): { intercept: number; coef: Float64Array } {
  const out = new Float64Array(coef.length);
  let b = intercept;
  for (let j = 0; j < coef.length; j++) {
    out[j] = scaling.scales[j] > 0 ? coef[j] / scaling.scales[j] : 0;
    b -= out[j] * scaling.means[j];
  }
  return { intercept: b, coef: out };
}

/** The rows of `design` selected by `keep`, as a new design (row order kept). */
/** Rows at least this long are copied by typed-array set (memcpy), shorter ones by a loop. */
const LONG_ROW = 64;

export function subsetRows(design: Design, keep: (row: number) => boolean): Design {
  const { p } = design;
  const rows = rowsWhere(design.m, keep);
  const count = rows.length;
  const x = new Float64Array(count * p);
  const y = new Float64Array(count);
  // Every CV cell subsets its rows twice. Short rows: a plain copy loop (a view per row costs more than
  // the copy); long rows (wide designs): one memory copy per run of consecutive kept rows.
  const src = design.x;
  if (p < LONG_ROW) {
    for (let r = 0; r < count; r++) {
      const from = rows[r] * p;
      const to = r * p;
      for (let j = 0; j < p; j++) x[to + j] = src[from + j];
    }
  } else {
    for (let r = 0; r < count; ) {
      let end = r + 1;
      while (end < count && rows[end] === rows[end - 1] + 1) end++;
      x.set(src.subarray(rows[r] * p, (rows[end - 1] + 1) * p), r * p);
      r = end;
    }
  }
  for (let r = 0; r < count; r++) y[r] = design.y[rows[r]];
  return { x, y, m: count, p, featureNames: design.featureNames };
}

/** The rows i < m with keep(i), in order. */
export function rowsWhere(m: number, keep: (row: number) => boolean): Int32Array {
  const rows = new Int32Array(m);
  let count = 0;
  for (let i = 0; i < m; i++) if (keep(i)) rows[count++] = i;
  return rows.slice(0, count);
}
