/**
 * Coordinate descent for the linear model (squared loss), glmnet's "gaussian" algorithm.
 *
 * Why CD: each coordinate of the elastic-net objective has a closed-form minimizer
 *   w_j ← S(g_j + v_j·w_j, λα) / (v_j + λ(1−α)),   g_j = (1/m)x̃_jᵀ(ỹ − X̃w), v_j = (1/m)‖x̃_j‖²,
 * with S the soft-threshold, so it gives exact zeros and converges fast on sparse solutions.
 *
 * Two kernels, as in glmnet (type.gaussian): with p ≤ 500 "covariance" updates keep g for all
 * columns and update it by Gram columns G_·k = (1/m)X̃ᵀx̃_k, computed once when k first becomes
 * nonzero, so a sweep costs O(p·|active|) independent of m; for larger p the Gram columns would not fit,
 * and the "naive" kernel keeps the residual (O(m) per coordinate).
 *
 * Control flow (glmnet's): a full pass over all eligible columns; then passes over the active set
 * (columns that have ever been nonzero) until they settle; then a full pass again, which either
 * changes nothing (converged) or brings in new columns. Warm starts: changing λ keeps w and the
 * Gram columns.
 *
 * Stopping rule (glmnet's, scaled like its `thresh`): a pass is settled when
 *   max_j v_j·(Δw_j)² ≤ tol · D0,   D0 = (1/m)‖y − ȳ‖² (‖y‖²/m without intercept; 1 if that is 0),
 * i.e. the largest change of a fitted value contribution, relative to the response's variance.
 * glmnet standardizes y to variance 1 and compares the same quantity with `thresh`.
 */
import { softThreshold } from '../kkt.ts';
import type { Design } from '../types.ts';
import { prepareColumns, type CdColumns } from './columns.ts';

/** Above this many columns the p×|active| Gram store is not worth it; glmnet switches at 500 too. */
export const COVARIANCE_MAX_P = 500;

export class LinearCd {
  readonly cols: CdColumns;
  readonly w: Float64Array;
  /** −∂(data loss)/∂w_j, kept exact in covariance mode, refreshed on demand in naive mode. */
  readonly negGrad: Float64Array;
  readonly covariance: boolean;
  /** The threshold scale D0 of the stopping rule. */
  readonly scale: number;
  private readonly m: number;
  private readonly p: number;
  private readonly yMean: number;
  /** Covariance mode: c_j = (1/m)x̃_jᵀỹ and (1/m)‖ỹ‖². */
  private readonly c: Float64Array;
  private readonly yy: number;
  /** Naive mode: residual ỹ − X̃w. */
  private readonly resid: Float64Array;
  private slot: Int32Array;
  private gram: Float64Array;
  private gramCapacity = 0;
  private readonly active: Int32Array;
  private readonly isActive: Uint8Array;
  private nActive = 0;
  private l1 = 0;
  private l2 = 0;
  private fullNext = true;
  private negGradStale = false;

