// Built-in data sets: diabetes equals the reference copy (test/fixtures/diabetes.csv) value for value;
// the generated ones are reproducible from their seeds.
import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS, logisticSyntheticDesign } from '../../shared/datasets/builtins.ts';
import { readCsvDesign } from '../helpers/fixtures.ts';

describe('built-in data sets', () => {
  it('diabetes is the 442 × 10 data of Efron et al., exactly as in the reference CSV', () => {
    const builtin = BUILTIN_DATASETS.find((d) => d.id === 'builtin:diabetes')!;
    const design = builtin.design();
    const reference = readCsvDesign('diabetes.csv', 'progression', ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6']);
    expect([design.m, design.p]).toEqual([442, 10]);
    expect(design.featureNames).toEqual(reference.featureNames);
    expect(Array.from(design.x)).toEqual(Array.from(reference.x));
    expect(Array.from(design.y)).toEqual(Array.from(reference.y));
    expect(builtin.source).toMatch(/Efron.*2004/);
  });

  it('the logistic generator is deterministic and draws both classes', () => {
    const a = logisticSyntheticDesign();
    const b = logisticSyntheticDesign();
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    const ones = a.y.reduce((n, v) => n + v, 0);
    expect(ones).toBeGreaterThan(150);
    expect(ones).toBeLessThan(350);
    expect(Array.from(logisticSyntheticDesign(3).y)).not.toEqual(Array.from(a.y));
  });

  it('every built-in has a unique id, a source, and a valid design', () => {
    expect(new Set(BUILTIN_DATASETS.map((d) => d.id)).size).toBe(BUILTIN_DATASETS.length);
    for (const d of BUILTIN_DATASETS) {
      const design = d.design();
      expect(d.source.length).toBeGreaterThan(20);
      expect(design.x.length).toBe(design.m * design.p);
      expect(design.y.length).toBe(design.m);
    }
  });
});

describe('more built-ins', () => {
  it('prostate is 97 × 8 with the book’s 67 training rows, lpsa the target', () => {
    const all = BUILTIN_DATASETS.find((d) => d.id === 'builtin:prostate')!.design();
    const train = BUILTIN_DATASETS.find((d) => d.id === 'builtin:prostate-train')!.design();
    expect([all.m, all.p, train.m, train.p]).toEqual([97, 8, 67, 8]);
    expect(all.featureNames).toEqual(['lcavol', 'lweight', 'age', 'lbph', 'svi', 'lcp', 'gleason', 'pgg45']);
    // First row of prostate.data: lcavol −0.579818495 … lpsa −0.4307829.
    expect(all.x[0]).toBe(-0.579818495);
    expect(all.y[0]).toBe(-0.4307829);
  });

  it("the correlated generator has the stated correlation and signal-to-noise ratio", () => {
    const d = BUILTIN_DATASETS.find((b) => b.id === 'builtin:correlated')!.design();
    const col = (j: number) => Array.from({ length: d.m }, (_, i) => d.x[i * d.p + j]);
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, v) => s + v, 0) / a.length;
      const mb = b.reduce((s, v) => s + v, 0) / b.length;
      const cov = a.reduce((s, v, i) => s + (v - ma) * (b[i] - mb), 0);
      return cov / Math.sqrt(a.reduce((s, v) => s + (v - ma) ** 2, 0) * b.reduce((s, v) => s + (v - mb) ** 2, 0));
    };
    // ρ = 0.5 with m = 1000: a sample correlation within ±0.1 (about 4 standard errors).
    expect(Math.abs(corr(col(0), col(1)) - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(corr(col(5), col(17)) - 0.5)).toBeLessThan(0.1);
  });

  it('the wide generator has p > m', () => {
    const d = BUILTIN_DATASETS.find((b) => b.id === 'builtin:sparse-wide')!.design();
    expect(d.p).toBeGreaterThan(d.m);
  });
});
