/**
 * Coordinate descent for logistic regression, glmnet's "binomial" algorithm: proximal Newton.
 *
 * Why: the log-loss has no closed-form coordinate minimizer, but its quadratic (IRLS) approximation at
 * the current η does — a weighted least-squares problem with weights v_i = p_i(1−p_i) and working
 * response z_i = η_i + (y_i − p_i)/v_i. Each outer iteration builds that approximation and minimizes it
 * plus the exact elastic-net penalty by CD (full pass / active-set passes, as for the linear model);
 * the result is the proximal-Newton direction, which converges quadratically near the optimum.
 * Unlike glmnet, which takes the full step, the step is halved until the true objective does not rise
 * (proximal Newton with backtracking, Lee–Sun–Saunders 2014), so the outer loop is a descent method
 * even far from the optimum or on nearly separable data. Weights are floored at 1e-5 (glmnet's pmin
 * does the same), which keeps the inner problem well posed when fitted probabilities saturate; a
 * floor only makes the quadratic model more conservative, so the iteration still descends.
 *
 * Cost. A naive coordinate update reads a whole column (the dot with the working residual, and the
 * residual's update when the coordinate moves): O(m). On correlated columns, or nearly separable data
 * whose weights span orders of magnitude, the inner problem is ill-conditioned and CD needs tens to
 * thousands of passes over the active set A, each O(m·|A|). The weighted Gram matrix of A
 * (H_jk = Σ v_i x̃_ij x̃_ik, fixed for the outer iteration because v is) turns a pass into O(|A|²)
 * (covariance updates of the gradient, glmnet's gaussian "covariance" mode), at O(m·|A|²/2) once. Which
 * one pays is not known in advance, so an outer iteration starts naive and switches to the Gram matrix
 * once its naive passes have cost as much as building it would (the ski-rental rule: never more than
 * about twice the better of the two), or at once when the previous outer iteration needed it.
 * Columns outside the Gram matrix are still visited in the full passes, from the working residual,
 * which is brought up to date from the accumulated moves first. With the Gram matrix at hand, CD that
 * still crawls (nearly separable data: thousands of passes per outer iteration) is short-cut by the
 * exact minimizer on the current sign pattern (faceNewton), taken only when it is provably the model's
 * minimizer. The column kernels run on WebAssembly SIMD where available (logisticWasm.ts), with the same
 * bits as their TypeScript twins (logisticKernels.ts).
 *
 * Screening: `screen` marks the columns the inner loop may visit (all eligible columns by default).
 * A path (path.ts) narrows it with glmnet's sequential strong rule and widens it again wherever the
 * KKT conditions at the converged point say a screened-out column should move (`checkScreened`),
 * so screening changes the work done, never the optimum reached.
 *
 * Stopping rule: an outer iteration whose accepted step has max(Σv·Δb², max_j xv_j·Δw_j²) ≤ tol·D0,
 * xv_j = (1/m)Σ v_i x̃_ij², D0 = −(ȳ log ȳ + (1−ȳ) log(1−ȳ)) (the null model's mean negative
 * log-likelihood; log 2 without an intercept; 1 if 0) — glmnet lognet's `thr·dev0`, so a tol means what
 * glmnet's thresh means; inner passes use the same threshold.
 *
 * Per-row work (the loss with e^−|η|, the model's weights and residual, the η update) runs in
 * WebAssembly kernels too (logisticWasm.ts): the loss sums log1p(e^−|η_i|) as the logarithm of four
 * running products (one log per lane instead of one per row) with an exp of its own
 * (kernels/expNonPositive.ts, within an ulp of Math.exp), which made a path about a third faster.
 *
 * Determinism: every decision (screening, the switch to the Gram matrix, which columns it holds) is a
 * function of the data and the iterate alone, and every sum has a fixed order (logisticKernels.ts).
 */
import { softThreshold } from '../kkt.ts';
import { certifiesSeparation, sigmoid } from '../logistic/logLoss.ts';
import type { Design } from '../types.ts';
import { choleskySolveInPlace } from '../linalg/cholesky.ts';
import { prepareColumns, type CdColumns } from './columns.ts';
import { logisticKernels, type LogisticKernels } from './logisticWasm.ts';

