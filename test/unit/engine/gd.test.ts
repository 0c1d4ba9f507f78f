import { describe, expect, it } from 'vitest';
import { fit } from '../../../shared/engine/fit.ts';
import { kktResiduals } from '../../../shared/engine/kkt.ts';
import { DEFAULT_FIT_OPTIONS } from '../../../shared/engine/types.ts';
import { loadDesign, loadReference } from './loadCsv.ts';

describe('gd', () => {
  it('linear gd is unchanged: seed_gd.json to 1e-9', () => {
    const ref = loadReference('seed_gd.json') as unknown as {
      data: string; lambda: number; learning_rate: number; iterations: number; intercept: number; coef: { x: number };
      objective_before_iteration: Record<string, number>;
    };
    const design = loadDesign(ref.data, ['x'], 'y');
    const { result, session } = fit(design, { ...DEFAULT_FIT_OPTIONS, solver: 'gd', lambda: ref.lambda, learningRate: ref.learning_rate, maxIter: ref.iterations, tol: 0 });
    expect(Math.abs(result.intercept - ref.intercept)).toBeLessThan(1e-9);
    expect(Math.abs(result.coef[0] - ref.coef.x)).toBeLessThan(1e-9);
    const j = session.metricsSince(0).columns.objective;
    for (const [k, v] of Object.entries(ref.objective_before_iteration)) expect(Math.abs(j[Number(k)] - v)).toBeLessThan(1e-9);
  });

  it('linear and logistic gd converge to the cd optimum on smooth strongly convex problems', () => {
    // Ridge (α = 0) keeps J smooth, so gd converges linearly. Tolerance: gd stops at ‖∇J‖ ≤ 1e-9; J is
    // λ(1−α)-strongly convex, so ‖w − w*‖ ≤ ‖∇J‖/μ ≤ 1e-9/0.01 = 1e-7 and J − J* ≤ ‖∇J‖²/(2μ) = 5e-17,
    // hence the 1e-6 (coefficients) and 1e-10 (relative J) checks below hold with margin.
    const linear = loadReference('corr_gauss.json');
    const logistic = loadReference('logistic_synth_glmnet.json');
    for (const [ref, model] of [[linear, 'linear'], [logistic, 'logistic']] as const) {
      const design = loadDesign(ref.data, ref.features, ref.target);
      const options = { ...DEFAULT_FIT_OPTIONS, model, lambda: 0.01, alpha: 0, standardize: true };
      const star = fit(design, { ...options, solver: 'cd' }).result;
      const gd = fit(design, { ...options, solver: 'gd', tol: 1e-9, maxIter: 20000 }).result;
      expect(gd.converged, model).toBe(true);
      expect(gd.maxStableStep).toBeGreaterThan(0);
      expect(Math.abs(gd.objective - star.objective) / star.objective).toBeLessThan(1e-10);
      star.coef.forEach((v, j) => expect(Math.abs(gd.coef[j] - v)).toBeLessThan(1e-6));
      expect(Math.abs(gd.intercept - star.intercept)).toBeLessThan(1e-6);
    }
  });

  it('logistic gd with L1 is a subgradient method: close to, not exactly at, the optimum', () => {
    const ref = loadReference('logistic_synth_glmnet.json');
    const design = loadDesign(ref.data, ref.features, ref.target);
    const options = { ...DEFAULT_FIT_OPTIONS, model: 'logistic' as const, lambda: 0.01, alpha: 1, standardize: true };
    const star = fit(design, { ...options, solver: 'cd' }).result;
    const gd = fit(design, { ...options, solver: 'gd', maxIter: 3000 }).result;
    expect(gd.status).toBe('completed');
    expect((gd.objective - star.objective) / star.objective).toBeLessThan(1e-3);
    expect(gd.objective).toBeGreaterThanOrEqual(star.objective * (1 - 1e-12));
  });

  it('kktResiduals follows the definition', () => {
    const g = Float64Array.from([0.5, -0.2, 0.05, 0.3]);
    const w = Float64Array.from([0, 1, 0, -2]);
    const out = new Float64Array(4);
    const { max } = kktResiduals(g, w, 0.2, 0.5, out);
    // λα = 0.1, λ(1−α) = 0.1
    expect(out[0]).toBeCloseTo(0.4, 15);
    expect(out[1]).toBeCloseTo(Math.abs(-0.2 + 0.1 * 1 + 0.1), 15);
    expect(out[2]).toBe(0);
    expect(out[3]).toBeCloseTo(Math.abs(0.3 - 0.2 - 0.1), 15);
    expect(max).toBeCloseTo(0.4, 15);
  });
});
