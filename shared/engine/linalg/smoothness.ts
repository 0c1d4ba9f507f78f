import { squaredLossSums } from '../kernels/glmPasses.ts';
import type { Design } from '../types.ts';

/**
 * Largest eigenvalue of (1/m)·X̃ᵀX̃, X̃ = [1 X] when the intercept is fitted: the smoothness constant L
 * of the squared loss, so gradient descent is stable for steps below 2/L.
 * Power iteration, because only the top eigenvalue is needed. Matrix-free first (one fused pass over X
 * per iteration, like a gd step): with a clear eigengap, as with correlated features, it converges in
 * a handful of passes. Forming the (p+1)² Gram matrix costs about (p+1)/4 such passes, so the
 * matrix-free attempt gets that many iterations; if it has not converged by then (a small eigengap),
 * the Gram matrix is formed (p+1 ≤ 512) and the iteration finishes on it, or (larger p) the
 * matrix-free iteration simply continues. Either way the work is at most about twice the cheaper
 * of the two, and deterministic.
 */
export function squaredLossSmoothness(design: Design, fitIntercept: boolean): number {
  const { x, m, p } = design;
  const q = p + (fitIntercept ? 1 : 0);
  if (q === 0) return 0;
  const off = fitIntercept ? 1 : 0;
  const freeBudget = q <= 512 ? Math.max(4, Math.floor(q / 4)) : 500;
  const free = powerIteration(q, (v, out) => gramApply(design, fitIntercept, v, out), freeBudget);
  if (free.converged || q > 512) return free.estimate;
  const gram = new Float64Array(q * q);
  // Rank-4 updates of the lower triangle: each Gram entry is read and written once per 4 rows
  // (not once per row), which is what bounds this loop; the order of the sums is fixed.
  const r0 = new Float64Array(q);
  const r1 = new Float64Array(q);
  const r2 = new Float64Array(q);
  const r3 = new Float64Array(q);
  if (fitIntercept) r0[0] = r1[0] = r2[0] = r3[0] = 1;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    for (let j = 0; j < p; j++) {
      r0[off + j] = x[i * p + j];
      r1[off + j] = x[(i + 1) * p + j];
      r2[off + j] = x[(i + 2) * p + j];
      r3[off + j] = x[(i + 3) * p + j];
    }
    for (let a = 0; a < q; a++) {
      const v0 = r0[a];
      const v1 = r1[a];
      const v2 = r2[a];
      const v3 = r3[a];
      const base = a * q;
      for (let b = 0; b <= a; b++) gram[base + b] += v0 * r0[b] + v1 * r1[b] + (v2 * r2[b] + v3 * r3[b]);
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < p; j++) r0[off + j] = x[i * p + j];
    for (let a = 0; a < q; a++) {
      const v0 = r0[a];
      const base = a * q;
      for (let b = 0; b <= a; b++) gram[base + b] += v0 * r0[b];
    }
  }
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      const v = gram[a * q + b] / m;
      gram[a * q + b] = v;
      gram[b * q + a] = v;
    }
  }
  return powerIteration(q, (v, out) => {
    for (let a = 0; a < q; a++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += gram[a * q + b] * v[b];
      out[a] = s;
    }
  }).estimate;
}

/**
 * out = (1/m)·X̃ᵀX̃·v in one pass over X (v[0] is the intercept's entry when fitted): the squared loss's
 * fused pass with y = 0 (kernels/glmPasses.ts, WebAssembly SIMD where available), whose residuals are
 * a_i = v0 + x_i·v and whose sums are Σa_i and Σa_i·x_i, in its fixed order.
 */
function gramApply(design: Design, fitIntercept: boolean, v: Float64Array, out: Float64Array): void {
  const { x, m, p } = design;
  const off = fitIntercept ? 1 : 0;
  const sums = new Float64Array(2);
  squaredLossSums(x, null, m, p, fitIntercept ? v[0] : 0, v.subarray(off), out.subarray(off), sums);
  if (fitIntercept) out[0] = sums[1];
  for (let k = 0; k < out.length; k++) out[k] /= m;
}

/** Rayleigh-quotient power iteration from a fixed start (deterministic), to relative change 1e-10. */
function powerIteration(n: number, apply: (v: Float64Array, out: Float64Array) => void, maxIter = 500): { estimate: number; converged: boolean } {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let av = new Float64Array(n);
  let estimate = 0;
  for (let k = 0; k < maxIter; k++) {
    apply(v, av);
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      dot += v[i] * av[i];
      norm += av[i] * av[i];
    }
    norm = Math.sqrt(norm);
    if (norm === 0) return { estimate: 0, converged: true };
    const previous = estimate;
    estimate = dot;
    for (let i = 0; i < n; i++) av[i] /= norm;
    [v, av] = [av, v];
    if (k > 2 && Math.abs(estimate - previous) <= 1e-10 * Math.abs(estimate)) return { estimate, converged: true };
  }
  return { estimate, converged: false };
}