const WEIGHT_FLOOR = 1e-5;
const MAX_HALVINGS = 60;
/** The Gram matrix is used for active sets up to this size (its storage grows as |A|²). */
const GRAM_MAX_COLUMNS = 1000;
/**
 * A Gram row costs one multiply-add per row and column pair, against two column reads (dot and update)
 * for a naive visit of a moving coordinate; measured on 10,000 × 100 (bench/logistic.ts), building the
 * matrix for |A| columns costs about as much as |A|·GRAM_COST naive visits.
 */
const GRAM_COST = 0.5;
/** Gram passes between tries of the exact face solve (doubled after each try that fails). */
const FACE_NEWTON_PASSES = 8;

export interface LogisticOuterOutcome {
  converged: boolean;
  /** Inner CD passes this outer iteration used. */
  passes: number;
  /** The step length accepted by the line search (1 = the full Newton step). */
  step: number;
  /** With λ = 0: the iterate or its step certifies that the classes are separable. */
  separable: boolean;
}

export class LogisticCd {
  readonly cols: CdColumns;
  readonly w: Float64Array;
  /** Intercept of the centered problem. */
  b = 0;
  readonly scale: number;
  /** Linear predictor b + X̃w per row. */
  readonly eta: Float64Array;
  /** 1 for the columns the inner loop may visit (a subset of the eligible ones); see setScreen. */
  readonly screen: Uint8Array;
  private readonly m: number;
  private readonly p: number;
  private readonly y: Float64Array;
  private readonly fitIntercept: boolean;
  private readonly r: Float64Array;
  private readonly xv: Float64Array;
  private readonly w0: Float64Array;
  private readonly dw: Float64Array;
  private readonly eta0: Float64Array;
  private readonly dEta: Float64Array;
  private readonly active: Int32Array;
  private readonly isActive: Uint8Array;
  private nActive = 0;
  /** The screened columns in index order (the order of a full pass). */
  private readonly screenList: Int32Array;
  private nScreen = 0;
  private lambda = 0;
  private alpha = 0;
  private l1 = 0;
  private l2 = 0;
  /** Inner passes allowed per outer iteration. */
  innerMaxPasses = 10000;
  /**
   * When the inner loop uses the Gram matrix: 'auto' (the cost rule above), or for tests 'never' (naive
   * passes only) and 'always' (after every first full pass that leaves work to do).
   */
  gramPolicy: 'auto' | 'never' | 'always' = 'auto';

  // The weighted Gram matrix of the current outer iteration, over the columns gramCols[0..nGram).
  private gram = new Float64Array(0);
  private gramCap = 0;
  private readonly gramCols: Int32Array;
  /** Position of column j in gramCols, or −1. */
  private readonly gramPos: Int32Array;
  private nGram = 0;
  /** Per Gram position: Σ v_i x̃_ij (the column's coupling to the intercept under these weights). */
  private gramCv = new Float64Array(0);
  /** Per Gram position: x̃_jᵀ r, the quadratic model's negative gradient, kept by covariance updates. */
  private gramGrad = new Float64Array(0);
  /** Σ r_i while in Gram mode. */
  private gramSumR = 0;
  /** w and b as the working residual r last saw them (Gram mode moves them without touching r). */
  private readonly wSync: Float64Array;
  private bSync = 0;
  /**
   * Inner passes of the last outer iteration that needed more than its first full pass: the next one
   * switches to the Gram matrix after its first full pass when that many naive passes would cost more.
   */
  private lastPasses = 0;
  /** The column kernels (WebAssembly SIMD where available, bit-identical TypeScript otherwise). */
  private readonly k: LogisticKernels;
  private readonly pair = new Float64Array(2);
  /**
   * The data loss at the current η, kept (with e^−|η_i| in the kernels' expNeg) from the last loss()
   * until η changes: the line search's evaluation of the accepted step then serves the path's objective
   * and the next outer iteration's weights (σ(η) from the same exponential), one exp per row per iteration.
   */
  private lossValid = false;
  private lossValue = 0;

