/** "Run again" compares parameters bit for bit (renderer/src/lib/reproduce.ts). */
import { describe, expect, it } from 'vitest';
import { compareParameters } from '../../renderer/src/lib/reproduce.ts';

const params = (...pairs: [string, number][]) => pairs.map(([name, value]) => ({ name, value }));

describe('compareParameters', () => {
  it('counts parameters equal bit for bit', () => {
    const a = params(['(intercept)', 2.0000000000000004], ['x', 3]);
    expect(compareParameters(a, params(['(intercept)', 2.0000000000000004], ['x', 3]))).toEqual({ identical: 2, total: 2, differences: [] });
  });

  it('reports a difference of one ulp, and −0 against 0, and names them', () => {
    const result = compareParameters(params(['b', 2], ['w', 0]), params(['b', 2.0000000000000004], ['w', -0]));
    expect(result.identical).toBe(0);
    expect(result.differences.map((d) => d.name)).toEqual(['b', 'w']);
    expect(result.differences[0]).toEqual({ name: 'b', original: 2, again: 2.0000000000000004 });
  });

  it('treats NaN as equal to NaN, and a parameter on one side only as different', () => {
    const result = compareParameters(params(['a', Number.NaN], ['only-first', 1]), params(['a', Number.NaN], ['only-second', 1]));
    expect(result).toMatchObject({ identical: 1, total: 3 });
    expect(result.differences.map((d) => d.name).sort()).toEqual(['only-first', 'only-second']);
  });

  it('lists at most `limit` differences but counts them all', () => {
    const a = params(...Array.from({ length: 9 }, (_, i): [string, number] => [`w${i}`, i]));
    const b = params(...Array.from({ length: 9 }, (_, i): [string, number] => [`w${i}`, i + 1]));
    const result = compareParameters(a, b, 3);
    expect(result.identical).toBe(0);
    expect(result.total).toBe(9);
    expect(result.differences).toHaveLength(3);
  });
});
