/**
 * "fista" for the MLP: accelerated proximal gradient on the non-convex objective, in the monotone form
 * that keeps the convergence guarantee of plain proximal gradient (Beck & Teboulle 2009's momentum with
 * O'Donoghue & Candès' function-value restart, as in ../fista.ts):
 * - smooth part f(θ) = data loss + λ(1−α)/2·‖w‖², non-smooth part λα‖w‖₁ handled by its proximal map
 *   (soft-thresholding of the weights after each gradient step: exact zeros; biases are never thresholded);
 * - step 1/L by backtracking until f(z) ≤ f(y) + ∇f(y)ᵀ(z−y) + L/2‖z−y‖². A network's curvature changes
 *   as it trains, so unlike the convex solver L may also shrink: each iteration first tries 0.9·L. The
 *   first L is 1/learningRate when a learning rate is given, else a secant estimate along −∇f;
 * - Nesterov extrapolation y = x + β(x − x_prev); whenever a step from y would raise J, the momentum is
 *   dropped and the step redone from x, so J never increases.
 * One step = one accepted (or restarted) iteration, one to a few full-data gradient evaluations. Stops after
 * `maxIter` iterations, when the stationarity norm ≤ tol, or when a plain proximal step from x no longer
 * lowers J (a stationary point to rounding).
 */
import { softThreshold } from '../kkt.ts';
import { MetricLog } from '../metricLog.ts';
import { iterativeSession, recordStep, type SessionEnd, type StepOutcome } from '../session.ts';
import type { FitHooks, FitOptions, FitResult, FitSession } from '../types.ts';
import { penaltyOf, stationarityNorm } from '../stochastic/evaluation.ts';
import { fullLossAndGradient, identityOrder, type DifferentiableModel } from '../stochastic/model.ts';
import { penaltyWeights } from '../stochastic/stochasticSession.ts';

export const MLP_FISTA_DEFAULTS = { maxIter: 2000, tol: 1e-6 } as const;

/** How much L is allowed to shrink before each iteration's backtracking. */
const SHRINK = 0.9;