  constructor(design: Design, fitIntercept: boolean, columns?: CdColumns) {
    const { m, p, y } = design;
    this.m = m;
    this.p = p;
    this.y = y;
    this.fitIntercept = fitIntercept;
    const cols = columns ?? prepareColumns(design, fitIntercept);
    this.k = logisticKernels(cols.xcol, y, m, p);
    // With WebAssembly the columns live in its memory: the views point there and the copy is dropped.
    this.cols = this.k.fast ? { ...cols, xcol: new Float64Array(0), views: this.k.views, kernels: null } : cols;
    this.w = new Float64Array(p);
    this.eta = this.k.eta;
    this.r = this.k.r;
    this.xv = new Float64Array(p);
    this.w0 = new Float64Array(p);
    this.dw = new Float64Array(p);
    this.eta0 = this.k.eta0;
    this.dEta = this.k.dEta;
    this.active = new Int32Array(p);
    this.isActive = new Uint8Array(p);
    this.screen = Uint8Array.from(this.cols.eligible);
    this.screenList = new Int32Array(p);
    this.refreshScreenList();
    this.gramCols = new Int32Array(p);
    this.gramPos = new Int32Array(p).fill(-1);
    this.wSync = new Float64Array(p);
    let ybar = 0;
    for (let i = 0; i < m; i++) ybar += y[i];
    ybar /= m;
    // glmnet's dev0: the null model's mean negative log-likelihood (log 2 without an intercept).
    const q0 = fitIntercept ? ybar : 0.5;
    const dev0 = q0 > 0 && q0 < 1 ? -(q0 * Math.log(q0) + (1 - q0) * Math.log(1 - q0)) : 0;
    this.scale = dev0 > 0 ? dev0 : 1;
    // Start from the null model (glmnet's): the intercept-only optimum, w = 0.
    if (fitIntercept && ybar > 0 && ybar < 1) this.b = Math.log(ybar / (1 - ybar));
    this.eta.fill(this.b);
  }

  private nullMax = Number.NaN;

  /**
   * max_j |x̃_jᵀ(y − ŷ₀)|/m over the eligible columns, ŷ₀ the null model's fit (ȳ, or ½ without an
   * intercept): the gradient at the starting point, each entry one sequential sum exactly as lambdaMax
   * computes it (path.ts), so that at λ_max (where λα ≥ this, exactly) the path keeps every coefficient
   * at exactly 0 instead of letting the solver's differently rounded gradient move one by 1e-16.
   */
  nullGradientMax(): number {
    if (!Number.isNaN(this.nullMax)) return this.nullMax;
    const { m, p, y } = this;
    const { views, eligible } = this.cols;
    let ybar = 0;
    for (let i = 0; i < m; i++) ybar += y[i];
    ybar /= m;
    const null0 = this.fitIntercept ? ybar : 0.5;
    let best = 0;
    for (let j = 0; j < p; j++) {
      if (!eligible[j]) continue;
      const col = views[j];
      let s = 0;
      for (let i = 0; i < m; i++) s += col[i] * (y[i] - null0);
      best = Math.max(best, Math.abs(s / m));
    }
    this.nullMax = best;
    return best;
  }

  setPenalty(lambda: number, alpha: number): void {
    this.lambda = lambda;
    this.alpha = alpha;
    this.l1 = lambda * alpha;
    this.l2 = lambda * (1 - alpha);
  }

  /**
   * Restricts the inner loop to the columns with keep[j] = 1 (ineligible columns are never visited).
   * A column with a nonzero coefficient must stay: the caller screens only columns at 0.
   */
  setScreen(keep: Uint8Array): void {
    for (let j = 0; j < this.p; j++) this.screen[j] = keep[j] && this.cols.eligible[j] ? 1 : 0;
    this.refreshScreenList();
  }

  /** The screened-in columns, in index order. */
  get screened(): number {
    return this.nScreen;
  }

  private refreshScreenList(): void {
    let n = 0;
    for (let j = 0; j < this.p; j++) if (this.screen[j]) this.screenList[n++] = j;
    this.nScreen = n;
  }

