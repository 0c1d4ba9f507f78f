/**
 * The curves view's smoothing and wall-time alignment (renderer/src/lib), against direct computations:
 * the debiased EMA written as its closed form Σ_k w^{n−k}(1−w)v_k / (1 − wⁿ), and alignment checked
 * point by point.
 */
import { describe, expect, it } from 'vitest';
import { alignOnX } from '../../renderer/src/lib/alignCurves.ts';
import { debiasedEma } from '../../renderer/src/lib/smoothing.ts';
import { Pcg64 } from '../../shared/engine/random/pcg64.ts';

describe('debiased EMA smoothing', () => {
  it('equals the closed form Σ w^(n−k)(1−w)v_k / (1 − wⁿ) at every point', () => {
    const rng = Pcg64.fromSeed(5);
    const values = Float64Array.from({ length: 200 }, (_, i) => Math.exp(-i / 40) + 0.05 * rng.normal());
    for (const w of [0, 0.3, 0.9, 0.99]) {
      const smoothed = debiasedEma(values, w);
      for (let n = 1; n <= values.length; n += 17) {
        let sum = 0;
        for (let k = 1; k <= n; k++) sum += w ** (n - k) * (1 - w) * values[k - 1];
        const want = w === 0 ? values[n - 1] : sum / (1 - w ** n);
        expect(Math.abs(smoothed[n - 1] - want), `w = ${w}, n = ${n}`).toBeLessThan(1e-12 * Math.abs(want));
      }
    }
  });

  it('keeps the start of a curve: the first point is the raw value and a constant stays constant', () => {
    const smoothed = debiasedEma(new Float64Array(50).fill(3.25), 0.95);
    expect(smoothed[0]).toBe(3.25);
    smoothed.forEach((v) => expect(Math.abs(v - 3.25)).toBeLessThan(1e-14));
    // A plain EMA from 0 would start at (1 − w)·v = 0.1625.
    expect(debiasedEma(Float64Array.of(10, 0), 0.5)[0]).toBe(10);
  });

  it('passes non-finite values through without letting them into the average', () => {
    const smoothed = debiasedEma(Float64Array.of(1, Number.NaN, 3, Number.POSITIVE_INFINITY), 0.5);
    expect(smoothed[0]).toBe(1);
    expect(smoothed[1]).toBeNaN();
    // After 1 and 3: (0.5·0.5·1 + 0.5·3) / (1 − 0.25) = 1.75 / 0.75.
    expect(smoothed[2]).toBeCloseTo(1.75 / 0.75, 14);
    expect(smoothed[3]).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses a weight outside [0, 1)', () => {
    expect(() => debiasedEma([1], 1)).toThrow(/\[0, 1\)/);
    expect(() => debiasedEma([1], -0.1)).toThrow(/\[0, 1\)/);
  });
});

describe('aligning curves on wall time', () => {
  it('puts every point of every run on the union of their instants, undefined elsewhere (uPlot joins across it)', () => {
    const xs = [Float64Array.of(0, 1.5, 4, 9), Float64Array.of(0, 2, 4)];
    const ys = [Float64Array.of(10, 11, 12, 13), Float64Array.of(20, 21, 22)];
    const aligned = alignOnX(xs, ys, 1000)!;
    expect(Array.from(aligned.x)).toEqual([0, 1.5, 2, 4, 9]);
    for (let r = 0; r < xs.length; r++) {
      xs[r].forEach((x, i) => expect(aligned.ys[r][Array.from(aligned.x).indexOf(x)]).toBe(ys[r][i]));
      const own = new Set(xs[r]);
      aligned.x.forEach((x, i) => {
        if (!own.has(x)) expect(aligned.ys[r][i]).toBeUndefined();
      });
    }
  });

  it('skips points without a time or a value, and refuses more cells than the budget', () => {
    const aligned = alignOnX([Float64Array.of(0, Number.NaN, 2)], [Float64Array.of(1, 2, Number.NaN)], 10)!;
    expect(Array.from(aligned.x)).toEqual([0]);
    expect(alignOnX([Float64Array.of(0, 1, 2), Float64Array.of(0.5, 1.5)], [Float64Array.of(1, 1, 1), Float64Array.of(1, 1)], 9)).toBeNull();
    expect(alignOnX([Float64Array.of(0, 1, 2), Float64Array.of(0.5, 1.5)], [Float64Array.of(1, 1, 1), Float64Array.of(1, 1)], 10)).not.toBeNull();
  });
});

describe('aligning many curves', () => {
  it('gives the same union as sorting everything, for runs in time order and out of it', () => {
    const rng = Pcg64.fromSeed(11);
    const xs: Float64Array[] = [];
    const ys: Float64Array[] = [];
    for (let r = 0; r < 7; r++) {
      let t = 0;
      // Run 3 records out of order; some instants coincide across runs (multiples of 0.5).
      const x = Float64Array.from({ length: 200 + r * 13 }, () => (t += rng.random() < 0.3 ? 0.5 : rng.random()));
      if (r === 3) x.reverse();
      xs.push(x);
      ys.push(Float64Array.from(x, (v, i) => (i % 17 === 5 ? Number.NaN : v * 2)));
    }
    const aligned = alignOnX(xs, ys, 1e9)!;
    const expected = [...new Set(xs.flatMap((x, r) => Array.from(x).filter((_, i) => Number.isFinite(ys[r][i]))))].sort((a, b) => a - b);
    expect(Array.from(aligned.x)).toEqual(expected);
    xs.forEach((x, r) => x.forEach((v, i) => {
      if (Number.isFinite(ys[r][i])) expect(aligned.ys[r][expected.indexOf(v)]).toBe(ys[r][i]);
    }));
  });
});
