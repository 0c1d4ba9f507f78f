/**
 * FISTA (Beck & Teboulle 2009) for the linear and logistic models: proximal gradient on
 * f(b, w) = data loss + λ(1−α)/2·‖w‖² with the prox of λα‖w‖₁ (soft-thresholding, hence exact zeros),
 * plus Nesterov momentum.
 * - Step 1/L by backtracking: L starts from a secant estimate of the curvature along −∇f (cheap, and
 *   never far above the true constant) and doubles until f(z) ≤ f(y) + ∇f(y)ᵀ(z−y) + L/2‖z−y‖²,
 *   the condition the O(1/k²) rate needs; L never decreases.
 * - Function-value restart (O'Donoghue & Candès 2015): when a step would raise J, momentum is reset and
 *   the step is redone from the last iterate. This keeps the objective monotone and recovers linear
 *   convergence on strongly convex problems, which is what reaching optimizer precision needs.
 * - With an intercept, it runs on centered columns (b̃ = b + μᵀw, an exact change of variables that
 *   leaves the penalty alone, as glmnet does): large column means otherwise couple b and w and make
 *   the problem badly conditioned (e.g. diabetes on its original scale). gradNorm is measured in
 *   the centered parametrization.
 * One step = one accepted (or restarted) iteration; the log records the iterate x_k (not the
 * extrapolated point). Stops when the KKT residual norm (incl. the intercept's gradient) ≤ tol.
 */
import { kktNorm, softThreshold } from './kkt.ts';
import { certifiesSeparation, separationReason } from './logistic/logLoss.ts';
import { MetricLog } from './metricLog.ts';
import { dataLossAndGradient, type GlmKind } from './objective.ts';
import { iterativeSession, recordStep, type StepOutcome } from './session.ts';
import type { Design, FitHooks, FitOptions, FitResult, FitSession } from './types.ts';

export const FISTA_DEFAULTS = { maxIter: 20000, tol: 1e-10 } as const;