  /**
   * The KKT check of the screened-out columns at the current iterate: writes |∂L/∂w_j| = |x̃_jᵀ(y − p)|/m
   * into absGrad[j] for every eligible column outside the screen, and brings into the screen each one
   * whose zero coefficient is not optimal (|∂L/∂w_j| > λα; with w_j = 0 the ridge term adds nothing).
   * Returns how many it brought in. O(m·(eligible − screened)).
   */
  checkScreened(absGrad: Float64Array): number {
    const { p } = this;
    const { eligible } = this.cols;
    let outside = 0;
    for (let j = 0; j < p; j++) if (eligible[j] && !this.screen[j]) outside++;
    if (outside === 0) return 0;
    this.loss();
    // The working residual (y − p)/m; the weights it also writes are recomputed by the next outer step.
    this.k.irls(WEIGHT_FLOOR);
    let added = 0;
    for (let j = 0; j < p; j++) {
      if (!eligible[j] || this.screen[j]) continue;
      const g = Math.abs(this.k.dot(j));
      absGrad[j] = g;
      if (g > this.l1) {
        this.screen[j] = 1;
        added++;
      }
    }
    if (added > 0) this.refreshScreenList();
    return added;
  }

  /** J at the current iterate, from η (O(m + p)). */
  objective(): number {
    return this.loss() + this.penalty();
  }

  loss(): number {
    if (this.lossValid) return this.lossValue;
    // Σ softplus(η_i) − y_i·η_i, keeping e^−|η_i| (logisticKernels.ts lossLanes / lossTotal).
    this.lossValue = this.k.lossSum() / this.m;
    this.lossValid = true;
    return this.lossValue;
  }

  penalty(): number {
    if (this.lambda === 0) return 0;
    let l1 = 0;
    let l2 = 0;
    for (let j = 0; j < this.p; j++) {
      l1 += Math.abs(this.w[j]);
      l2 += this.w[j] * this.w[j];
    }
    return this.lambda * (this.alpha * l1 + ((1 - this.alpha) / 2) * l2);
  }

  /**
   * Gradient of the data loss in the original parametrization (b, w), b = b̃ − μᵀw: writes ∂/∂w into
   * `gradW` and returns ∂/∂b.
   */
  gradient(gradW: Float64Array): number {
    const { eta, y, m, p } = this;
    const { views, means } = this.cols;
    const res = this.r;
    let gb = 0;
    for (let i = 0; i < m; i++) {
      res[i] = (sigmoid(eta[i]) - y[i]) / m;
      gb += res[i];
    }
    for (let j = 0; j < p; j++) {
      let s = 0;
      const col = views[j];
      for (let i = 0; i < m; i++) s += col[i] * res[i];
      gradW[j] = s + means[j] * gb;
    }
    return gb;
  }

  /** The intercept of the uncentered problem. */
  intercept(): number {
    let b = this.b;
    for (let j = 0; j < this.p; j++) b -= this.cols.means[j] * this.w[j];
    return b;
  }

