/**
 * Coordinate descent for the linear model (squared loss), glmnet's "gaussian" algorithm.
 *
 * Why CD: each coordinate of the elastic-net objective has a closed-form minimizer
 *   w_j ← S(g_j + v_j·w_j, λα) / (v_j + λ(1−α)),   g_j = (1/m)x̃_jᵀ(ỹ − X̃w), v_j = (1/m)‖x̃_j‖²,
 * with S the soft-threshold, so it gives exact zeros and converges fast on sparse solutions.
 *
 * Two kernels, as in glmnet (type.gaussian): with p ≤ 500 "covariance" updates keep g for all
 * columns and update it by Gram columns G_·k = (1/m)X̃ᵀx̃_k, computed once when k first becomes
 * nonzero (paired with a likely next entrant, see PARTNER_FRACTION), so a sweep costs O(p·|active|)
 * independent of m; for larger p the Gram columns would not fit, and the "naive" kernel keeps the
 * residual (O(m) per coordinate).
 *
 * Naive mode screens with the sequential strong rule (Tibshirani et al. 2012): at a new penalty, columns
 * with |g_j| < 2·λα − λ'α (λ' the previous penalty, g at its solution) are left out of full passes,
 * which otherwise cost O(m·p) and dominate wide problems. When a full pass over the kept columns
 * settles, the others are checked once (their KKT condition |g_j| ≤ λα, exactly the test by which a full
 * pass would leave a zero coefficient at zero); violators join and the passes go on. So convergence is
 * decided on the same condition as without screening, at about one O(m·p) check per λ instead of every
 * full pass.
 *
 * Control flow (glmnet's): a full pass over all eligible columns; then passes over the active set
 * (columns that have ever been nonzero) until they settle; then a full pass again, which either
 * changes nothing (converged) or brings in new columns. Warm starts: changing λ keeps w and the
 * Gram columns; in naive mode a warm λ starts with the active-set passes (see setPenalty).
 *
 * Stopping rule: two tests against one threshold tol·D0, D0 = (1/m)‖y − ȳ‖² (‖y‖²/m without
 * intercept; 1 if that is 0). Both quantities are in units of the loss, so one tol serves both.
 *  1. glmnet's (its `thresh`, y standardized to variance 1): a pass is settled when
 *     max_j v_j·(Δw_j)² ≤ tol·D0, the largest change of one column's contribution to the fit.
 *  2. On its own (1) stops too early on ill-conditioned designs (unstandardized, nearly collinear
 *     columns: CD then moves every coordinate a little per pass for a very long time, so a small
 *     step is far from the optimum; on diabetes unstandardized it left coefficient errors ~4e-4).
 *     So a settled full pass is accepted only when the duality gap certifies the objective:
 *       J(w) − J* ≤ gap(w) ≤ tol·D0,
 *     gap from the exact gradient g (recomputed, not the incrementally updated one) as a sum of
 *     Fenchel–Young terms h(w_j) + h*(g_j) − g_j·w_j ≥ 0, h(t) = λα|t| + λ(1−α)t²/2 (see dualityGap).
 *     This is scikit-learn's criterion (with tol relative to var(y) rather than ‖y‖²).
 * Rounding must not keep a run going: the gap is compared with max(tol·D0, its rounding floor), a
 * full pass that moves nothing (a fixed point of CD) is converged, and so is a gap that stops
 * reaching new minima over STALL_CHECKS consecutive checks (it wobbles at rounding level). With
 * λ = 0 there is no dual certificate (h* is infinite off 0) and rule (1) alone applies. Every caller
 * also caps the number of passes.
 * Paths (path.ts) use rule (1) alone, as glmnet does, and then polish(): where passes are slow (the
 * case in which rule (1) stops far from the optimum, e.g. CV folds with fewer rows than columns) the
 * point is moved to the optimum of its face by a linear solve and accepted when the KKT conditions
 * verify it, so the path is exact there at no more than the passes' own cost.
 */
import { RidgelineError } from '../../errors.ts';
import { softThreshold } from '../kkt.ts';
import type { Design } from '../types.ts';
import { COVARIANCE_MAX_P, prepareColumns, screenScale, sequentialColumnDots, type CdColumns, type ColumnKernels } from './columns.ts';
import { dot } from '../linalg/gram.ts';
import { FaceFactor } from './faceFactor.ts';
import { GradientBounds } from './gradientBounds.ts';
import type { GramSource } from './foldGram.ts';

/** Above this many columns the p×|active| Gram store is not worth it; glmnet switches at 500 too. */
export { COVARIANCE_MAX_P };

/**
 * A column k whose |g_k| is at least this fraction of λα when another column enters is likely to enter
 * soon (its KKT condition |g_k| ≤ λα is nearly binding), so its Gram column is computed along with the
 * entering one, in the cheaper two-column kernel (see linalg/gram.ts). A wrong guess costs one column that is
 * never used; a right one makes both columns ~1.5× cheaper.
 */
const PARTNER_FRACTION = 0.5;

/** Gap checks without a new smallest gap after which the gap is taken to be at rounding level. */
const STALL_CHECKS = 8;

/** A face system whose Cholesky pivot falls to this share of its diagonal entry is singular to working precision. */
const MIN_PIVOT = 1e-13;

/**
 * What polish() did: `optimal` (w is now the optimum, verified by the KKT conditions to rounding);
 * `improved` (w moved to a better point that is not verified optimal, e.g. a column off the face violates
 * its condition, or the steps ran out of budget: passes must go on); `singular` (no step possible, w
 * unchanged); `skipped` (it would cost more than the passes already spent, w unchanged).
 */
