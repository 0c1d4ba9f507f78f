/**
 * Gram columns shared by the cells of one cross-validation.
 *
 * Why: in covariance mode a lasso path's main cost is its Gram columns, O(m·p) each, and a K-fold CV
 * computes them K + 1 times over nearly the same rows (each fold's training rows, then all rows). Per-fold
 * cross-products S_f = Z_fᵀZ_f (Z the columns centered on the whole data's means) are computed once, one
 * column at a time as the cells need them; a cell's Gram entry is then assembled in O(K):
 *   S_T = Σ_{f ∈ T} S_f,  s_T = Σ_{f ∈ T} Σ_{i ∈ f} z_i,  n_T = |T|,
 *   G_jk = (S_T[j,k] − s_T[j]·s_T[k]/n_T) · (inv_j·inv_k) / n_T,
 * which is (1/n_T)·x̃_jᵀx̃_k for the cell's centered (and, with inv = 1/sd, standardized) columns. Centering
 * on the whole data's means first keeps the correction s_T[j]·s_T[k]/n_T small (a fold's mean differs from
 * the whole data's by O(sd/√n)), so the subtraction does not cancel digits when columns have large means.
 *
 * Determinism: each S_f entry is one sequential sum over the fold's rows in row order, computed once
 * (S_f[k,j] is copied from S_f[j,k], the same sum since products commute), and S_T adds folds in
 * ascending order. So a cell's Gram, and so its path, does not depend on which cells the process ran
 * before, nor on which process runs it: a resumed sweep still equals an uninterrupted one bit for bit.
 */
import { RidgelineError } from '../../errors.ts';
import type { Design } from '../types.ts';

/** A provider of Gram entries for LinearCd: out[offset + k] = G_jk for k in ks[0..n). */
export interface GramSource {
  fill(j: number, ks: Int32Array, n: number, out: Float64Array, offset: number): void;
}

/** Above this many stored cross-product entries (K·p², ~256 MB) cells compute their own Gram columns. */
const MAX_ENTRIES = 32 * 1024 * 1024;

export class FoldCrossProducts {
  readonly m: number;
  readonly p: number;
  readonly k: number;
  /** Z column-major with the rows grouped by fold (stable): fold f's rows of column j are z[j*m + start[f] … j*m + start[f+1]). */
  private readonly z: Float64Array;
  private readonly start: Int32Array;
  /** s_f[j] = Σ_{i ∈ f} z_ij at [f*p + j]. */
  private readonly sums: Float64Array;
  /** cross[k]: S_f[j,k] at [f*p + j], computed when first needed. */
  private readonly cross: (Float64Array | null)[];
  /** Columns j of a new cross-product column still to compute (+3 for padding). */
  private readonly todo: Int32Array;

  /** Whether sharing pays and fits in memory for a K-fold CV on p columns. */
  static suits(p: number, k: number): boolean {
    return k * p * p <= MAX_ENTRIES;
  }

  /**
   * `folds[i]` ∈ [0, k) for every row; `center` as the cells' fitIntercept (without an intercept the
   * cells' columns are not centered, and neither is Z).
   */
  constructor(design: Design, folds: Int32Array, k: number, readonly center: boolean) {
    const { x, m, p } = design;
    if (folds.length !== m) throw new RidgelineError('BAD_DATA', `the fold table has ${folds.length} entries for ${m} rows`);
    this.m = m;
    this.p = p;
    this.k = k;
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
    const means = new Float64Array(p);
    if (center) {
      for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) means[j] += x[i * p + j];
      for (let j = 0; j < p; j++) means[j] /= m;
    }
    // Rows are read whole (contiguous) and scattered into the p column streams; the fold sums then run
    // down each column, in row order within the fold.
    const z = new Float64Array(m * p);
    for (let r = 0; r < m; r++) {
      const row = order[r] * p;
      for (let j = 0; j < p; j++) z[j * m + r] = x[row + j] - means[j];
    }
    this.z = z;
    this.sums = new Float64Array(k * p);
    for (let j = 0; j < p; j++) {
      const base = j * m;
      for (let f = 0; f < k; f++) {
        let s = 0;
        for (let r = this.start[f], end = this.start[f + 1]; r < end; r++) s += z[base + r];
        this.sums[f * p + j] = s;
      }
    }
    this.cross = new Array<Float64Array | null>(p).fill(null);
    this.todo = new Int32Array(p + 3);
  }

  /** S_f[·,k] for every fold, computing the entries not already known by symmetry. */
  private column(k: number): Float64Array {
    const known = this.cross[k];
    if (known) return known;
    const { m, p, z, start } = this;
    const K = this.k;
    const out = new Float64Array(K * p);
    const zk = z.subarray(k * m, k * m + m);
    const todo = this.todo;
    let n = 0;
    for (let j = 0; j < p; j++) {
      const other = this.cross[j];
      if (other) for (let f = 0; f < K; f++) out[f * p + j] = other[f * p + k];
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
        out[f * p + j0] = s0;
        out[f * p + j1] = s1;
        out[f * p + j2] = s2;
        out[f * p + j3] = s3;
      }
    }
    this.cross[k] = out;
    return out;
  }

  /**
   * The Gram source of a cell that trains on every fold but `heldOut` (−1: on all rows), whose columns
   * are scaled by `inv` (1/sd per column; null: not scaled). Entries of ineligible columns are the caller's.
   */
  sourceFor(heldOut: number, inv: Float64Array | null): GramSource {
    const { p, sums } = this;
    const K = this.k;
    let n = 0;
    for (let f = 0; f < K; f++) if (f !== heldOut) n += this.start[f + 1] - this.start[f];
    if (n === 0) throw new RidgelineError('BAD_DATA', 'the training rows of this cell are empty');
    const s = new Float64Array(p);
    for (let f = 0; f < K; f++) {
      if (f === heldOut) continue;
      for (let j = 0; j < p; j++) s[j] += sums[f * p + j];
    }
    const center = this.center;
    return {
      fill: (j, ks, count, out, offset) => {
        const col = this.column(j);
        const sj = s[j];
        const ij = inv ? inv[j] : 1;
        for (let t = 0; t < count; t++) {
          const k = ks[t];
          let st = 0;
          for (let f = 0; f < K; f++) if (f !== heldOut) st += col[f * p + k];
          const centered = center ? st - (sj * s[k]) / n : st;
          out[offset + k] = (centered * (ij * (inv ? inv[k] : 1))) / n;
        }
      },
    };
  }
}