export function startFista(original: Design, options: FitOptions, model: GlmKind, hooks: FitHooks): FitSession {
  const { m, p } = original;
  const { lambda, alpha, fitIntercept } = options;
  const means = new Float64Array(p);
  let design = original;
  if (fitIntercept && p > 0) {
    for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) means[j] += original.x[i * p + j];
    for (let j = 0; j < p; j++) means[j] /= m;
    const xc = new Float64Array(m * p);
    for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) xc[i * p + j] = original.x[i * p + j] - means[j];
    design = { ...original, x: xc };
  }
  const interceptOf = (b: number, w: Float64Array): number => {
    let out = b;
    for (let j = 0; j < p; j++) out -= means[j] * w[j];
    return out;
  };
  const maxIter = options.maxIter ?? FISTA_DEFAULTS.maxIter;
  const tol = options.tol ?? FISTA_DEFAULTS.tol;
  const l2 = lambda * (1 - alpha);
  const l1 = lambda * alpha;
  const checkSeparation = model === 'logistic' && lambda === 0;

  // Iterate x = (xb, xw), previous iterate, extrapolated point y, candidate z.
  let xb = 0;
  const xw = new Float64Array(p);
  let prevB = 0;
  const prevW = new Float64Array(p);
  let yb = 0;
  const yw = new Float64Array(p);
  let zb = 0;
  const zw = new Float64Array(p);
  const gy = new Float64Array(p);
  const gz = new Float64Array(p);
  const gx = new Float64Array(p);
  let gxb = 0;
  const out = new Float64Array(2);
  const eta = checkSeparation ? new Float64Array(m) : undefined;
  const prevEta = checkSeparation ? new Float64Array(m) : undefined;
  const dEta = checkSeparation ? new Float64Array(m) : undefined;
  const log = new MetricLog(Math.min(maxIter + 1, 4096));

  /** f at (b, w): data loss + ridge part; gradient of the data loss alone into g, ∂/∂b returned via out[1]. */
  const smooth = (b: number, w: Float64Array, g: Float64Array): number => {
    dataLossAndGradient(design, model, b, w, g, out, eta);
    let sq = 0;
    for (let j = 0; j < p; j++) sq += w[j] * w[j];
    return out[0] + 0.5 * l2 * sq;
  };
  const l1Part = (w: Float64Array): number => {
    if (l1 === 0) return 0;
    let s = 0;
    for (let j = 0; j < p; j++) s += Math.abs(w[j]);
    return l1 * s;
  };

  let fx = smooth(xb, xw, gx);
  gxb = out[1];
  let loss = out[0];
  if (eta && prevEta) prevEta.set(eta);
  let objective = fx + l1Part(xw);

  // Secant curvature along −∇f at the start: a lower-ish estimate of L that backtracking corrects.
  let L = 1;
  {
    let gsq = fitIntercept ? gxb * gxb : 0;
    for (let j = 0; j < p; j++) {
      const g = gx[j] + l2 * xw[j];
      gsq += g * g;
    }
    const gnorm = Math.sqrt(gsq);
    if (gnorm > 0 && Number.isFinite(gnorm)) {
      const h = 1e-3 / gnorm;
      for (let j = 0; j < p; j++) zw[j] = xw[j] - h * (gx[j] + l2 * xw[j]);
      zb = fitIntercept ? xb - h * gxb : xb;
      smooth(zb, zw, gz);
      let dsq = fitIntercept ? (out[1] - gxb) ** 2 : 0;
      for (let j = 0; j < p; j++) dsq += (gz[j] + l2 * zw[j] - gx[j] - l2 * xw[j]) ** 2;
      const estimate = Math.sqrt(dsq) / (h * gnorm);
      if (estimate > 0 && Number.isFinite(estimate)) L = estimate;
    }
  }

  let t = 1;
  yb = xb;
  yw.set(xw);
  let fy = fx;
  let gyb = gxb;
  gy.set(gx);
  let yIsX = true;

  const record = (): number =>
    recordStep(log, hooks, xw, {
      dataLoss: loss,
      penalty: objective - loss,
      gradNorm: kktNorm(gx, gxb, xw, lambda, alpha, fitIntercept),
      learningRate: 1 / L,
    });
  const first = record();
  const stopNow = (gradNorm: number): boolean => tol > 0 && gradNorm <= tol;

  const step = (iteration: number): StepOutcome => {
    if (!yIsX) {
      fy = smooth(yb, yw, gy);
      gyb = out[1];
    }
    // Backtracking on L.
    let fz = 0;
    let zLoss = 0;
    let gzb = 0;
    for (let tries = 0; ; tries++) {
      const inv = 1 / L;
      for (let j = 0; j < p; j++) zw[j] = softThreshold(yw[j] - inv * (gy[j] + l2 * yw[j]), l1 * inv);
      zb = fitIntercept ? yb - inv * gyb : yb;
      fz = smooth(zb, zw, gz);
      zLoss = out[0];
      gzb = out[1];
      let lin = fitIntercept ? gyb * (zb - yb) : 0;
      let sq = fitIntercept ? (zb - yb) ** 2 : 0;
      for (let j = 0; j < p; j++) {
        const d = zw[j] - yw[j];
        lin += (gy[j] + l2 * yw[j]) * d;
        sq += d * d;
      }
      const bound = fy + lin + 0.5 * L * sq;
      // Relative slack: at convergence both sides agree to rounding.
      if (fz <= bound + 1e-14 * Math.abs(fy) || !Number.isFinite(fz) || tries >= 200) break;
      L *= 2;
    }
    const fObjective = fz + l1Part(zw);
    if (!Number.isFinite(fObjective)) {
      return { done: true, status: 'diverged', statusReason: `the objective became ${fObjective} at iteration ${iteration}` };
    }
    if (fObjective > objective && !yIsX) {
      // Restart: drop the momentum and redo the step from x next time.
      t = 1;
      yb = xb;
      yw.set(xw);
      fy = fx;
      gyb = gxb;
      gy.set(gx);
      yIsX = true;
      record();
      return iteration >= maxIter ? { done: true, statusReason: `stopped after ${maxIter} iterations without reaching tol = ${tol}` } : { done: false };
    }
    // Accept z.
    prevB = xb;
    prevW.set(xw);
    xb = zb;
    xw.set(zw);
    gx.set(gz);
    gxb = gzb;
    fx = fz;
    loss = zLoss;
    const improved = fObjective < objective;
    objective = fObjective;
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / tNext;
    t = tNext;
    yb = xb + beta * (xb - prevB);
    for (let j = 0; j < p; j++) yw[j] = xw[j] + beta * (xw[j] - prevW[j]);
    yIsX = beta === 0;
    if (yIsX) {
      fy = fx;
      gyb = gxb;
      gy.set(gx);
    }
    record();
    const gradNorm = log.last('gradNorm');
    if (eta && prevEta && dEta) {
      for (let i = 0; i < m; i++) dEta[i] = eta[i] - prevEta[i];
      if (certifiesSeparation(eta, design.y) || (improved && certifiesSeparation(dEta, design.y))) {
        return { done: true, status: 'diverged', statusReason: separationReason(iteration) };
      }
      prevEta.set(eta);
    }
    if (stopNow(gradNorm)) return { done: true, converged: true };
    if (tol > 0 && !improved && yIsX) {
      // A plain proximal-gradient step from x with a valid L that does not lower J: x is optimal to rounding.
      return { done: true, converged: true, statusReason: 'no further decrease at rounding level' };
    }
    if (iteration >= maxIter) return { done: true, statusReason: `stopped after ${maxIter} iterations without reaching tol = ${tol}` };
    return { done: false };
  };

  const firstGrad = log.last('gradNorm');
  return iterativeSession({
    log,
    first: !Number.isFinite(first)
      ? { done: true, status: 'diverged', statusReason: `the objective is ${first} at the start` }
      : stopNow(firstGrad)
        ? { done: true, converged: true }
        : { done: false },
    step,
    result: (end): FitResult => ({
      model,
      solver: 'fista',
      status: end.status,
      statusReason: end.statusReason,
      intercept: interceptOf(xb, xw),
      coef: Float64Array.from(xw),
      layers: null,
      objective,
      iterations: end.iterations,
      converged: end.converged,
      maxStableStep: null,
    }),
  });
}
