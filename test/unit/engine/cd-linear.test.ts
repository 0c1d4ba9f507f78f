import { describe, expect, it } from 'vitest';
import { fit, optimumObjective, resolveSolver } from '../../../shared/engine/fit.ts';
import { LinearCd } from '../../../shared/engine/cd/linearCd.ts';
import { DEFAULT_FIT_OPTIONS } from '../../../shared/engine/types.ts';
import { LINEAR_REFERENCES, designOf, expectMatchesReference, referenceCases, worst, type Deviation } from './referenceCases.ts';

const cases = referenceCases(LINEAR_REFERENCES);

describe('cd, linear: every reference case (scikit-learn, glmnet)', () => {
  const devs: Deviation[] = [];
  it.each(cases.map((lc) => [lc.name, lc] as const))('%s', (_name, lc) => {
    const { result, session } = fit(designOf(lc.ref), { ...lc.options, solver: 'cd' });
    expect(result.solver).toBe('cd');
    expect(result.converged).toBe(true);
    devs.push(expectMatchesReference(lc, result, { kkt: 1e-6 }));
    // The per-step log: step 0 is the null model, the last step is the returned point.
    const batch = session.metricsSince(0);
    expect(batch.count).toBe(result.iterations + 1);
    expect(batch.columns.objective[batch.count - 1]).toBe(result.objective);
    expect(batch.columns.nonzero[batch.count - 1]).toBe(result.coef.filter((v) => v !== 0).length);
    expect(batch.columns.gradNorm[batch.count - 1]).toBeLessThan(1e-6);
  });
  it('worst case (log)', () => {
    console.log('cd linear worst:', worst(devs));
  });
});

describe('cd, linear: mechanics', () => {
  const lc = cases.find((c) => c.ref.data === 'diabetes.csv' && c.c.alpha === 1 && c.c.standardize)!;
  const design = designOf(lc.ref);

  it('covariance and naive kernels reach the same optimum', () => {
    const lambda = 0.5;
    const results = [false, true].map((naive) => {
      const cd = new LinearCd(design, true, naive);
      cd.setPenalty(lambda, 1);
      let passes = 0;
      while (!cd.pass(1e-22 * cd.scale) && passes < 100000) passes++;
      return { w: Float64Array.from(cd.w), b: cd.intercept(), covariance: cd.covariance };
    });
    expect(results[0].covariance).toBe(true);
    expect(results[1].covariance).toBe(false);
    results[0].w.forEach((v, j) => expect(Math.abs(v - results[1].w[j])).toBeLessThan(1e-8 * Math.max(1, Math.abs(v))));
    expect(Math.abs(results[0].b - results[1].b)).toBeLessThan(1e-8 * Math.abs(results[0].b));
  });

  it('objective per pass never increases (CD is a descent method)', () => {
    const { session } = fit(design, { ...lc.options, solver: 'cd' });
    const j = session.metricsSince(0).columns.objective;
    for (let k = 1; k < j.length; k++) expect(j[k]).toBeLessThanOrEqual(j[k - 1] * (1 + 1e-12));
  });

  it('tol 0 runs exactly maxIter passes', () => {
    const { result } = fit(design, { ...lc.options, solver: 'cd', tol: 0, maxIter: 7 });
    expect(result.iterations).toBe(7);
    expect(result.converged).toBe(false);
  });

  it('auto picks cd for L1 and closed for small ridge; optimumObjective agrees with cd', () => {
    expect(resolveSolver(design, { ...DEFAULT_FIT_OPTIONS, alpha: 0.5 })).toBe('cd');
    expect(resolveSolver(design, { ...DEFAULT_FIT_OPTIONS, alpha: 0 })).toBe('closed');
    expect(resolveSolver({ ...design, p: 2001 }, { ...DEFAULT_FIT_OPTIONS, alpha: 0 })).toBe('cd');
    expect(resolveSolver(design, { ...DEFAULT_FIT_OPTIONS, model: 'logistic', alpha: 0 })).toBe('cd');
    const { result } = fit(design, { ...lc.options, solver: 'auto' });
    expect(result.solver).toBe('cd');
    const star = optimumObjective(design, lc.options)!;
    expect(Math.abs(star - result.objective) / star).toBeLessThan(1e-12);
  });

  it('cd ridge equals the closed form', () => {
    const ridge = { ...DEFAULT_FIT_OPTIONS, lambda: 0.3, alpha: 0, standardize: true };
    const a = fit(design, { ...ridge, solver: 'cd' }).result;
    const b = fit(design, { ...ridge, solver: 'closed' }).result;
    expect(Math.abs(a.objective - b.objective) / b.objective).toBeLessThan(1e-12);
    b.coef.forEach((v, j) => expect(Math.abs(a.coef[j] - v)).toBeLessThan(1e-7 * Math.max(1, Math.abs(v))));
  });
});