  /** One proximal-Newton iteration: IRLS model, CD on it, backtracking on the true objective. */
  outerStep(tol: number, currentObjective: number): LogisticOuterOutcome {
    const { p, y, eta, xv, w, w0, dw, eta0, dEta, k } = this;
    const threshold = tol * this.scale;
    this.loss();
    const sumV = k.irls(WEIGHT_FLOOR);
    w0.set(w);
    eta0.set(eta);
    const b0 = this.b;
    this.clearGram();
    /** Naive column reads so far (a dot or an update each), against the Gram matrix's cost. */
    let reads = 0;

    // Inner CD on the quadratic model; r is the weighted working residual v_i(z_i − η̂_i)/m.
    let passes = 0;
    let full = true;
    let first = true;
    let gramMode = false;
    let gramPasses = 0;
    let faceWait = FACE_NEWTON_PASSES;
    const curvature = this.pair;
    while (passes < this.innerMaxPasses) {
      passes++;
      let dlx = 0;
      if (gramMode) {
        // Ill-conditioned models (nearly separable data) make CD crawl: every so often, try the exact
        // minimizer on the current face instead (faceNewton); a failed try doubles the wait for the next.
        if (!full && ++gramPasses >= faceWait) {
          gramPasses = 0;
          if (!this.faceNewton(sumV)) faceWait *= 2;
        }
        dlx = this.gramPass(sumV);
        if (full) dlx = Math.max(dlx, this.scanOutsideGram());
      } else {
        if (this.fitIntercept) {
          const d = k.sumR() / sumV;
          if (d !== 0) {
            this.b += d;
            k.subtractIntercept(d);
            dlx = sumV * d * d;
          }
        }
        const count = full ? this.nScreen : this.nActive;
        const list = full ? this.screenList : this.active;
        // A moving coordinate's update also computes the next coordinate's dot (one sweep of r for both).
        let ahead = 0;
        let aheadCurvature = 0;
        let hasAhead = false;
        for (let t = 0; t < count; t++) {
          const j = list[t];
          let g: number;
          if (hasAhead) {
            g = ahead;
            if (first) xv[j] = aheadCurvature;
            hasAhead = false;
          } else if (first) {
            // The first full pass reads every screened column anyway: its curvature comes in the same read.
            g = k.dotAndCurvature(j, curvature);
            xv[j] = curvature[0];
            reads++;
          } else {
            g = k.dot(j);
            reads++;
          }
          const vj = xv[j];
          const wj = w[j];
          const next = softThreshold(g + vj * wj, this.l1) / (vj + this.l2);
          if (next === wj) continue;
          if (!this.isActive[j]) {
            this.isActive[j] = 1;
            this.active[this.nActive++] = j;
          }
          const delta = next - wj;
          w[j] = next;
          if (t + 1 < count) {
            if (first) {
              ahead = k.subtractWeightedThenDotAndCurvature(j, delta, list[t + 1], curvature);
              aheadCurvature = curvature[0];
            } else {
              ahead = k.subtractWeightedThenDot(j, delta, list[t + 1]);
            }
            hasAhead = true;
          } else {
            k.subtractWeighted(j, delta);
          }
          reads += 2;
          const d = vj * delta * delta;
          if (d > dlx) dlx = d;
        }
        first = false;
      }
      if (full) {
        if (dlx <= threshold) break;
        full = false;
      } else if (dlx <= threshold) {
        full = true;
      }
      // Every column that could join must fit, so the Gram mode is for screens up to GRAM_MAX_COLUMNS.
      if (!gramMode && !full && this.nScreen <= GRAM_MAX_COLUMNS && this.gramPolicy !== 'never') {
        const n = this.nActive;
        // Naive passes so far, or those the last comparable outer iteration needed, against the build.
        const cost = GRAM_COST * n * (n + 1);
        if (this.gramPolicy === 'always' || reads >= cost || 2 * n * this.lastPasses >= cost) {
          this.buildGram();
          gramMode = true;
        }
      }
    }
    // Whether this outer iteration needed the Gram matrix predicts the next one's needs; one that settled
    // in its first full pass (a confirming iteration) never had the chance, and says nothing.
    if (passes > 1) this.lastPasses = passes;

    // The direction in η: Δη = Δb + X̃Δw (over the columns that moved).
    const db = this.b - b0;
    dEta.fill(db);
    let maxChange = sumV * db * db;
    for (let j = 0; j < p; j++) {
      const delta = w[j] - w0[j];
      dw[j] = delta;
      if (delta === 0) continue;
      k.addScaled(j, delta);
      const d = xv[j] * delta * delta;
      if (d > maxChange) maxChange = d;
    }
    k.etaStep(1);
    this.lossValid = false;

    let step = 1;
    let objective = this.objective();
    const slack = 4 * Number.EPSILON * Math.abs(currentObjective);
    let halvings = 0;
    while (!(objective <= currentObjective + slack) && halvings < MAX_HALVINGS) {
      step *= 0.5;
      halvings++;
      this.b = b0 + step * db;
      for (let j = 0; j < p; j++) if (dw[j] !== 0) w[j] = w0[j] + step * dw[j];
      k.etaStep(step);
      this.lossValid = false;
      objective = this.objective();
    }
    if (!(objective <= currentObjective + slack)) {
      // No decrease along the direction at any resolvable step: we are at the optimum up to rounding.
      this.b = b0;
      w.set(w0);
      eta.set(eta0);
      this.lossValid = false;
      return { converged: true, passes, step: 0, separable: false };
    }
    let separable = false;
    if (this.lambda === 0) separable = certifiesSeparation(eta, y) || certifiesSeparation(dEta, y);
    return { converged: step * step * maxChange <= threshold, passes, step, separable };
  }

  // ---- Gram mode -----------------------------------------------------------------------------------