export function startMlpProximalGradient(
  model: DifferentiableModel,
  theta: Float64Array,
  options: FitOptions,
  hooks: FitHooks,
  result: (theta: Float64Array, objective: number, end: SessionEnd) => FitResult,
): FitSession {
  const maxIter = options.maxIter ?? MLP_FISTA_DEFAULTS.maxIter;
  const tol = options.tol ?? MLP_FISTA_DEFAULTS.tol;
  const penalty = penaltyWeights(options);
  const { l1, l2 } = penalty;
  const n = model.penalizedCount;
  const size = model.size;
  const order = identityOrder(model.rows);
  const log = new MetricLog(Math.min(maxIter + 1, 4096));

  // x = theta (the iterate), its predecessor, the extrapolated point y, the candidate z.
  const x = theta;
  const prev = new Float64Array(size);
  const y = new Float64Array(size);
  const z = new Float64Array(size);
  const gx = new Float64Array(size);
  const gy = new Float64Array(size);
  const gz = new Float64Array(size);

  let lossValue = 0;
  /** f = data loss + ridge part; the data-loss gradient into g (the ridge part is added where used). */
  const smooth = (point: Float64Array, g: Float64Array): number => {
    lossValue = fullLossAndGradient(model, point, order, g);
    let sq = 0;
    for (let j = 0; j < n; j++) sq += point[j] * point[j];
    return lossValue + 0.5 * l2 * sq;
  };
  const l1Part = (point: Float64Array): number => {
    if (l1 === 0) return 0;
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(point[j]);
    return l1 * s;
  };
  const fullGrad = (j: number, point: Float64Array, g: Float64Array): number => (j < n ? g[j] + l2 * point[j] : g[j]);

  let fx = smooth(x, gx);
  let loss = lossValue;
  let objective = fx + l1Part(x);

  let L = 1;
  if (options.learningRate !== undefined) {
    L = 1 / options.learningRate;
  } else {
    // Secant curvature along −∇f over a tiny step: a local estimate that backtracking then corrects.
    let gsq = 0;
    for (let j = 0; j < size; j++) gsq += fullGrad(j, x, gx) ** 2;
    const gnorm = Math.sqrt(gsq);
    if (gnorm > 0 && Number.isFinite(gnorm)) {
      const h = 1e-3 / gnorm;
      for (let j = 0; j < size; j++) z[j] = x[j] - h * fullGrad(j, x, gx);
      smooth(z, gz);
      let dsq = 0;
      for (let j = 0; j < size; j++) dsq += (fullGrad(j, z, gz) - fullGrad(j, x, gx)) ** 2;
      const estimate = Math.sqrt(dsq) / (h * gnorm);
      if (estimate > 0 && Number.isFinite(estimate)) L = estimate;
    }
  }

  let t = 1;
  y.set(x);
  let fy = fx;
  gy.set(gx);
  let yIsX = true;

  const record = (): number =>
    recordStep(log, hooks, x.subarray(0, n), {
      dataLoss: loss,
      penalty: penaltyOf(x, n, penalty),
      gradNorm: stationarityNorm(x, gx, n, penalty),
      learningRate: 1 / L,
    });
  const first = record();
  const stationary = (): boolean => tol > 0 && log.last('gradNorm') <= tol;

  const step = (iteration: number): StepOutcome => {
    if (!yIsX) fy = smooth(y, gy);
    L *= SHRINK;
    let fz = 0;
    let zLoss = 0;
    for (let tries = 0; ; tries++) {
      const inv = 1 / L;
      let lin = 0;
      let sq = 0;
      for (let j = 0; j < size; j++) {
        const g = fullGrad(j, y, gy);
        let v = y[j] - inv * g;
        if (j < n && l1 > 0) v = softThreshold(v, l1 * inv);
        z[j] = v;
        const d = v - y[j];
        lin += g * d;
        sq += d * d;
      }
      fz = smooth(z, gz);
      zLoss = lossValue;
      // Relative slack: near a stationary point both sides agree to rounding.
      if (fz <= fy + lin + 0.5 * L * sq + 1e-14 * Math.abs(fy) || !Number.isFinite(fz) || tries >= 200) break;
      L *= 2;
    }
    const candidate = fz + l1Part(z);
    if (!Number.isFinite(candidate)) {
      return { done: true, status: 'diverged', statusReason: `the objective became ${candidate} at iteration ${iteration}; the parameters returned are those of iteration ${iteration - 1}` };
    }
    if (candidate > objective && !yIsX) {
      t = 1;
      y.set(x);
      fy = fx;
      gy.set(gx);
      yIsX = true;
      record();
      return iteration >= maxIter ? { done: true, statusReason: `stopped after ${maxIter} iterations without reaching tol = ${tol}` } : { done: false };
    }
    prev.set(x);
    x.set(z);
    gx.set(gz);
    fx = fz;
    loss = zLoss;
    const improved = candidate < objective;
    objective = candidate;
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / tNext;
    t = tNext;
    for (let j = 0; j < size; j++) y[j] = x[j] + beta * (x[j] - prev[j]);
    yIsX = beta === 0;
    if (yIsX) {
      fy = fx;
      gy.set(gx);
    }
    record();
    if (stationary()) return { done: true, converged: true };
    if (tol > 0 && !improved && yIsX) return { done: true, converged: true, statusReason: 'no further decrease at rounding level' };
    if (iteration >= maxIter) return { done: true, statusReason: tol > 0 ? `stopped after ${maxIter} iterations without reaching tol = ${tol}` : null };
    return { done: false };
  };

  return iterativeSession({
    log,
    first: !Number.isFinite(first)
      ? { done: true, status: 'diverged', statusReason: `the objective is ${first} at the starting point` }
      : stationary()
        ? { done: true, converged: true }
        : { done: false },
    step,
    result: (end) => result(x, objective, end),
  });
}
