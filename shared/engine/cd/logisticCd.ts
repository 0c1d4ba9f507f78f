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
 * Stopping rule: an outer iteration whose accepted step has max(Σv·Δb², max_j xv_j·Δw_j²) ≤ tol·D0,
 * xv_j = (1/m)Σ v_i x̃_ij², D0 = ȳ(1−ȳ) (the labels' variance; 1 if 0) — the binomial analogue of the
 * gaussian rule; inner passes use the same threshold.
 */
import { softThreshold } from '../kkt.ts';
import { certifiesSeparation, sigmoid, softplus } from '../logistic/logLoss.ts';
import type { Design } from '../types.ts';
import { prepareColumns, type CdColumns } from './columns.ts';

const WEIGHT_FLOOR = 1e-5;
const MAX_HALVINGS = 60;

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
  private readonly m: number;
  private readonly p: number;
  private readonly y: Float64Array;
  private readonly fitIntercept: boolean;
  private readonly vm: Float64Array;
  private readonly r: Float64Array;
  private readonly xv: Float64Array;
  private readonly w0: Float64Array;
  private readonly dw: Float64Array;
  private readonly eta0: Float64Array;
  private readonly dEta: Float64Array;
  private readonly active: Int32Array;
  private readonly isActive: Uint8Array;
  private nActive = 0;
  private lambda = 0;
  private alpha = 0;
  private l1 = 0;
  private l2 = 0;
  /** Inner passes allowed per outer iteration. */
  innerMaxPasses = 10000;

  constructor(design: Design, fitIntercept: boolean) {
    const { m, p, y } = design;
    this.m = m;
    this.p = p;
    this.y = y;
    this.fitIntercept = fitIntercept;
    this.cols = prepareColumns(design, fitIntercept);
    this.w = new Float64Array(p);
    this.eta = new Float64Array(m);
    this.vm = new Float64Array(m);
    this.r = new Float64Array(m);
    this.xv = new Float64Array(p);
    this.w0 = new Float64Array(p);
    this.dw = new Float64Array(p);
    this.eta0 = new Float64Array(m);
    this.dEta = new Float64Array(m);
    this.active = new Int32Array(p);
    this.isActive = new Uint8Array(p);
    let ybar = 0;
    for (let i = 0; i < m; i++) ybar += y[i];
    ybar /= m;
    const variance = ybar * (1 - ybar);
    this.scale = variance > 0 ? variance : 1;
    // Start from the null model (glmnet's): the intercept-only optimum, w = 0.
    if (fitIntercept && ybar > 0 && ybar < 1) this.b = Math.log(ybar / (1 - ybar));
    this.eta.fill(this.b);
  }

  setPenalty(lambda: number, alpha: number): void {
    this.lambda = lambda;
    this.alpha = alpha;
    this.l1 = lambda * alpha;
    this.l2 = lambda * (1 - alpha);
  }

  /** J at the current iterate, from η (O(m + p)). */
  objective(): number {
    return this.loss() + this.penalty();
  }

  loss(): number {
    const { eta, y, m } = this;
    let s = 0;
    for (let i = 0; i < m; i++) s += softplus(eta[i]) - y[i] * eta[i];
    return s / m;
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
    const { xcol, means } = this.cols;
    const res = this.r;
    let gb = 0;
    for (let i = 0; i < m; i++) {
      res[i] = (sigmoid(eta[i]) - y[i]) / m;
      gb += res[i];
    }
    for (let j = 0; j < p; j++) {
      let dot = 0;
      const base = j * m;
      for (let i = 0; i < m; i++) dot += xcol[base + i] * res[i];
      gradW[j] = dot + means[j] * gb;
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
    const { m, p, y, eta, vm, r, xv, w, w0, dw, eta0, dEta } = this;
    const { xcol, eligible } = this.cols;
    const threshold = tol * this.scale;
    let sumV = 0;
    for (let i = 0; i < m; i++) {
      const prob = sigmoid(eta[i]);
      const v = Math.max(prob * (1 - prob), WEIGHT_FLOOR) / m;
      vm[i] = v;
      sumV += v;
      r[i] = (y[i] - prob) / m;
    }
    for (let j = 0; j < p; j++) {
      if (!eligible[j]) continue;
      let s = 0;
      const base = j * m;
      for (let i = 0; i < m; i++) s += vm[i] * xcol[base + i] * xcol[base + i];
      xv[j] = s;
    }
    w0.set(w);
    eta0.set(eta);
    const b0 = this.b;

    // Inner CD on the quadratic model; r is the weighted working residual v_i(z_i − η̂_i)/m.
    let passes = 0;
    let full = true;
    while (passes < this.innerMaxPasses) {
      passes++;
      let dlx = 0;
      if (this.fitIntercept) {
        let s = 0;
        for (let i = 0; i < m; i++) s += r[i];
        const d = s / sumV;
        if (d !== 0) {
          this.b += d;
          for (let i = 0; i < m; i++) r[i] -= vm[i] * d;
          dlx = sumV * d * d;
        }
      }
      const count = full ? p : this.nActive;
      for (let t = 0; t < count; t++) {
        const j = full ? t : this.active[t];
        if (!eligible[j]) continue;
        const base = j * m;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += xcol[base + i] * r[i];
        const vj = xv[j];
        const wj = w[j];
        const next = softThreshold(dot + vj * wj, this.l1) / (vj + this.l2);
        if (next === wj) continue;
        if (!this.isActive[j]) {
          this.isActive[j] = 1;
          this.active[this.nActive++] = j;
        }
        const delta = next - wj;
        w[j] = next;
        for (let i = 0; i < m; i++) r[i] -= vm[i] * xcol[base + i] * delta;
        const d = vj * delta * delta;
        if (d > dlx) dlx = d;
      }
      if (full) {
        if (dlx <= threshold) break;
        full = false;
      } else if (dlx <= threshold) {
        full = true;
      }
    }

    // The direction in η: Δη = Δb + X̃Δw (over the columns that moved).
    const db = this.b - b0;
    dEta.fill(db);
    let maxChange = sumV * db * db;
    for (let j = 0; j < p; j++) {
      const delta = w[j] - w0[j];
      dw[j] = delta;
      if (delta === 0) continue;
      const base = j * m;
      for (let i = 0; i < m; i++) dEta[i] += xcol[base + i] * delta;
      const d = xv[j] * delta * delta;
      if (d > maxChange) maxChange = d;
    }
    for (let i = 0; i < m; i++) eta[i] = eta0[i] + dEta[i];

    let step = 1;
    let objective = this.objective();
    const slack = 4 * Number.EPSILON * Math.abs(currentObjective);
    let halvings = 0;
    while (!(objective <= currentObjective + slack) && halvings < MAX_HALVINGS) {
      step *= 0.5;
      halvings++;
      this.b = b0 + step * db;
      for (let j = 0; j < p; j++) if (dw[j] !== 0) w[j] = w0[j] + step * dw[j];
      for (let i = 0; i < m; i++) eta[i] = eta0[i] + step * dEta[i];
      objective = this.objective();
    }
    if (!(objective <= currentObjective + slack)) {
      // No decrease along the direction at any resolvable step: we are at the optimum up to rounding.
      this.b = b0;
      w.set(w0);
      eta.set(eta0);
      return { converged: true, passes, step: 0, separable: false };
    }
    let separable = false;
    if (this.lambda === 0) separable = certifiesSeparation(eta, y) || certifiesSeparation(dEta, y);
    return { converged: step * step * maxChange <= threshold, passes, step, separable };
  }
}