  private clearGram(): void {
    for (let a = 0; a < this.nGram; a++) this.gramPos[this.gramCols[a]] = -1;
    this.nGram = 0;
  }

  /**
   * Enters Gram mode over the active set: the weighted Gram matrix, the intercept couplings and the
   * model gradient x̃_jᵀr of each active column, from the current working residual.
   */
  private buildGram(): void {
    this.reserveGram(this.nActive);
    this.gramSumR = this.k.sumR();
    for (let t = 0; t < this.nActive; t++) this.addGramColumn(this.active[t]);
    this.wSync.set(this.w);
    this.bSync = this.b;
  }

  private reserveGram(n: number): void {
    if (n <= this.gramCap) return;
    let cap = Math.max(16, this.gramCap);
    while (cap < n) cap *= 2;
    cap = Math.min(cap, this.p);
    const old = this.gram;
    const oldCap = this.gramCap;
    this.gram = new Float64Array(cap * cap);
    for (let a = 0; a < this.nGram; a++) this.gram.set(old.subarray(a * oldCap, a * oldCap + this.nGram), a * cap);
    const cv = new Float64Array(cap);
    cv.set(this.gramCv.subarray(0, this.nGram));
    this.gramCv = cv;
    const grad = new Float64Array(cap);
    grad.set(this.gramGrad.subarray(0, this.nGram));
    this.gramGrad = grad;
    this.gramCap = cap;
  }

  /** Appends column j: its Gram row and column (O(m·nGram)), coupling, and x̃_jᵀr from the current r. */
  private addGramColumn(j: number): void {
    const { k } = this;
    this.reserveGram(this.nGram + 1);
    const cap = this.gramCap;
    const gram = this.gram;
    const a = this.nGram;
    this.gramCv[a] = k.weightColumn(j);
    this.gramGrad[a] = k.dot(j);
    let b = 0;
    for (; b + 2 <= a + 1; b += 2) {
      k.dot2(this.gramCols[b], b + 1 === a ? j : this.gramCols[b + 1], this.pair);
      gram[a * cap + b] = gram[b * cap + a] = this.pair[0];
      gram[a * cap + b + 1] = gram[(b + 1) * cap + a] = this.pair[1];
    }
    if (b === a) gram[a * cap + a] = k.dotU(j);
    this.gramCols[a] = j;
    this.gramPos[j] = a;
    this.nGram = a + 1;
  }

