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
