/**
 * Per-fold moments of a cross-validation's data, shared by its linear cells.
 *
 * Why: a K-fold lasso CV fits K + 1 paths over nearly the same rows. In covariance mode everything a
 * path needs is second moments: the Gram G = (1/n)X̃ᵀX̃, c = (1/n)X̃ᵀỹ, (1/n)‖ỹ‖², the column means and
 * standard deviations; and a fold's squared error is a quadratic form in the same moments. So the
 * per-fold cross-products of the augmented matrix [X y], S_f = Z_fᵀZ_f (Z centered on the whole data's
 * means, rows grouped by fold), and the fold sums s_f are computed once per process; a cell assembles
 * what its training rows T (every fold but one) need in O(K) per entry:
 *   S_T = Σ_{f ∈ T} S_f,  s_T = Σ_{f ∈ T} s_f,  n_T = |T|,
 *   centered:   C_T[j,k] = S_T[j,k] − s_T[j]·s_T[k]/n_T          (about T's own means)
 *   uncentered: U_T[j,k] = S_T[j,k] + g_j·s_T[k] + g_k·s_T[j] + n_T·g_j·g_k   (g the whole data's means)
 * and never touches the m × p data: no row subset, no standardized copy, no prediction pass. Centering
 * Z on the whole data's means first keeps the corrections small (a fold's mean differs from the whole
 * data's by O(sd/√n)), so the subtractions do not cancel digits when columns have large means.
 * The Gram columns S_f[·,k] of the features are computed lazily, when a cell's path first needs one
 * (a lasso path on wide data touches few); the response's column and the diagonal at once (O(m·p)).
 *
 * Determinism: each S_f entry is one sequential sum over the fold's rows in row order, computed once
 * (S_f[k,j] is copied from S_f[j,k], the same sum since products commute), and S_T adds folds in
 * ascending order. So a cell's result does not depend on which cells its process ran before, nor on
 * which process runs it: a resumed sweep still equals an uninterrupted one bit for bit.
 */
import { RidgelineError } from '../../errors.ts';
import type { ColumnScaling } from '../design.ts';
import type { Design } from '../types.ts';

/** A provider of Gram entries for LinearCd: out[offset + k] = G_jk for k in ks[0..n). */
export interface GramSource {
  fill(j: number, ks: Int32Array, n: number, out: Float64Array, offset: number): void;
}

/**
 * What LinearCd (covariance mode) needs of a training set, from moments rather than the rows:
 * the prepared columns' statistics and the response's.
 */
export interface CellStatistics {
  n: number;
  /** Means LinearCd subtracts when it recovers the intercept (see CdColumns.means). */
  means: Float64Array;
  eligible: Uint8Array;
  sqNorm: Float64Array;
  /** c_j = (1/n)x̃_jᵀỹ, 0 for an ineligible column. */
  c: Float64Array;
  /** (1/n)‖ỹ‖². */
  yy: number;
  yMean: number;
  /** The standardization (null: columns as given), as columnScaling would give it on the rows. */
  scaling: ColumnScaling | null;
  source: GramSource;
  /**
   * False when a used column's (or the response's) second moment cancelled to below RELIABLE_FRACTION of
   * its terms: the statistics are then too coarse, and the cell must be computed from its rows.
   */
  reliable: boolean;
}

/** A cell's diagonal moments must keep at least this share of their terms (≳ 9 of 16 digits). */
const RELIABLE_FRACTION = 1e-7;

/** Above this many stored cross-product entries (K·(p+1)², ~256 MB) cells work from the rows. */
const MAX_ENTRIES = 32 * 1024 * 1024;

/**
 * The rounding a quadratic-form error may carry relative to the size of its terms; below
 * CANCELLATION_LIMIT of that size (a fit within ~1e-6 of the fold's variance) the error is
 * computed from the rows instead, so cvm keeps ≥ 9 significant digits.
 */
const CANCELLATION_LIMIT = 1e-6;

