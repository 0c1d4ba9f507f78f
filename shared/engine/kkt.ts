/**
 * First-order optimality (KKT) residuals of the elastic-net objective
 *   J(b, w) = f(b, w) + λ·(α‖w‖₁ + (1−α)/2·‖w‖₂²),
 * given g = ∂f/∂w (the data-loss gradient alone, no penalty). Per coordinate:
 *   w_j ≠ 0: |g_j + λ(1−α)w_j + λα·sign(w_j)|   (the objective is differentiable in w_j there)
 *   w_j = 0: max(0, |g_j| − λα)                 (distance of 0 from g_j + λα·[−1, 1])
 * It is 0 exactly at the optimum, so it measures distance from optimality on any solver's iterate,
 * and (unlike ‖∇J‖ with a subgradient) it does not stay ≥ λα at a correct zero.
 */
export function kktResidual(gj: number, wj: number, lambda: number, alpha: number): number {
  const l1 = lambda * alpha;
  if (wj !== 0) return Math.abs(gj + lambda * (1 - alpha) * wj + (wj > 0 ? l1 : -l1));
  const r = Math.abs(gj) - l1;
  return r > 0 ? r : 0;
}

/** Writes the residual of every coordinate into `out` (length p) and returns max and Euclidean norm. */
export function kktResiduals(
  gradW: Float64Array,
  w: Float64Array,
  lambda: number,
  alpha: number,
  out?: Float64Array,
): { max: number; norm: number } {
  let max = 0;
  let sq = 0;
  for (let j = 0; j < w.length; j++) {
    const r = kktResidual(gradW[j], w[j], lambda, alpha);
    if (out) out[j] = r;
    if (r > max) max = r;
    sq += r * r;
  }
  return { max, norm: Math.sqrt(sq) };
}

/** The KKT residual norm including the unpenalized intercept's gradient (the `gradNorm` metric). */
export function kktNorm(gradW: Float64Array, gradB: number, w: Float64Array, lambda: number, alpha: number, fitIntercept: boolean): number {
  let sq = fitIntercept ? gradB * gradB : 0;
  for (let j = 0; j < w.length; j++) {
    const r = kktResidual(gradW[j], w[j], lambda, alpha);
    sq += r * r;
  }
  return Math.sqrt(sq);
}

/** Soft-thresholding S(u, t) = sign(u)·max(|u| − t, 0): the proximal map of t·|·|, exact zeros. */
export function softThreshold(u: number, t: number): number {
  if (u > t) return u - t;
  if (u < -t) return u + t;
  return 0;
}
