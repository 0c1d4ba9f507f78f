import { describe, expect, it } from 'vitest';
import { decodeSweepData, encodeSweepData } from '../../shared/protocol/sweepData.ts';

describe('sweep data file', () => {
  it('round-trips values bit for bit, with non-ASCII and many feature names', () => {
    const p = 3000;
    const featureNames = Array.from({ length: p }, (_, j) => (j === 7 ? 'λ-ü "quoted"' : `feature_${j}`));
    const x = Float64Array.from({ length: 2 * p }, (_, k) => Math.sin(k) * 1e-300 + k);
    const design = { x, y: Float64Array.of(Number.NaN, -0), m: 2, p, featureNames };
    const decoded = decodeSweepData(encodeSweepData({ design, folds: Int32Array.of(0, 1, 1, 0), repeats: 2 }));
    expect(decoded.design.featureNames).toEqual(featureNames);
    expect(new Uint8Array(decoded.design.x.buffer, decoded.design.x.byteOffset, decoded.design.x.byteLength)).toEqual(new Uint8Array(x.buffer));
    expect(Object.is(decoded.design.y[1], -0)).toBe(true);
    expect(decoded.design.y[0]).toBeNaN();
    expect(Array.from(decoded.folds)).toEqual([0, 1, 1, 0]);
    expect(decoded.repeats).toBe(2);
  });

  it('refuses a file that is not one, or is truncated', () => {
    expect(() => decodeSweepData(new Uint8Array(32))).toThrow(/not a Ridgeline sweep data file/);
    const bytes = encodeSweepData({ design: { x: Float64Array.of(1), y: Float64Array.of(2), m: 1, p: 1, featureNames: ['a'] }, folds: Int32Array.of(0), repeats: 1 });
    expect(() => decodeSweepData(bytes.subarray(0, bytes.length - 4))).toThrow(/holds \d+ bytes, expected \d+/);
  });
});