export class FoldMoments {
  readonly m: number;
  readonly p: number;
  readonly k: number;
  /** Z column-major, p + 1 columns (the response last), rows grouped by fold (stable). */
  private readonly z: Float64Array;
  private readonly start: Int32Array;
  /** The whole data's column means g (p + 1 entries), which Z is centered on. */
  private readonly globalMeans: Float64Array;
  /** s_f[j] = Σ_{i ∈ f} z_ij at [f*(p+1) + j]. */
  private readonly sums: Float64Array;
  /** min and max over fold f of x_ij at [f*p + j]: a column constant on a cell's rows is found exactly. */
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  /** S_f[j,j] at [f*(p+1) + j] (the standardization needs every column's, paths only their active ones'). */
  private readonly diag: Float64Array;
  /** cross[k]: S_f[j,k] at [f*(p+1) + j], computed when first needed; cross[p] (the response's) at once. */
  private readonly cross: (Float64Array | null)[];
  /** Columns j of a new cross-product column still to compute (+3 for padding). */
  private readonly todo: Int32Array;

  /** Whether moments pay and fit in memory for a K-fold CV on p columns. */
  static suits(p: number, k: number): boolean {
    return k * (p + 1) * (p + 1) <= MAX_ENTRIES;
  }

  /** `folds[i]` ∈ [0, k) for every row of `design`. */
  constructor(design: Design, folds: Int32Array, k: number) {
    const { x, y, m, p } = design;
    if (folds.length !== m) throw new RidgelineError('BAD_DATA', `the fold table has ${folds.length} entries for ${m} rows`);
    this.m = m;
    this.p = p;
    this.k = k;
    const q = p + 1;
    const counts = new Int32Array(k + 1);
    for (let i = 0; i < m; i++) {
      const f = folds[i];
      if (!(f >= 0 && f < k)) throw new RidgelineError('BAD_DATA', `row ${i} is in fold ${f}, outside 0…${k - 1}`);
      counts[f + 1]++;
    }
    this.start = new Int32Array(k + 1);
    for (let f = 0; f < k; f++) this.start[f + 1] = this.start[f] + counts[f + 1];
    const order = new Int32Array(m);
    const next = this.start.slice(0, k);
    for (let i = 0; i < m; i++) order[next[folds[i]]++] = i;
    const means = new Float64Array(q);
    for (let i = 0; i < m; i++) {
      const row = i * p;
      for (let j = 0; j < p; j++) means[j] += x[row + j];
      means[p] += y[i];
    }
    for (let j = 0; j < q; j++) means[j] /= m;
    this.globalMeans = means;
    // Rows are read whole (contiguous) and scattered into the column streams; fold sums and magnitudes
    // then run down each column, in row order within the fold.
    const z = new Float64Array(m * q);
    const lo = new Float64Array(k * p).fill(Number.POSITIVE_INFINITY);
    const hi = new Float64Array(k * p).fill(Number.NEGATIVE_INFINITY);
    for (let f = 0; f < k; f++) {
      for (let r = this.start[f], end = this.start[f + 1]; r < end; r++) {
        const i = order[r];
        const row = i * p;
        for (let j = 0; j < p; j++) {
          const v = x[row + j];
          z[j * m + r] = v - means[j];
          if (v < lo[f * p + j]) lo[f * p + j] = v;
          if (v > hi[f * p + j]) hi[f * p + j] = v;
        }
        z[p * m + r] = y[i] - means[p];
      }
    }
    this.z = z;
    this.lo = lo;
    this.hi = hi;
    this.sums = new Float64Array(k * q);
    for (let j = 0; j < q; j++) {
      const base = j * m;
      for (let f = 0; f < k; f++) {
        let s = 0;
        for (let r = this.start[f], end = this.start[f + 1]; r < end; r++) s += z[base + r];
        this.sums[f * q + j] = s;
      }
    }
    this.diag = new Float64Array(k * q);
    for (let j = 0; j < q; j++) {
      const base = j * m;
      for (let f = 0; f < k; f++) {
        let s = 0;
        for (let r = this.start[f], end = this.start[f + 1]; r < end; r++) s += z[base + r] * z[base + r];
        this.diag[f * q + j] = s;
      }
    }
    this.cross = new Array<Float64Array | null>(q).fill(null);
    this.todo = new Int32Array(q + 3);
    this.column(p);
  }

  /** Rows in fold f. */
  foldSize(f: number): number {
    return this.start[f + 1] - this.start[f];
  }

