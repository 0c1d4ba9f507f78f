/**
 * e^x for x ≤ 0, the way the logistic solver's WebAssembly loss kernel computes it (cd/logisticWasm.ts),
 * so that its TypeScript twin gives the same bits.
 *
 * Why not Math.exp: the loss of a logistic fit needs e^−|η_i| for every row at every proximal-Newton
 * step, and V8's Math.exp is a scalar call (about 4× the cost of the rest of the row's work). This
 * algorithm uses only IEEE additions and multiplications (no fused multiply-add, no table), so it runs
 * two lanes at a time in WebAssembly SIMD and gives the same bits everywhere:
 *   k = nearest(x/ln 2) (by the 1.5·2⁵² shifter), r = x − k·ln 2 in two parts (Cody–Waite; k·LN2_HI is
 *   exact), |r| ≤ ln 2/2; e^r by its Taylor polynomial of degree 13 (truncation < 5e−18 relative), in
 *   Horner form; then e^x = (e^r·2^k₁)·2^k₂ with k₁ = trunc(k/2), k₂ = k − k₁, so both scales are normal
 *   numbers and a subnormal result is rounded once. Below −745.5 the result is 0, as for Math.exp.
 * Accuracy: within 2 ulp of Math.exp (test/unit/engine/exp-non-positive.test.ts checks it).
 */

export const EXP_CLAMP = -745.5;
export const INV_LN2 = 1.4426950408889634;
/** 1.5·2⁵²: adding it rounds to an integer (ties to even) held in the low bits of the mantissa. */
export const SHIFTER = 6755399441055744;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 21 trailing zero bits, so k·LN2_HI is exact for |k| < 2²¹. */
export const LN2_HI = 6.93147180369123816490e-1;
export const LN2_LO = 1.9082149292705877e-10;
/** 1/n! for n = 13 … 0, the order Horner's rule uses them. */
export const EXP_TAYLOR: readonly number[] = (() => {
  const c: number[] = [];
  let factorial = 1;
  for (let n = 0; n <= 13; n++) {
    if (n > 0) factorial *= n;
    c.push(1 / factorial);
  }
  return c.reverse();
})();

/** 2^−k for k = 0 … 540, by exact halvings. */
const POW2_NEG: Float64Array = (() => {
  const t = new Float64Array(541);
  t[0] = 1;
  for (let k = 1; k < t.length; k++) t[k] = t[k - 1] * 0.5;
  return t;
})();

/** e^x for x ≤ 0 (x > 0 is outside its contract). */
export function expNonPositive(x: number): number {
  const xc = x < EXP_CLAMP ? EXP_CLAMP : x;
  const k = xc * INV_LN2 + SHIFTER - SHIFTER;
  const r = xc - k * LN2_HI - k * LN2_LO;
  let p = EXP_TAYLOR[0];
  for (let n = 1; n < EXP_TAYLOR.length; n++) p = p * r + EXP_TAYLOR[n];
  const k1 = Math.trunc(k * 0.5);
  const k2 = k - k1;
  return p * POW2_NEG[-k1] * POW2_NEG[-k2];
}
