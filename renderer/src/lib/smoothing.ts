/**
 * Debiased exponential moving average, TensorBoard's smoothing: s_n = w·s_{n−1} + (1−w)·v_n from
 * s_0 = 0, reported as s_n / (1 − wⁿ) (n = finite values seen so far). Dividing by 1 − wⁿ removes the
 * pull towards 0 that a plain EMA has at the start of a curve (its first value would be (1−w)·v₁): a
 * constant curve stays exactly constant and the first point is the raw first value. A value that is
 * not finite (the curve of a diverged run, a step not recorded) is passed through and does not enter
 * the average.
 */
export function debiasedEma(values: ArrayLike<number>, weight: number, out: Float64Array = new Float64Array(values.length)): Float64Array {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1) (got ${weight})`);
  let acc = 0;
  let decay = 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    acc = weight * acc + (1 - weight) * v;
    decay *= weight;
    out[i] = acc / (1 - decay);
  }
  return out;
}