  /** S_f[·,k] for every fold, computing the entries not already known by symmetry. */
  private column(k: number): Float64Array {
    const known = this.cross[k];
    if (known) return known;
    const { m, p, z, start } = this;
    const q = p + 1;
    const K = this.k;
    const out = new Float64Array(K * q);
    const zk = z.subarray(k * m, k * m + m);
    const todo = this.todo;
    let n = 0;
    for (let j = 0; j < q; j++) {
      const other = this.cross[j];
      if (other) for (let f = 0; f < K; f++) out[f * q + j] = other[f * q + k];
      else todo[n++] = j;
    }
    // Four columns j per sweep over z_k (independent sums, each z_k load used four times, as in
    // linalg/gram.ts); the tail repeats its last column. Each sum is still sequential in row order.
    const n4 = (n + 3) & ~3;
    for (let t = n; t < n4; t++) todo[t] = todo[n - 1];
    for (let t = 0; t < n4; t += 4) {
      const j0 = todo[t];
      const j1 = todo[t + 1];
      const j2 = todo[t + 2];
      const j3 = todo[t + 3];
      const z0 = z.subarray(j0 * m, j0 * m + m);
      const z1 = z.subarray(j1 * m, j1 * m + m);
      const z2 = z.subarray(j2 * m, j2 * m + m);
      const z3 = z.subarray(j3 * m, j3 * m + m);
      for (let f = 0; f < K; f++) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let r = start[f], end = start[f + 1]; r < end; r++) {
          const v = zk[r];
          s0 += z0[r] * v;
          s1 += z1[r] * v;
          s2 += z2[r] * v;
          s3 += z3[r] * v;
        }
        out[f * q + j0] = s0;
        out[f * q + j1] = s1;
        out[f * q + j2] = s2;
        out[f * q + j3] = s3;
      }
    }
    this.cross[k] = out;
    return out;
  }

  /**
   * The statistics of a cell that trains on every fold but `heldOut` (−1: on all rows), with its
   * columns centered when `center` (fitIntercept) and scaled to unit (1/n)-sd when `standardize`.
   * They match prepareColumns / prepareStandardizedColumns on those rows up to rounding, with one
   * simplification in the constant-column test: it compares the spread with the raw values' largest
   * magnitude (columnScaling's test) in every mode.
   */
  cellStatistics(heldOut: number, center: boolean, standardize: boolean): CellStatistics {
    const { p, sums, globalMeans: g } = this;
    const q = p + 1;
    const K = this.k;
    let n = 0;
    for (let f = 0; f < K; f++) if (f !== heldOut) n += this.foldSize(f);
    if (n === 0) throw new RidgelineError('BAD_DATA', 'the training rows of this cell are empty');
    const s = new Float64Array(q);
    const diag = new Float64Array(q);
    const lo = new Float64Array(p).fill(Number.POSITIVE_INFINITY);
    const hi = new Float64Array(p).fill(Number.NEGATIVE_INFINITY);
    for (let f = 0; f < K; f++) {
      if (f === heldOut) continue;
      for (let j = 0; j < q; j++) {
        s[j] += sums[f * q + j];
        diag[j] += this.diag[f * q + j];
      }
      for (let j = 0; j < p; j++) {
        if (this.lo[f * p + j] < lo[j]) lo[j] = this.lo[f * p + j];
        if (this.hi[f * p + j] > hi[j]) hi[j] = this.hi[f * p + j];
      }
    }
    const trainSum = (col: Float64Array, j: number): number => {
      let st = 0;
      for (let f = 0; f < K; f++) if (f !== heldOut) st += col[f * q + j];
      return st;
    };
    // M[j,k]: the cell's cross-product about its own means (center) or about 0.
    const moment = (st: number, j: number, k: number, centered = center): number => (centered ? st - (s[j] * s[k]) / n : st + g[j] * s[k] + g[k] * s[j] + n * g[j] * g[k]);
    const yCol = this.cross[p]!;
    // A diagonal moment far below the terms it is the difference of has lost its digits (a column nearly
    // constant on these rows but not elsewhere); such a cell is computed from its rows instead.
    const magnitude = (j: number): number => (center ? diag[j] : diag[j] + 2 * Math.abs(g[j] * s[j]) + n * g[j] * g[j]);
    let reliable = true;
    const yyMoment = moment(diag[p], p, p);
    if (!(yyMoment > RELIABLE_FRACTION * magnitude(p))) reliable = false;
    const yy = yyMoment / n;
    const means = new Float64Array(p);
    const eligible = new Uint8Array(p);
    const sqNorm = new Float64Array(p);
    const c = new Float64Array(p);
    const inv = new Float64Array(p);
    const scaling: ColumnScaling | null = standardize ? { means: new Float64Array(p), scales: new Float64Array(p) } : null;
    for (let j = 0; j < p; j++) {
      const mean = g[j] + s[j] / n;
      // Whether it is used or not depends on its spread, so a column that is not exactly constant must
      // have a trustworthy spread (its centered moment); uncentered, so must its own moment when used.
      const spread = moment(diag[j], j, j, true);
      if (lo[j] < hi[j] && !(spread > RELIABLE_FRACTION * diag[j])) reliable = false;
      const sd = Math.sqrt(Math.max(0, spread) / n);
      const big = Math.max(Math.abs(lo[j]), Math.abs(hi[j]));
      // Constant on these rows (exactly, from the folds' min and max), or spread at rounding level.
      const varies = lo[j] < hi[j] && sd > 1e-13 * big;
      if (scaling) {
        scaling.means[j] = center ? mean : 0;
        scaling.scales[j] = varies ? sd : 0;
        eligible[j] = varies ? 1 : 0;
        inv[j] = varies ? 1 / sd : 0;
      } else {
        eligible[j] = center ? (varies ? 1 : 0) : big > 0 ? 1 : 0;
        inv[j] = 1;
        means[j] = center ? mean : 0;
      }
      if (!eligible[j]) continue;
      const own = center ? spread : moment(diag[j], j, j);
      if (!center && !(own > RELIABLE_FRACTION * magnitude(j))) reliable = false;
      sqNorm[j] = (own * inv[j] * inv[j]) / n;
      c[j] = (moment(trainSum(yCol, j), j, p) * inv[j]) / n;
    }
    const yMean = center ? g[p] + s[p] / n : 0;
    const source: GramSource = {
      fill: (j, ks, count, out, offset) => {
        const col = this.column(j);
        const ij = inv[j];
        for (let t = 0; t < count; t++) {
          const k = ks[t];
          out[offset + k] = (moment(trainSum(col, k), j, k) * (ij * inv[k])) / n;
        }
      },
    };
    return { n, means, eligible, sqNorm, c, yy, yMean, scaling, source, reliable };
  }

  /**
   * Σ_{i ∈ fold} (y_i − b − xᵢᵀβ)² for a model on the original scale, from the fold's moments:
   * with d = g_y − b − gᵀβ,
   *   S_f[y,y] − 2βᵀS_f[·,y] + βᵀS_f β + 2d(s_f[y] − βᵀs_f) + n_f·d²,
   * O(nnz²) instead of O(n_f·nnz). Returns NaN when the terms cancel to below CANCELLATION_LIMIT of
   * their size (the caller then evaluates on the rows).
   */
  foldSquaredError(fold: number, intercept: number, coef: Float64Array, nonzero: Int32Array, nnz: number): number {
    const { p, sums, globalMeans: g } = this;
    const q = p + 1;
    const base = fold * q;
    const yCol = this.cross[p]!;
    let d = g[p] - intercept;
    for (let t = 0; t < nnz; t++) d -= g[nonzero[t]] * coef[nonzero[t]];
    let total = yCol[base + p];
    let size = Math.abs(total);
    let linear = sums[base + p];
    let linearSize = Math.abs(linear);
    for (let t = 0; t < nnz; t++) {
      const j = nonzero[t];
      const bj = coef[j];
      const cj = this.column(j);
      const cross = -2 * bj * yCol[base + j];
      total += cross;
      size += Math.abs(cross);
      let quad = 0;
      let quadSize = 0;
      for (let u = 0; u < nnz; u++) {
        const term = cj[base + nonzero[u]] * coef[nonzero[u]];
        quad += term;
        quadSize += Math.abs(term);
      }
      total += bj * quad;
      size += Math.abs(bj) * quadSize;
      const ls = bj * sums[base + j];
      linear -= ls;
      linearSize += Math.abs(ls);
    }
    const nf = this.foldSize(fold);
    total += 2 * d * linear + nf * d * d;
    size += 2 * Math.abs(d) * linearSize + nf * d * d;
    return total >= CANCELLATION_LIMIT * size ? total : Number.NaN;
  }
}
