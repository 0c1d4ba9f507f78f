// The seed example end to end through the engine. Expected numbers: test/fixtures/seed_gd.json
// (exact gradient-descent iterates) and seed_linear.json (scikit-learn / closed-form optimum).
import { describe, expect, it } from 'vitest';
import { fit, optimumObjective } from '../../shared/engine/fit.ts';
import { DEFAULT_FIT_OPTIONS, type FitOptions } from '../../shared/engine/types.ts';
import { seedExampleDesign } from '../../shared/datasets/seedExample.ts';
import { readCsvDesign, readJsonFixture, relativeError, type SeedGdReference } from '../helpers/fixtures.ts';

const reference = readJsonFixture<SeedGdReference>('seed_gd.json');
const optimum = readJsonFixture<{ cases: { lambda: number; alpha: number; standardize: boolean; intercept: number; coef: { x: number }; objective: number }[] }>('seed_linear.json');
const design = readCsvDesign('seed_linear.csv', 'y');
const gdOptions: FitOptions = { ...DEFAULT_FIT_OPTIONS, lambda: reference.lambda, solver: 'gd', learningRate: reference.learning_rate, maxIter: reference.iterations, tol: 0 };

describe('seed example: batch gradient descent', () => {
  const { result, session } = fit(design, gdOptions);
  const history = session.metricsSince(0);

  it('reaches the reference (b, w) after 1000 updates to 1e-9', () => {
    expect(result.iterations).toBe(1000);
    expect(relativeError(result.intercept, reference.intercept)).toBeLessThan(1e-9);
    expect(relativeError(result.coef[0], reference.coef.x)).toBeLessThan(1e-9);
  });

  it('records J before each listed update to 1e-9 (step k = after k updates)', () => {
    expect(history.count).toBe(1001);
    for (const [step, expected] of Object.entries(reference.objective_before_iteration)) {
      expect(relativeError(history.columns.objective[Number(step)], expected), `J at step ${step}`).toBeLessThan(1e-9);
    }
  });

  it('splits J into data loss and penalty, with the textbook λ\' = m·λ', () => {
    const last = history.count - 1;
    const w = result.coef[0];
    // penalty = λ/2·w² = λ'/(2m)·w² with λ' = 0.01, m = 100.
    expect(history.columns.penalty[last]).toBeCloseTo((0.01 / (2 * 100)) * w * w, 15);
    expect(history.columns.objective[last]).toBeCloseTo(history.columns.dataLoss[last] + history.columns.penalty[last], 15);
    expect(history.columns.l2Norm[last]).toBe(Math.abs(w));
  });

  it('has not converged: J − J* after 1000 iterations is positive and matches the optimum file', () => {
    const jStar = optimumObjective(design, gdOptions);
    const refCase = optimum.cases.find((c) => c.lambda === reference.lambda && c.alpha === 0 && !c.standardize)!;
    expect(relativeError(jStar!, refCase.objective)).toBeLessThan(1e-12);
    expect(result.objective - jStar!).toBeGreaterThan(0.02);
    expect(result.converged).toBe(false);
  });

  it('is bit-for-bit deterministic', () => {
    const again = fit(design, gdOptions);
    expect(again.result.intercept).toBe(result.intercept);
    expect(again.result.coef[0]).toBe(result.coef[0]);
    expect(Array.from(again.session.metricsSince(0).columns.objective)).toEqual(Array.from(history.columns.objective));
  });
});

describe('seed example: data and other paths', () => {
  it('the built-in preset draws exactly the data of seed_linear.csv', () => {
    const builtin = seedExampleDesign();
    expect(Array.from(builtin.x)).toEqual(Array.from(design.x));
    expect(Array.from(builtin.y)).toEqual(Array.from(design.y));
  });

  it('closed-form ridge equals the reference optimum for every ridge case', () => {
    for (const c of optimum.cases.filter((c) => c.alpha === 0)) {
      const { result } = fit(design, { ...DEFAULT_FIT_OPTIONS, lambda: c.lambda, solver: 'closed', standardize: c.standardize });
      expect(relativeError(result.intercept, c.intercept)).toBeLessThan(1e-9);
      expect(relativeError(result.coef[0], c.coef.x)).toBeLessThan(1e-9);
      expect(relativeError(result.objective, c.objective)).toBeLessThan(1e-9);
    }
  });

  it('stops as diverged at the first rise when the step exceeds 2/L, naming the bound', () => {
    const { result, session } = fit(design, { ...gdOptions, learningRate: 2 });
    expect(result.maxStableStep).toBeLessThan(2);
    expect(result.status).toBe('diverged');
    expect(result.statusReason).toMatch(/above 2\/L/);
    // The objective rose at the last recorded step and at no step before it.
    const j = session.metricsSince(0).columns.objective;
    expect(j[j.length - 1]).toBeGreaterThan(j[j.length - 2]);
    for (let k = 1; k < j.length - 1; k++) expect(j[k]).toBeLessThanOrEqual(j[k - 1]);
    expect(result.iterations).toBeLessThan(10);
  });

  it('a step just below 2/L still converges monotonically', () => {
    const probe = fit(design, { ...gdOptions, maxIter: 1 }).result.maxStableStep!;
    const { result } = fit(design, { ...gdOptions, learningRate: 0.95 * probe, maxIter: 20000, tol: 1e-10 });
    expect(result.status).toBe('completed');
    expect(result.converged).toBe(true);
  });

  it('rejects bad options with precise messages', () => {
    expect(() => fit(design, { ...gdOptions, lambda: -1 })).toThrow(/lambda must be a finite number ≥ 0/);
    expect(() => fit(design, { ...gdOptions, alpha: 2 })).toThrow(/alpha must be in \[0, 1\]/);
    expect(() => fit({ ...design, y: design.y.subarray(0, 5) }, gdOptions)).toThrow(/y holds 5 values but there are 100 rows/);
  });
});
