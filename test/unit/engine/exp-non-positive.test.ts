// expNonPositive (shared/engine/kernels/expNonPositive.ts), the e^x of the logistic solver's loss kernel:
// checked against V8's Math.exp (fdlibm's algorithm, an independent implementation) on seeded points
// over the whole range it serves, including the subnormal results and the clamp.
import { describe, expect, it } from 'vitest';
import { expNonPositive } from '../../../shared/engine/kernels/expNonPositive.ts';
import { Pcg64 } from '../../../shared/engine/random/pcg64.ts';

/** The spacing of doubles at |v| (one ulp). */
function ulp(v: number): number {
  const bits = new BigUint64Array(new Float64Array([Math.abs(v)]).buffer);
  bits[0] += 1n;
  return new Float64Array(bits.buffer)[0] - Math.abs(v);
}

describe('expNonPositive', () => {
  it('is within 2 ulp of Math.exp on [−745, 0], subnormal results included', () => {
    const rng = Pcg64.fromSeed(11);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = i % 2 === 0 ? -rng.random() * 40 : -rng.random() * 745;
      const reference = Math.exp(x);
      const error = Math.abs(expNonPositive(x) - reference) / ulp(reference);
      worst = Math.max(worst, error);
    }
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('is exact at 0, and 0 below the underflow (as Math.exp is)', () => {
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-0)).toBe(1);
    expect(expNonPositive(-746)).toBe(0);
    expect(expNonPositive(-1e300)).toBe(0);
    expect(expNonPositive(-Infinity)).toBe(0);
    // The smallest subnormal, as Math.exp gives it.
    expect(expNonPositive(-745)).toBe(Math.exp(-745));
    expect(expNonPositive(-745)).toBeGreaterThan(0);
  });
});