export type PolishOutcome = 'optimal' | 'improved' | 'singular' | 'skipped';

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
  /** Naive mode: residual ỹ − X̃w, and ỹ itself to recompute it exactly for a gap check. */
  private readonly resid: Float64Array;
  /** Naive mode: the columns' kernels when `resid` lives in their heap (residualDot, subtractFromResidual), else null. */
  private readonly kernels: ColumnKernels | null;
  /** Naive mode: whether w and r live in the kernels' heap, so that passes run in one kernel call (naivePass). */
  private readonly fused: boolean;
  /** naivePass's list of the columns a pass visits, and passSteps' changes of their coefficients. */
  private readonly visit: Int32Array;
  private readonly stepChange: Float64Array;
  private readonly yc: Float64Array;
  /** Covariance mode: where column k's Gram column starts in `gram` (÷ p), −1 until it is computed. */
  private slot: Int32Array;
  private gram: Float64Array;
  private gramCapacity = 0;
  private nSlots = 0;
  /** Scratch list of the columns whose Gram entries an activation must compute (+3 for padding). */
  private readonly todo: Int32Array;
  private readonly active: Int32Array;
  private readonly isActive: Uint8Array;
  private nActive = 0;
  /** Naive mode: the columns full passes visit (strong rule), |g_j| as last computed, and the l1 level it screens from. */
  private readonly inStrong: Uint8Array;
  /** Naive mode: the columns a KKT check could not clear by their bound, computed from their rows. */
  private readonly candidates: Int32Array;
  private readonly candidateGrad: Float64Array;
  /** Naive mode: |g_j| as last computed, or an upper bound, and how far r may have moved since (gradientBounds.ts). */
  private readonly bounds: GradientBounds | null;
  private screenFrom = 0;
  private l1 = 0;
  private l2 = 0;
  private fullNext = true;
  private negGradStale = false;
  /** Smallest duality gap seen at the current penalty and the checks since it was reached. */
  private bestGap = Number.POSITIVE_INFINITY;
  private checksSinceBest = 0;
  /** The last gap computed (NaN before any check or with λ = 0), for status messages. */
  lastGap = Number.NaN;
  /** Multiply-adds spent by passes at the current penalty: what polish() may spend as much as. */
  private work = 0;
  /** `work` when polish() last ran at this penalty; what the running polish has spent, and may. */
  private polishedAt = 0;
  private polishSpent = 0;
  private allowance = 0;
  /** polish(): the face's factor (kept across calls and penalties), membership, values, signs, scratch. */
  private readonly factor: FaceFactor;
  private readonly inFace: Uint8Array;
  private readonly faceValue: Float64Array;
  private readonly faceSign: Float64Array;
  private readonly faceScratch: Float64Array;
  /**
   * Naive mode: whether the bounds (gradientBounds.ts) hold |g_j| for every eligible column from the last
   * pass, a full one that settled (its KKT check of the screened-out columns included), with w unchanged
   * since; the residual scratch of polish(); and how many columns its last KKT check had to compute.
   */
  private gradFresh = false;
  /**
   * Naive mode: how far the fit has moved since the start, Σ √v_k·|Δw_k| over every update (and the
   * exact distance of each polish): it bounds ‖r_now − r_then‖/√m for the |g_j| a pass computed (see
   * gradientBounds.ts), so a column whose bound stays below λα satisfies its KKT condition without a
   * pass over its rows.
   */
  private moved = 0;
  private readonly trialResid: Float64Array;
  private lastChecks = 0;

  /**
   * `columns`: the design's columns already prepared (e.g. standardized by prepareStandardizedColumns,
   * with `design.y` the response); otherwise they are prepared from `design.x`. `gramSource` (covariance
   * mode) supplies Gram entries instead of computing them from the columns. `response`: the response's
   * statistics given rather than computed from `design.y` and the columns; with a `gramSource` the
   * columns then need only their statistics (means, eligible, sqNorm), not their values; this is how a
   * CV cell runs from its folds' moments (foldGram.ts).
   */
  constructor(
    design: Design,
    fitIntercept: boolean,
    forceNaive = false,
    columns?: CdColumns,
    private readonly gramSource?: GramSource,
    response?: { yMean: number; c: Float64Array; yy: number },
  ) {
    const { m, p, y } = design;
    this.m = m;
    this.p = p;
    this.cols = columns ?? prepareColumns(design, fitIntercept);
    this.negGrad = new Float64Array(p);
    this.covariance = !forceNaive && p <= COVARIANCE_MAX_P;
    // Naive mode keeps w in the columns' kernel heap where it can, for the fused pass (ColumnKernels.pass).
    const heapWeights = this.covariance ? null : (this.cols.kernels?.claimWeights(this.cols.sqNorm) ?? null);
    this.w = heapWeights ?? new Float64Array(p);
    if (response && !(this.covariance && gramSource)) throw new RidgelineError('BAD_OPTIONS', 'LinearCd: given response statistics need covariance mode and a Gram source');
    let yc = new Float64Array(0);
    if (response) {
      this.yMean = response.yMean;
      this.yy = response.yy;
      this.c = response.c;
    } else {
      let yMean = 0;
      if (fitIntercept) {
        for (let i = 0; i < m; i++) yMean += y[i];
        yMean /= m;
      }
      this.yMean = yMean;
      yc = new Float64Array(m);
      let yy = 0;
      for (let i = 0; i < m; i++) {
        yc[i] = y[i] - yMean;
        yy += yc[i] * yc[i];
      }
      this.yy = yy / m;
      this.c = new Float64Array(p);
      // Sequential sums, the order lambdaMax uses: at λ = λ_max every coefficient then stays exactly 0.
      sequentialColumnDots(this.cols.xcol, m, p, yc, this.c);
      for (let j = 0; j < p; j++) this.c[j] /= m;
    }
    this.scale = this.yy > 0 ? this.yy : 1;
    this.negGrad.set(this.c);
    this.yc = this.covariance ? new Float64Array(0) : yc;
    // Naive mode keeps the residual in the columns' kernel heap where it can, for the SIMD dot and update.
    const heapResid = this.covariance ? null : (this.cols.kernels?.claimResidual() ?? null);
    this.kernels = heapResid ? this.cols.kernels : null;
    this.fused = heapResid !== null && heapWeights !== null;
    this.visit = new Int32Array(this.covariance ? 0 : p);
    this.stepChange = new Float64Array(this.covariance || this.fused ? 0 : p);
    this.resid = this.covariance ? new Float64Array(0) : (heapResid ?? new Float64Array(m));
    if (!this.covariance) this.resid.set(yc);
    this.slot = new Int32Array(this.covariance ? p : 0).fill(-1);
    this.gram = new Float64Array(0);
    this.todo = new Int32Array(this.covariance ? p + 3 : 0);
    this.active = new Int32Array(p);
    this.isActive = new Uint8Array(p);
    this.inStrong = new Uint8Array(this.covariance ? 0 : p);
    this.candidates = new Int32Array(this.covariance ? 0 : p);
    this.candidateGrad = new Float64Array(this.covariance ? 0 : p);
    this.bounds = this.covariance ? null : new GradientBounds(m, p, this.cols.sqNorm);
    this.factor = new FaceFactor(p);
    this.inFace = new Uint8Array(p);
    this.faceValue = new Float64Array(p);
    this.faceSign = new Float64Array(p);
    this.faceScratch = new Float64Array(p + 1);
    this.trialResid = new Float64Array(this.covariance ? 0 : m);
    if (!this.covariance) {
      // At w = 0, g = c: the null model is optimal for every l1 ≥ max|c_j| (λ_max·α), the level the first
      // penalty screens from.
      const value = this.bounds!.value;
      for (let j = 0; j < p; j++) {
        value[j] = Math.abs(this.c[j]);
        this.bounds!.estimate[j] = value[j];
        if (this.cols.eligible[j] && value[j] > this.screenFrom) this.screenFrom = value[j];
      }
    }
  }

  setPenalty(lambda: number, alpha: number): void {
    this.l1 = lambda * alpha;
    this.l2 = lambda * (1 - alpha);
    if (this.bounds) {
      // The sequential strong rule wants |g_j| at the previous solution: a value from this λ's passes is
      // taken as it is (as glmnet does), one from a KKT check by its bound there.
      const b = this.bounds;
      const cut = 2 * this.l1 - this.screenFrom;
      b.measure(this.resid, this.moved, this.gradientSlack());
      for (let j = 0; j < this.p; j++) this.inStrong[j] = this.isActive[j] || b.estimate[j] >= cut ? 1 : 0;
      this.screenFrom = this.l1;
    }
    // Naive mode starts a warm λ with passes over the active set, as glmnet does (a partial fit first
    // once any column is active, then full passes and the KKT check). So it takes glmnet's steps: at
    // tol 1e-7 its CV curves equal cv.glmnet's to ~1e-14 (test/unit/engine/wide-cv.test.ts); on 500 × 5,000
    // that is 3.6e-3 from the exact curve, where a full pass first left it 1.7e-2 off, at the same speed
    // (a tighter tol, with polish(), gives the exact curve). Covariance mode keeps the full pass first:
    // there passes cost O(p·|active|) and starting from the active set took 65 % more passes on a 100-λ
    // path over 10,000 × 100 (161 → 265).
    this.fullNext = this.covariance || this.nActive === 0;
    this.bestGap = Number.POSITIVE_INFINITY;
    this.checksSinceBest = 0;
    this.lastGap = Number.NaN;
    this.work = 0;
    this.polishedAt = 0;
  }

  /**
   * What polish() costs (multiply-adds) with n face columns of which `kept` are factored already: the
   * new factor rows (naive mode: with their Gram entries from the rows), the solve, and g or r at the result.
   */
  private polishCost(n: number, kept: number): number {
    const { m, p } = this;
    return (n - kept) * ((n * n) / 2 + (this.covariance ? 0 : m * n)) + n * n + (this.covariance ? n * p : m * (n + 1 + this.lastChecks));
  }

  /**
   * Whether a polish is worth trying before the passes settle: the passes since the last try cost as much
   * as it would (so such tries at most double a slow fit's time, and one that verifies the optimum ends
   * the fit at once, however far the step rule still is from settling).
   */
  get polishDue(): boolean {
    const n = this.nActive;
    return this.work - this.polishedAt >= this.polishCost(n, this.factor.l2 === this.l2 ? Math.min(this.factor.n, n) : 0);
  }

  /** Whether the next pass will be a full one (glmnet's convergence is decided on full passes). */
  get nextIsFull(): boolean {
    return this.fullNext;
  }

  /**
   * One pass of the glmnet control flow. Returns true when the fit has converged at the current λ:
   * a full pass settled (max v_j·Δw_j² ≤ threshold) and the duality gap is ≤ threshold (or at
   * rounding level); see the stopping rule above. `threshold` is tol·D0 (`scale`).
   */
  pass(threshold: number): boolean {
    const full = this.fullNext;
    this.gradFresh = false;
    const dlx = this.covariance ? this.covPass(full) : this.naivePass(full);
    if (full) {
      if (dlx <= threshold) {
        // Screened-out columns that violate KKT join the strong set; the next pass is full again.
        if (!this.covariance) {
          if (this.admitViolators() > 0) return false;
          this.gradFresh = true;
        }
        if (this.certified(threshold, dlx)) return true;
      }
      this.fullNext = false;
    } else if (dlx <= threshold) {
      this.fullNext = true;
    }
    return false;
  }

  /**
   * Whether a settled pass must also be certified by the duality gap. Single fits do (their
   * objective's accuracy is the point); paths for cross-validation follow glmnet's rule alone, as
   * glmnet does, since CV error curves do not move at that level and the certificate costs ~20× the passes.
   */
  certify = true;

  /** The second half of the stopping rule, after a settled full pass whose largest change was dlx. */
  private certified(threshold: number, dlx: number): boolean {
    if (!this.certify) return true;
    if (this.l1 === 0 && this.l2 === 0) return true;
    if (dlx === 0) return true; // nothing moved: a fixed point of CD, nothing more to gain
    const { gap, floor } = this.dualityGap();
    this.lastGap = gap;
    if (gap <= threshold || gap <= floor) return true;
    if (gap < this.bestGap) {
      this.bestGap = gap;
      this.checksSinceBest = 0;
      return false;
    }
    return ++this.checksSinceBest >= STALL_CHECKS;
  }

  /**
   * The duality gap of the (centered) elastic-net problem at the current w, and an estimate of its
   * rounding floor. With u = c·r/m (r = ỹ − X̃w) as the dual point, the gap P(w) − D(u) is
   *   gap = ½(1−c)²‖r‖²/m + Σ_j [h(w_j) + h*(c·g_j) − c·g_j·w_j],   g = X̃ᵀr/m,
   *   h(t) = l1|t| + (l2/2)t²,  h*(s) = (|s| − l1)₊² / (2·l2)
   * (Fenchel–Young: every bracket is ≥ 0 and 0 at the optimum, so the sum has no cancellation of
   * large terms). With l2 > 0, h* is finite everywhere and c = 1; with l2 = 0 (lasso), h* is 0 on
   * |s| ≤ l1 and infinite beyond, so c = min(1, l1/‖g‖∞) scales u into the dual feasible set.
   * The gradient is recomputed exactly first (and kept: it also removes the drift of incremental
   * updates): O(p·|active|) with the Gram columns, O(m·p) in naive mode.
   */
  dualityGap(): { gap: number; floor: number } {
    const { w, p } = this;
    const g = this.negGrad;
    const { sqNorm: v, eligible } = this.cols;
    const rr = this.exactGradient();
    const l1 = this.l1;
    const l2 = this.l2;
    let gInf = 0;
    for (let j = 0; j < p; j++) {
      const a = Math.abs(g[j]);
      if (a > gInf) gInf = a;
    }
    const c = l2 > 0 || gInf <= l1 ? 1 : l1 / gInf;
    let gap = 0.5 * (1 - c) * (1 - c) * rr;
    let magnitude = gap;
    // Rounding in g_j = x̃_jᵀr/m is about ε·√v_j times the size of the numbers r is made of: ỹ, r
    // itself, and the column contributions x̃_k·w_k (large when collinear columns cancel).
    let fitScale = Math.sqrt(this.scale) + Math.sqrt(rr);
    for (let j = 0; j < p; j++) if (eligible[j]) fitScale += Math.sqrt(v[j]) * Math.abs(w[j]);
    let gradError = 0;
    for (let j = 0; j < p; j++) {
      if (!eligible[j]) continue;
      const wj = w[j];
      const sj = c * g[j];
      const over = Math.abs(sj) - l1;
      const conj = l2 > 0 && over > 0 ? (over * over) / (2 * l2) : 0;
      const aw = Math.abs(wj);
      const hw = l1 * aw + 0.5 * l2 * wj * wj;
      const cross = sj * wj;
      gap += hw + conj - cross;
      magnitude += hw + conj + Math.abs(cross);
      gradError += aw * Math.sqrt(v[j]) * fitScale;
    }
    const floor = 16 * Number.EPSILON * (magnitude + gradError);
    return { gap: Math.max(gap, 0), floor };
  }

  /**
   * Moves a settled w to the exact optimum by active-set steps, when they are verified to reach it.
   *
   * Why: glmnet's rule bounds the last pass's step, not the distance to the optimum, which is about that
   * step over (1 − ρ), ρ the passes' contraction. Where the Gram block G_AA of the nonzero columns A is
   * ill-conditioned (the small-λ end of a lasso path when the training rows number about as many as the
   * columns, or fewer) ρ is close to 1: a fold's fit at tol 1e-12 is still ~1e-4 off, and held-out rows
   * see that at full size (cvm off by 1e-4…1e-2; glmnet at the same thresh is off by as much). The duality
   * gap does not tell: it bounds the training loss, which is flat along G_AA's weak directions. But on the
   * face of w (the columns A with their signs s) the objective is a quadratic, minimized by one solve
   *   (G_AA + λ(1−α)I)·x = c_A − λα·s_A,
   * and x is the optimum exactly when its signs are s and every column off the face has |g_j| ≤ λα (KKT,
   * with g recomputed at x and its rounding allowed for). Cholesky is backward stable, so x is the
   * optimum to rounding however ill-conditioned the face. Where x changes a sign, w moves toward x to
   * the first zero crossing and that column leaves the face; where G_AA is singular (unconverged passes can
   * leave more nonzeros than the rows can determine), w moves along the null direction the factor found,
   * the way the penalty falls, to the first zero. Each step lowers the objective (to rounding), so a w
   * that is not verified optimal is still a better start for more passes.
   * Cost: the factor of G_AA + λ(1−α)I is kept across calls and penalties (FaceFactor: a column that joins
   * costs |A|²/2, plus its Gram entries from the rows in naive mode; one that leaves a few rotations),
   * then a solve and g at the result (about one more pass over the face). A polish runs only when its
   * new factor rows cost no more than the passes spent at this penalty, so it adds at most about a slow
   * fit's own time (and usually saves most of its passes), while a λ that settles in a few cheap passes
   * is still verified when its face is factored already.
   */
  polish(): PolishOutcome {
    const f = this.factor;
    if (f.l2 !== this.l2) {
      f.truncate(0);
      f.l2 = this.l2;
    }
    const nA = this.collectFace();
    let kept = 0;
    for (let t = 0; t < f.n; t++) kept += this.inFace[f.cols[t]];
    // New factor rows must be paid for by the passes; the solve and g (about one pass over the face) are
    // always allowed, so a λ whose warm start met the step rule at once (little work, and the rule's
    // worst case) is still verified when its face is factored already.
    const allowance = this.work + this.polishCost(nA, nA);
    if (this.polishCost(nA, kept) > allowance) {
      this.polishedAt = this.work;
      return 'skipped';
    }
    for (let t = f.n - 1; t >= 0; t--) if (!this.inFace[f.cols[t]]) f.remove(f.cols[t]);
    this.polishSpent = this.covariance ? nA * this.p : this.m * (nA + 1 + this.lastChecks);
    this.allowance = allowance;
    const outcome = this.faceSteps(nA);
    this.polishedAt = this.work;
    if (outcome === 'stuck') return 'singular';
    this.adoptFace();
    const fresh = this.gradFresh;
    this.gradFresh = false;
    this.fullNext = true;
    if (outcome === 'moved') return 'improved';
    return (this.covariance ? this.faceKktHolds() : fresh && this.faceKktHoldsFromRows()) ? 'optimal' : 'improved';
  }

  // polish()'s parts are small methods: V8 then optimizes each hot loop on its own, early, instead of
  // deoptimizing one large function whenever a rare branch (a sign change, a singular face) first runs.

  /** inFace, faceValue, faceSign from w; returns the face's size. */
  private collectFace(): number {
    const { w, p, inFace, faceValue: val, faceSign: sgn } = this;
    let n = 0;
    for (let j = 0; j < p; j++) {
      const wj = w[j];
      const member = wj !== 0 ? 1 : 0;
      inFace[j] = member;
      n += member;
      val[j] = wj;
      sgn[j] = Math.sign(wj);
    }
    return n;
  }

  /**
   * Active-set steps from faceValue until the face's minimizer keeps every sign ('solved'), or the
   * budget (the passes' work) runs out after some step ('moved'), or no step is possible ('stuck').
   */
  private faceSteps(nA: number): 'solved' | 'moved' | 'stuck' {
    let moved = false;
    for (;;) {
      const failed = this.extendFactor();
      const drop = failed >= 0 ? this.nullStep(failed) : this.minimizerStep();
      if (drop === -1) return 'solved';
      if (drop === -2) return moved ? 'moved' : 'stuck';
      // The column that reached 0 leaves the face (exactly 0, whatever the rounding of the step).
      this.faceValue[drop] = 0;
      this.inFace[drop] = 0;
      nA--;
      moved = true;
      const at = this.factor.position[drop];
      if (at >= 0) {
        this.polishSpent += 2 * (this.factor.n - at) ** 2;
        this.factor.remove(drop);
      }
      if (this.polishSpent > this.allowance || nA === 0) return 'moved';
    }
  }

  /** Appends the face's unfactored columns in column order; returns the first found dependent (−1: none). */
  private extendFactor(): number {
    const { p, m, inFace, factor: f, faceScratch: b } = this;
    const v = this.cols.sqNorm;
    for (let j = 0; j < p; j++) {
      if (!inFace[j] || f.position[j] >= 0) continue;
      const n = f.n;
      for (let t = 0; t < n; t++) b[t] = this.gramEntry(f.cols[t], j);
      this.polishSpent += (n * n) / 2 + (this.covariance ? 0 : m * n);
      if (!f.append(j, b, v[j], MIN_PIVOT)) return j;
    }
    return -1;
  }

  /**
   * The face's columns are dependent (column `failed` on the factored ones): along the null direction d
   * the fit stays, and the objective moves by its penalty's slope; faceValue goes the way it falls (either,
   * when flat) to the first zero. Returns the column that reached it, −2 if none would.
   */
  private nullStep(failed: number): number {
    const { factor: f, faceScratch: d, faceValue: val, faceSign: sgn, c, l1 } = this;
    const n = f.n;
    f.nullDirection(d);
    this.polishSpent += n * n;
    let slope = 0;
    for (let t = 0; t <= n; t++) {
      const j = t < n ? f.cols[t] : failed;
      slope += d[t] * (l1 * sgn[j] - c[j]);
    }
    const dir = slope > 0 ? -1 : 1;
    let step = Number.POSITIVE_INFINITY;
    let drop = -2;
    for (let t = 0; t <= n; t++) {
      const j = t < n ? f.cols[t] : failed;
      const dj = dir * d[t];
      if (dj === 0 || Math.sign(dj) === sgn[j]) continue;
      const s = -val[j] / dj;
      if (s < step) {
        step = s;
        drop = j;
      }
    }
    if (drop === -2) return -2;
    for (let t = 0; t <= n; t++) val[t < n ? f.cols[t] : failed] += step * dir * d[t];
    return drop;
  }

  /**
   * Solves for the face's minimizer x and moves faceValue toward it up to the first sign change; returns
   * the column that reached 0, or −1 when x keeps every sign (faceValue = x).
   */
  private minimizerStep(): number {
    const { factor: f, faceScratch: x, faceValue: val, faceSign: sgn, c, l1 } = this;
    const n = f.n;
    for (let t = 0; t < n; t++) x[t] = c[f.cols[t]] - l1 * sgn[f.cols[t]];
    f.solve(x);
    this.polishSpent += n * n;
    let step = 1;
    let drop = -1;
    if (l1 > 0) {
      for (let t = 0; t < n; t++) {
        const j = f.cols[t];
        if (Math.sign(x[t]) === sgn[j]) continue;
        const s = val[j] / (val[j] - x[t]);
        if (drop < 0 || s < step) {
          step = s;
          drop = j;
        }
      }
    }
    if (drop < 0) {
      for (let t = 0; t < n; t++) val[f.cols[t]] = x[t];
      return -1;
    }
    for (let t = 0; t < n; t++) val[f.cols[t]] += step * (x[t] - val[f.cols[t]]);
    return drop;
  }

  /**
   * w ← faceValue on the face, 0 off it; then g exactly (covariance mode) or the residual from scratch
   * (naive mode). Returns ‖r − r_before‖/√m in naive mode (r_before: the passes' residual), else 0.
   */
  private adoptFace(): number {
    const { w, p, m, inFace, faceValue, trialResid: r, resid } = this;
    onFace(w, inFace, faceValue, p);
    if (this.covariance) {
      this.exactGradient();
      return 0;
    }
    r.set(resid);
    this.recomputeResidual();
    const distance = Math.sqrt(squaredDistance(resid, r, m) / m);
    this.moved += distance;
    return distance;
  }

  /** Rounding in g_j is about ε·√v_j times the size of the numbers r is made of (as in dualityGap). */
  private gradientSlack(): number {
    const { p, w } = this;
    const v = this.cols.sqNorm;
    let fitScale = Math.sqrt(this.scale);
    for (let j = 0; j < p; j++) if (w[j] !== 0) fitScale += Math.sqrt(v[j]) * Math.abs(w[j]);
    return 16 * Number.EPSILON * fitScale;
  }

  /** Covariance mode: |g_j| ≤ λα (to rounding) for every eligible column off the face (g exact). */
  private faceKktHolds(): boolean {
    const { p, inFace, negGrad: g, l1 } = this;
    const { sqNorm: v, eligible } = this.cols;
    const slack = this.gradientSlack();
    for (let j = 0; j < p; j++) if (eligible[j] && !inFace[j] && Math.abs(g[j]) > l1 + slack * Math.sqrt(v[j])) return false;
    return true;
  }

  /**
   * Naive mode, right after a settled full pass: every |g_j| is known at a nearby point, and
   * |g_j(r) − g_j(r')| ≤ √v_j·‖r − r'‖/√m (Cauchy–Schwarz; gradientBounds.ts), so only the columns this
   * bound cannot clear are screened, and only those the screen cannot clear computed from the rows
   * (resolveCandidates). Violators join the strong set. (Not right after such a pass, polish() leaves the
   * verdict to the next full pass and its check of the screened-out columns.)
   */
  private faceKktHoldsFromRows(): boolean {
    const { l1, resid: r, candidates, candidateGrad } = this;
    const b = this.bounds!;
    const { sqNorm: v, eligible } = this.cols;
    const slack = this.gradientSlack();
    b.measure(r, this.moved, slack);
    const slot = b.snapshot(r);
    const computed = this.resolveCandidates(b.collect(eligible, this.inFace, l1, slot, candidates), slot);
    let holds = true;
    for (let t = 0; t < computed; t++) {
      const j = candidates[t];
      if (candidateGrad[t] > l1 + slack * Math.sqrt(v[j])) {
        holds = false;
        this.inStrong[j] = 1;
      }
    }
    this.lastChecks = computed;
    return holds;
  }


  /** G_ab = (1/m)x̃_aᵀx̃_b: from the Gram store in covariance mode (b has a column there), from the rows in naive mode. */
  private gramEntry(a: number, b: number): number {
    if (this.covariance) return this.gram[this.slot[b] * this.p + a];
    return (this.kernels ? this.kernels.pairDot(a, b) : dot(this.cols.views[a], this.cols.views[b], this.m)) / this.m;
  }

  /**
   * (1/2m)‖ỹ − X̃w‖² recomputed without drift, for reporting a converged point. Covariance mode: from the
   * exact gradient (g with it), O(p·|active|). Naive mode: the residual from scratch over the nonzero
   * columns only, O(m·nnz), cheaper than a pass over all of X.
   */
  exactLoss(): number {
    if (this.covariance) return 0.5 * this.exactGradient();
    this.recomputeResidual();
    let s = 0;
    const r = this.resid;
    for (let i = 0; i < this.m; i++) s += r[i] * r[i];
    return (0.5 * s) / this.m;
  }

  /** Naive mode: r = ỹ − X̃w from scratch (removes the drift of incremental updates). */
  private recomputeResidual(): void {
    const { w, p, m } = this;
    const r = this.resid;
    const { views } = this.cols;
    r.set(this.yc);
    const kernels = this.kernels;
    for (let j = 0; j < p; j++) {
      const wj = w[j];
      if (wj === 0) continue;
      // The kernel's r_i − x_i·w_j is this loop's operation, lane for lane: the same bits.
      if (kernels) kernels.subtractFromResidual(j, wj);
      else {
        const col = views[j];
        for (let i = 0; i < m; i++) r[i] -= col[i] * wj;
      }
    }
    this.negGradStale = true;
  }

  /**
   * Recomputes g = X̃ᵀ(ỹ − X̃w)/m exactly into negGrad and returns ‖r‖²/m. Covariance mode:
   * g = c − Σ_active G_·k·w_k, ‖r‖²/m = yy − Σ w_k(c_k + g_k); naive: the residual from scratch.
   */
  private exactGradient(): number {
    const { w, p, m } = this;
    const g = this.negGrad;
    if (this.covariance) {
      g.set(this.c);
      const gram = this.gram;
      for (let t = 0; t < this.nActive; t++) {
        const k = this.active[t];
        const wk = w[k];
        if (wk === 0) continue;
        const base = this.slot[k] * p;
        for (let j = 0; j < p; j++) g[j] -= gram[base + j] * wk;
      }
      let s = 0;
      for (let t = 0; t < this.nActive; t++) {
        const k = this.active[t];
        s += w[k] * (this.c[k] + g[k]);
      }
      return Math.max(0, this.yy - s);
    }
    const r = this.resid;
    this.recomputeResidual();
    this.refreshGradient();
    let s = 0;
    for (let i = 0; i < m; i++) s += r[i] * r[i];
    return s / m;
  }

  private covPass(full: boolean): number {
    const { w, negGrad: g, p } = this;
    const v = this.cols.sqNorm;
    const eligible = this.cols.eligible;
    const l1 = this.l1;
    const l2 = this.l2;
    let dlx = 0;
    const count = full ? p : this.nActive;
    this.work += count;
    for (let t = 0; t < count; t++) {
      const j = full ? t : this.active[t];
      if (!eligible[j]) continue;
      const vj = v[j];
      const wj = w[j];
      const next = softThreshold(g[j] + vj * wj, l1) / (vj + l2);
      if (next === wj) continue;
      this.work += p;
      let s = this.slot[j];
      if (s < 0) s = this.computeGram(j);
      if (!this.isActive[j]) this.markActive(j);
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

  /**
   * One naive-mode pass over the strong set's eligible columns (all of them, or the active ones), in
   * order: each column's step (reference.cdPass's operations) runs in one kernel call where w and r live in
   * the kernels' heap, else in passSteps below (the same operations); then the bookkeeping, column by
   * column in pass order, from the steps' gradients and changes.
   */
  private naivePass(full: boolean): number {
    const { m, p, visit } = this;
    const { sqNorm: v, eligible } = this.cols;
    const inStrong = this.inStrong;
    const count = full ? p : this.nActive;
    let n = 0;
    for (let t = 0; t < count; t++) {
      const j = full ? t : this.active[t];
      if (eligible[j] && inStrong[j]) visit[n++] = j;
    }
    const { grad, change } = this.fused ? this.kernels!.pass(visit, n, this.l1, this.l2, 1 / m) : this.passSteps(n);
    const { value: gradAbs, estimate, at: gradAt, epoch: gradEpoch } = this.bounds!;
    let dlx = 0;
    let moved = this.moved;
    for (let t = 0; t < n; t++) {
      const j = visit[t];
      const a = Math.abs(grad[t]);
      gradAbs[j] = a;
      estimate[j] = a;
      gradAt[j] = moved;
      gradEpoch[j] = -1;
      this.work += m;
      const delta = change[t];
      if (delta === 0) continue;
      this.work += m;
      if (!this.isActive[j]) this.markActive(j);
      const d = v[j] * delta * delta;
      if (d > dlx) dlx = d;
      moved += Math.sqrt(d);
    }
    this.negGradStale = true;
    this.moved = moved;
    return dlx;
  }

  /**
   * The steps of a pass over the first n columns of `visit` where w is not in the kernels' heap (columns
   * given without kernels, or naive mode forced at p ≤ 500): g_j, then w_j and r where w_j moves, into
   * candidateGrad (g) and stepChange (the change, 0 where none).
   */
  private passSteps(n: number): { grad: Float64Array; change: Float64Array } {
    const { w, m, visit, kernels } = this;
    const r = this.resid;
    const { views, sqNorm: v } = this.cols;
    const grad = this.candidateGrad;
    const change = this.stepChange;
    const invM = 1 / m;
    for (let t = 0; t < n; t++) {
      const j = visit[t];
      const col = views[j];
      const vj = v[j];
      const wj = w[j];
      const gj = (kernels ? kernels.residualDot(j) : dot(col, r, m)) * invM;
      grad[t] = gj;
      change[t] = 0;
      const next = softThreshold(gj + vj * wj, this.l1) / (vj + this.l2);
      if (next === wj) continue;
      const delta = next - wj;
      w[j] = next;
      change[t] = delta;
      if (kernels) kernels.subtractFromResidual(j, delta);
      else for (let i = 0; i < m; i++) r[i] -= col[i] * delta;
    }
    return { grad, change };
  }

  /**
   * Naive mode: the KKT check of the columns outside the strong set (all at w_j = 0): those with
   * |g_j| > λα, which a full pass would move, join the set. Returns how many joined. A column whose
   * bound (gradientBounds.ts: its last |g_j| plus √v_j times how far r has moved since) clears λα is not
   * computed: on wide data most columns sit far below λα, so this skips much of the check's O(m·p) work.
   * The rest are screened on a bf16 copy of their columns (resolveCandidates): a column whose screened
   * dot plus its error bound clears λα cannot violate, and keeps that upper bound; the others are
   * computed exactly. So the columns that join are exactly those the f64 check alone would admit.
   */
  private admitViolators(): number {
    const { candidates, candidateGrad } = this;
    const b = this.bounds!;
    const r = this.resid;
    b.measure(r, this.moved, this.gradientSlack());
    const slot = b.snapshot(r);
    const computed = this.resolveCandidates(b.collect(this.cols.eligible, this.inStrong, this.l1, slot, candidates), slot);
    let joined = 0;
    for (let t = 0; t < computed; t++) {
      if (candidateGrad[t] > this.l1) {
        this.inStrong[candidates[t]] = 1;
        joined++;
      }
    }
    return joined;
  }

  /**
   * The first n columns of `candidates`, at the current r (snapshot `slot`): each is screened on the
   * columns' bf16 copy (ColumnKernels.screenDots), and one whose screened value plus its error bound
   * (screenError) clears λα keeps that bound; the others are computed exactly, moved to the front of
   * `candidates` with their |g_j| in `candidateGrad`. Returns how many were computed. So a check finds
   * exactly the violators that computing every candidate in f64 would.
   */
  private resolveCandidates(n: number, slot: number): number {
    const { m, candidates, candidateGrad } = this;
    const b = this.bounds!;
    const r = this.resid;
    const { views, sqNorm: v } = this.cols;
    const invM = 1 / m;
    const screened = this.kernels && n > 0 ? this.kernels.screenDots(candidates, n) : null;
    const error = screened ? screenError(r, m) : null;
    let computed = 0;
    for (let t = 0; t < n; t++) {
      const j = candidates[t];
      if (screened && error) {
        const bound = (Math.abs(screened[t]) + error.perNorm * Math.sqrt(m * v[j]) + error.underflow) * invM * (1 + 2 ** -50);
        if (bound <= this.l1) {
          b.set(j, bound, Math.abs(screened[t]) * invM, slot);
          continue;
        }
      }
      const g = Math.abs((this.kernels ? this.kernels.residualDot(j) : dot(views[j], r, m)) * invM);
      b.set(j, g, g, slot);
      candidates[computed] = j;
      candidateGrad[computed++] = g;
    }
    return computed;
  }


  private markActive(j: number): void {
    this.isActive[j] = 1;
    this.active[this.nActive++] = j;
  }

  /**
   * Computes column j's Gram column G_·j = (1/m)X̃ᵀx̃_j (the only O(m·p) step of a pass), together with a
   * likely next entrant's when there is one (see PARTNER_FRACTION). Entries of columns computed before are
   * copied by symmetry. Returns j's slot.
   */
  private computeGram(j: number): number {
    const { p } = this;
    // A supplied source has no cheaper pair kernel: columns come one at a time, when they enter.
    const partner = this.gramSource ? -1 : this.partnerFor(j);
    this.reserveSlots(partner >= 0 ? 2 : 1);
    const sa = this.nSlots++;
    this.slot[j] = sa;
    const sb = partner >= 0 ? this.nSlots++ : -1;
    if (partner >= 0) this.slot[partner] = sb;
    const { eligible } = this.cols;
    const gram = this.gram;
    const todo = this.todo;
    const offA = sa * p;
    const offB = sb * p;
    let n = 0;
    for (let k = 0; k < p; k++) {
      const sk = this.slot[k];
      if (!eligible[k]) {
        gram[offA + k] = 0;
        if (sb >= 0) gram[offB + k] = 0;
      } else if (sk >= 0 && sk < sa) {
        gram[offA + k] = gram[sk * p + j];
        if (sb >= 0) gram[offB + k] = gram[sk * p + partner];
      } else {
        todo[n++] = k;
      }
    }
    if (this.gramSource) this.gramSource.fill(j, todo, n, gram, offA);
    else if (this.cols.kernels) this.cols.kernels.entries(j, partner, todo, n, gram, offA, offB);
    else throw new RidgelineError('INTERNAL', 'LinearCd: covariance mode needs the columns\' Gram kernel or a Gram source');
    return sa;
  }

  /** The eligible column without a Gram column, other than j, with the largest |g_k| ≥ PARTNER_FRACTION·λα; −1 if none. */
  private partnerFor(j: number): number {
    const { p } = this;
    const g = this.negGrad;
    const { eligible } = this.cols;
    let best = -1;
    let bestAbs = PARTNER_FRACTION * this.l1;
    for (let k = 0; k < p; k++) {
      if (k === j || !eligible[k] || this.slot[k] >= 0) continue;
      const a = Math.abs(g[k]);
      if (a > bestAbs || (best < 0 && a === bestAbs)) {
        best = k;
        bestAbs = a;
      }
    }
    return best;
  }

  private reserveSlots(count: number): void {
    const needed = this.nSlots + count;
    if (needed <= this.gramCapacity) return;
    const capacity = Math.min(this.p, Math.max(8, this.gramCapacity * 2, needed));
    const next = new Float64Array(capacity * this.p);
    next.set(this.gram);
    this.gram = next;
    this.gramCapacity = capacity;
  }

  /** Brings negGrad up to date (naive mode keeps only the residual during passes). */
  refreshGradient(): void {
    if (!this.negGradStale) return;
    const { m, p } = this;
    const { views } = this.cols;
    const r = this.resid;
    for (let j = 0; j < p; j++) this.negGrad[j] = dot(views[j], r, m) / m;
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

/** Σ (a_i − b_i)², in order. */
function squaredDistance(a: Float64Array, b: Float64Array, m: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

/** w_j ← value_j on the face, 0 off it. */
function onFace(w: Float64Array, inFace: Uint8Array, value: Float64Array, p: number): void {
  for (let j = 0; j < p; j++) w[j] = inFace[j] ? value[j] : 0;
}

/**
 * How far a screening dot x̃ᵀr (ColumnKernels.screenDots) can be from the f64 dot of the same column
 * (residualDot), both as computed. screenDots computes s = x̂ᵀr̂/σ, x̂ the bf16 rounding of x (through
 * f32) and r̂ the f32 rounding of r·σ (σ = screenScale(r), exact), with f32 products and sums (each lane a
 * chain of ⌊m/16⌋ + 3 operations), finished in f64. With u = 2⁻²⁴:
 * - rounding x to bf16 moves the sum by at most (2⁻⁸ + u)·Σ|x_i·σr_i| (plus 2⁻¹³⁴ per entry that
 *   underflows, against |σr_i| < 1), and rounding r·σ to f32 by u·Σ|x_i·σr_i| (plus 2⁻¹⁵⁰·|x_i|);
 * - the f32 chains are within (⌊m/16⌋ + 3)·u·Σ|x_i·σr_i| of their exact values (plus 2⁻¹⁵⁰ per product
 *   that underflows; sums of subnormals are exact), the f64 finish and the f64 dot itself within
 *   (m + 2)·2⁻⁵³ of theirs;
 * - Σ|x_i r_i| ≤ ‖x‖·‖r‖, Σ|σr_i| ≤ √m·‖σr‖, Σ|x_i| ≤ √m·‖x‖ (Cauchy–Schwarz); the final 1/σ is exact
 *   but for 2⁻¹⁰⁷⁴.
 * Every margin is doubled, and ‖r‖ inflated for its own rounding. The error is perNorm·‖x‖ + underflow.
 * Where bf16 overflows (|x_i| ≥ 2¹²⁸) the dot is ±∞ or NaN, which no bound clears: such a column is
 * computed exactly.
 */
export function screenError(r: Float64Array, m: number): { perNorm: number; underflow: number } {
  // ‖σr‖ (‖r‖² itself may underflow or overflow; σr's entries are below 1 in magnitude).
  const sigma = screenScale(r, m);
  let ss = 0;
  for (let i = 0; i < m; i++) ss += r[i] * sigma * (r[i] * sigma);
  const normScaled = Math.sqrt(ss) * (1 + (m + 4) * 2 ** -50);
  const relative = 2 ** -7 + 2 ** -21 + (Math.floor(m / 16) + 4) * 2 ** -23 + (m + 2) * 2 ** -50;
  const rootM = Math.sqrt(m);
  return {
    perNorm: (relative * normScaled + 2 ** -148 * rootM) / sigma,
    underflow: (2 ** -132 * rootM * normScaled + 2 ** -148 * m) / sigma + 2 ** -1070,
  };
}