  constructor(design: Design, fitIntercept: boolean, forceNaive = false) {
    const { m, p, y } = design;
    this.m = m;
    this.p = p;
    this.cols = prepareColumns(design, fitIntercept);
    this.w = new Float64Array(p);
    this.negGrad = new Float64Array(p);
    this.covariance = !forceNaive && p <= COVARIANCE_MAX_P;
    let yMean = 0;
    if (fitIntercept) {
      for (let i = 0; i < m; i++) yMean += y[i];
      yMean /= m;
    }
    this.yMean = yMean;
    const yc = new Float64Array(m);
    let yy = 0;
    for (let i = 0; i < m; i++) {
      yc[i] = y[i] - yMean;
      yy += yc[i] * yc[i];
    }
    this.yy = yy / m;
    this.scale = this.yy > 0 ? this.yy : 1;
    const { xcol } = this.cols;
    this.c = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let s = 0;
      const base = j * m;
      for (let i = 0; i < m; i++) s += xcol[base + i] * yc[i];
      this.c[j] = s / m;
    }
    this.negGrad.set(this.c);
    this.resid = this.covariance ? new Float64Array(0) : yc;
    this.slot = new Int32Array(this.covariance ? p : 0).fill(-1);
    this.gram = new Float64Array(0);
    this.active = new Int32Array(p);
    this.isActive = new Uint8Array(p);
  }

  setPenalty(lambda: number, alpha: number): void {
    this.l1 = lambda * alpha;
    this.l2 = lambda * (1 - alpha);
    this.fullNext = true;
  }

  /** Whether the next pass will be a full one (glmnet's convergence is decided on full passes). */
  get nextIsFull(): boolean {
    return this.fullNext;
  }

  /**
   * One pass of the glmnet control flow. Returns true when a full pass changed nothing beyond the
   * threshold (converged at the current λ).
   */
  pass(threshold: number): boolean {
    const full = this.fullNext;
    const dlx = this.covariance ? this.covPass(full) : this.naivePass(full);
    if (full) {
      if (dlx <= threshold) return true;
      this.fullNext = false;
    } else if (dlx <= threshold) {
      this.fullNext = true;
    }
    return false;
  }

  private covPass(full: boolean): number {
    const { w, negGrad: g, p } = this;
    const v = this.cols.sqNorm;
    const eligible = this.cols.eligible;
    const l1 = this.l1;
    const l2 = this.l2;
    let dlx = 0;
    const count = full ? p : this.nActive;
    for (let t = 0; t < count; t++) {
      const j = full ? t : this.active[t];
      if (!eligible[j]) continue;
      const vj = v[j];
      const wj = w[j];
      const next = softThreshold(g[j] + vj * wj, l1) / (vj + l2);
      if (next === wj) continue;
      let s = this.slot[j];
      if (s < 0) s = this.activate(j);
      const delta = next - wj;
      w[j] = next;
      const col = this.gram;
      const base = s * p;
      for (let k = 0; k < p; k++) g[k] -= col[base + k] * delta;
      const d = vj * delta * delta;
      if (d > dlx) dlx = d;
    }
    return dlx;
  }

  private naivePass(full: boolean): number {
    const { w, m, p } = this;
    const r = this.resid;
    const { xcol, sqNorm: v, eligible } = this.cols;
    const l1 = this.l1;
    const l2 = this.l2;
    const invM = 1 / m;
    let dlx = 0;
    const count = full ? p : this.nActive;
    for (let t = 0; t < count; t++) {
      const j = full ? t : this.active[t];
      if (!eligible[j]) continue;
      const base = j * m;
      let dot = 0;
      for (let i = 0; i < m; i++) dot += xcol[base + i] * r[i];
      const vj = v[j];
      const wj = w[j];
      const next = softThreshold(dot * invM + vj * wj, l1) / (vj + l2);
      if (next === wj) continue;
      if (!this.isActive[j]) this.markActive(j);
      const delta = next - wj;
      w[j] = next;
      for (let i = 0; i < m; i++) r[i] -= xcol[base + i] * delta;
      const d = vj * delta * delta;
      if (d > dlx) dlx = d;
    }
    this.negGradStale = true;
    return dlx;
  }

  private markActive(j: number): void {
    this.isActive[j] = 1;
    this.active[this.nActive++] = j;
  }

  /** Adds column j to the active set and computes its Gram column (the only O(m·p) step of a pass). */
  private activate(j: number): number {
    const { m, p } = this;
    if (this.nActive === this.gramCapacity) {
      const capacity = Math.min(p, Math.max(8, this.gramCapacity * 2));
      const next = new Float64Array(capacity * p);
      next.set(this.gram);
      this.gram = next;
      this.gramCapacity = capacity;
    }
    const s = this.nActive;
    this.slot[j] = s;
    this.active[this.nActive++] = j;
    const { xcol, eligible } = this.cols;
    const base = s * p;
    const jb = j * m;
    for (let k = 0; k < p; k++) {
      if (!eligible[k]) {
        this.gram[base + k] = 0;
        continue;
      }
      let dot = 0;
      const kb = k * m;
      for (let i = 0; i < m; i++) dot += xcol[kb + i] * xcol[jb + i];
      this.gram[base + k] = dot / m;
    }
    return s;
  }

  /** Brings negGrad up to date (naive mode keeps only the residual during passes). */
  refreshGradient(): void {
    if (!this.negGradStale) return;
    const { m, p } = this;
    const { xcol } = this.cols;
    const r = this.resid;
    for (let j = 0; j < p; j++) {
      let dot = 0;
      const base = j * m;
      for (let i = 0; i < m; i++) dot += xcol[base + i] * r[i];
      this.negGrad[j] = dot / m;
    }
    this.negGradStale = false;
  }

  /**
   * (1/2m)‖ỹ − X̃w‖². Covariance mode: ½(yy − Σ w_j(c_j + g_j)) from wᵀGw = cᵀw − gᵀw, no pass over X
   * (fine for per-step metrics; the final objective is evaluated on the data).
   */
  loss(): number {
    if (!this.covariance) {
      let s = 0;
      for (let i = 0; i < this.m; i++) s += this.resid[i] * this.resid[i];
      return (0.5 * s) / this.m;
    }
    let s = 0;
    for (let t = 0; t < this.nActive; t++) {
      const j = this.active[t];
      s += this.w[j] * (this.c[j] + this.negGrad[j]);
    }
    return Math.max(0, 0.5 * (this.yy - s));
  }

  /** The intercept of the uncentered problem (0 without intercept). */
  intercept(): number {
    let b = this.yMean;
    const mu = this.cols.means;
    for (let j = 0; j < this.p; j++) b -= mu[j] * this.w[j];
    return b;
  }
}
