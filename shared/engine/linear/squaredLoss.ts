import type { Design } from '../types.ts';
import { squaredLossSums } from '../kernels/glmPasses.ts';

/**
 * One fused pass over X: the residuals r = b + Xw − y give both the data loss (1/2m)Σr² and its
 * gradient ((1/m)Σr, (1/m)Xᵀr), so an iteration reads X once (numpy needs two passes for the same).
 * Writes the gradient into `gradW` (length p) and returns [loss, gradB] through `out`.
 *
 * The pass runs on the WebAssembly SIMD kernel where available and on its TypeScript twin elsewhere
 * (kernels/reference.ts: linearPass), with bit-identical results. The summation order is fixed by m and
 * p alone: rows in groups of 4, each residual's dot product as two lanes (even and odd j) in order of j,
 * the gradient's 4 products summed pairwise; see reference.linearPass. So results are bit-identical
 * across runs, processes and machines. Why the kernel is what it is: kernels/wasm/kernels.ts.
 */
export function squaredLossAndGradient(
  design: Design,
  intercept: number,
  w: Float64Array,
  gradW: Float64Array,
  out: Float64Array,
): void {
  const { x, y, m, p } = design;
  squaredLossSums(x, y, m, p, intercept, w, gradW, out);
  const invM = 1 / m;
  for (let j = 0; j < p; j++) gradW[j] *= invM;
  out[0] = 0.5 * out[0] * invM;
  out[1] = out[1] * invM;
}

/**
 * The data loss alone, (1/2m)‖b + Xw − y‖² (4 rows at a time: independent dot products, as above). A
 * sparse w (at most a quarter nonzero: a lasso fit on a wide design keeps a few hundred of thousands of
 * coefficients) is read at its nonzero entries only, with the same bits: a residual skips the zero terms
 * x_ij·0 unchanged, since adding ±0 to a sum leaves it as it is (or turns −0 into +0, which the square
 * does not see).
 */
export function squaredLoss(design: Design, intercept: number, w: Float64Array): number {
  const { x, y, m, p } = design;
  const support = sparseSupport(w, p);
  const n = support ? support.length : p;
  let sumSq = 0;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const o0 = i * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    let a0 = intercept - y[i];
    let a1 = intercept - y[i + 1];
    let a2 = intercept - y[i + 2];
    let a3 = intercept - y[i + 3];
    for (let t = 0; t < n; t++) {
      const j = support ? support[t] : t;
      const wj = w[j];
      a0 += x[o0 + j] * wj;
      a1 += x[o1 + j] * wj;
      a2 += x[o2 + j] * wj;
      a3 += x[o3 + j] * wj;
    }
    sumSq += a0 * a0 + a1 * a1 + (a2 * a2 + a3 * a3);
  }
  for (; i < m; i++) {
    const row = i * p;
    let r = intercept - y[i];
    for (let t = 0; t < n; t++) {
      const j = support ? support[t] : t;
      r += x[row + j] * w[j];
    }
    sumSq += r * r;
  }
  return (0.5 * sumSq) / m;
}

/** The indices of w's nonzero entries when they are at most a quarter of p, else null. */
function sparseSupport(w: Float64Array, p: number): Int32Array | null {
  let count = 0;
  for (let j = 0; j < p; j++) if (w[j] !== 0) count++;
  if (4 * count > p) return null;
  const support = new Int32Array(count);
  count = 0;
  for (let j = 0; j < p; j++) if (w[j] !== 0) support[count++] = j;
  return support;
}