  /** One pass over the intercept and the Gram columns by covariance updates (O(nGram²)); returns the pass's max change. */
  /**
   * The exact minimizer of the quadratic model over the Gram columns, on the face of the current signs:
   * with σ_F the signs of the nonzero coefficients F, (Δb, Δw_F) solves
   *   [Σv  c_Fᵀ; c_F  H_FF + λ(1−α)I] [Δb; Δw_F] = [Σr; g_F − λα·σ_F − λ(1−α)·w_F]
   * (c the intercept couplings, g the gradients x̃ᵀr; without an intercept its row and column go). It is
   * the model's minimizer, and is taken, only if no coefficient of F changes sign and every zero Gram
   * coefficient stays optimal at 0 (|g_j after the move| ≤ λα); otherwise nothing changes and CD goes on.
   * O(|F|³/6) for the Cholesky factor against O(|G|²) per CD pass, so a success saves up to thousands of
   * passes on nearly separable data, and a failure costs a few.
   */
  private faceNewton(sumV: number): boolean {
    const { w, gram, gramGrad, gramCv, gramCols } = this;
    const n = this.nGram;
    const cap = this.gramCap;
    const face: number[] = [];
    for (let a = 0; a < n; a++) if (w[gramCols[a]] !== 0) face.push(a);
    const off = this.fitIntercept ? 1 : 0;
    const size = face.length + off;
    if (size === 0) return false;
    // The system, row-major, and its right-hand side.
    const A = new Float64Array(size * size);
    const rhs = new Float64Array(size);
    if (off) {
      A[0] = sumV;
      rhs[0] = this.gramSumR;
    }
    for (let s = 0; s < face.length; s++) {
      const a = face[s];
      const j = gramCols[a];
      const row = (s + off) * size;
      if (off) A[row] = A[s + off] = gramCv[a];
      for (let t = 0; t < face.length; t++) A[row + t + off] = gram[a * cap + face[t]];
      A[row + s + off] += this.l2;
      rhs[s + off] = gramGrad[a] - (w[j] > 0 ? this.l1 : -this.l1) - this.l2 * w[j];
    }
    // Not positive definite (dependent face columns): no exact step from here.
    if (choleskySolveInPlace(A, rhs, size) >= 0) return false;
    for (let s = 0; s < face.length; s++) {
      const wj = w[gramCols[face[s]]];
      const next = wj + rhs[s + off];
      if (next > 0 !== wj > 0 || next === 0) return false;
    }
    // The gradients after the move; every zero Gram coefficient must stay optimal at 0.
    const db = off ? rhs[0] : 0;
    const next = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      let g = gramGrad[a] - gramCv[a] * db;
      for (let s = 0; s < face.length; s++) g -= gram[a * cap + face[s]] * rhs[s + off];
      next[a] = g;
      if (w[gramCols[a]] === 0 && Math.abs(g) > this.l1) return false;
    }
    gramGrad.set(next.subarray(0, n));
    let sumR = this.gramSumR - sumV * db;
    for (let s = 0; s < face.length; s++) {
      const a = face[s];
      w[gramCols[a]] += rhs[s + off];
      sumR -= gramCv[a] * rhs[s + off];
    }
    this.gramSumR = sumR;
    this.b += db;
    return true;
  }

  private gramPass(sumV: number): number {
    const { w, xv, gram, gramGrad, gramCv, gramCols } = this;
    const n = this.nGram;
    const cap = this.gramCap;
    let dlx = 0;
    if (this.fitIntercept) {
      const d = this.gramSumR / sumV;
      if (d !== 0) {
        this.b += d;
        for (let a = 0; a < n; a++) gramGrad[a] -= gramCv[a] * d;
        this.gramSumR -= sumV * d;
        dlx = sumV * d * d;
      }
    }
    for (let a = 0; a < n; a++) {
      const j = gramCols[a];
      const vj = xv[j];
      const wj = w[j];
      const next = softThreshold(gramGrad[a] + vj * wj, this.l1) / (vj + this.l2);
      if (next === wj) continue;
      const delta = next - wj;
      w[j] = next;
      const row = a * cap;
      for (let c = 0; c < n; c++) gramGrad[c] -= gram[row + c] * delta;
      this.gramSumR -= gramCv[a] * delta;
      const d = vj * delta * delta;
      if (d > dlx) dlx = d;
    }
    return dlx;
  }

  /**
   * The rest of a full pass in Gram mode: brings r up to date with the Gram columns' moves, then visits
   * the screened columns outside the Gram matrix naively; one that moves joins it.
   */
  private scanOutsideGram(): number {
    const { w, xv, wSync, k } = this;
    const db = this.b - this.bSync;
    if (db !== 0) k.subtractIntercept(db);
    this.bSync = this.b;
    for (let a = 0; a < this.nGram; a++) {
      const j = this.gramCols[a];
      const delta = w[j] - wSync[j];
      if (delta === 0) continue;
      k.subtractWeighted(j, delta);
      wSync[j] = w[j];
    }
    let dlx = 0;
    for (let t = 0; t < this.nScreen; t++) {
      const j = this.screenList[t];
      if (this.gramPos[j] >= 0) continue;
      const g = k.dot(j);
      const vj = xv[j];
      const wj = w[j];
      const next = softThreshold(g + vj * wj, this.l1) / (vj + this.l2);
      if (next === wj) continue;
      const delta = next - wj;
      if (!this.isActive[j]) {
        this.isActive[j] = 1;
        this.active[this.nActive++] = j;
      }
      // It joins the Gram matrix (its row from r before the move); the gradients see the move by its row.
      this.addGramColumn(j);
      const a = this.gramPos[j];
      const row = a * this.gramCap;
      for (let c = 0; c < this.nGram; c++) this.gramGrad[c] -= this.gram[row + c] * delta;
      this.gramSumR -= this.gramCv[a] * delta;
      w[j] = next;
      k.subtractWeighted(j, delta);
      wSync[j] = next;
      const d = vj * delta * delta;
      if (d > dlx) dlx = d;
    }
    return dlx;
  }
}
