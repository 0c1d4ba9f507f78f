import { describe, expect, it } from 'vitest';
import { fit, optimumObjective } from '../../../shared/engine/fit.ts';
import { LOGISTIC_REFERENCES, designOf, expectMatchesReference, referenceCases, worst, type Deviation } from './referenceCases.ts';

const cases = referenceCases(LOGISTIC_REFERENCES);

describe('cd, logistic (proximal Newton): every glmnet reference case', () => {
  const devs: Deviation[] = [];
  it.each(cases.map((lc) => [lc.name, lc] as const))('%s', (_name, lc) => {
    const { result, session } = fit(designOf(lc.ref), { ...lc.options, solver: 'cd' });
    expect(result.model).toBe('logistic');
    expect(result.converged).toBe(true);
    devs.push(expectMatchesReference(lc, result, { kkt: 1e-6, zeros: true }));
    const batch = session.metricsSince(0);
    expect(batch.count).toBe(result.iterations + 1);
    // Proximal Newton with backtracking: monotone, and quadratic near the end (few outer iterations).
    for (let k = 1; k < batch.count; k++) expect(batch.columns.objective[k]).toBeLessThanOrEqual(batch.columns.objective[k - 1] * (1 + 1e-14));
    expect(result.iterations).toBeLessThan(30);
    expect(batch.columns.gradNorm[batch.count - 1]).toBeLessThan(1e-6);
  });
  it('worst case (log)', () => {
    console.log('cd logistic worst:', worst(devs));
  });

  it('optimumObjective is the cd optimum', () => {
    const lc = cases[0];
    const { result } = fit(designOf(lc.ref), { ...lc.options, solver: 'cd' });
    const star = optimumObjective(designOf(lc.ref), lc.options)!;
    expect(Math.abs(star - result.objective) / star).toBeLessThan(1e-12);
  });

  it('ridge logistic (α = 0): cd and fista agree', () => {
    const lc = cases[0];
    const options = { ...lc.options, alpha: 0, lambda: 0.01, standardize: true };
    const a = fit(designOf(lc.ref), { ...options, solver: 'cd' }).result;
    const b = fit(designOf(lc.ref), { ...options, solver: 'fista' }).result;
    expect(Math.abs(a.objective - b.objective) / a.objective).toBeLessThan(1e-10);
    a.coef.forEach((v, j) => expect(Math.abs(b.coef[j] - v)).toBeLessThan(1e-6 * Math.max(1, Math.abs(v))));
  });
});
