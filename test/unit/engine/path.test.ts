import { describe, expect, it } from 'vitest';
import { fit } from '../../../shared/engine/fit.ts';
import { defaultLambdaGrid, fitPath, lambdaMax } from '../../../shared/engine/path.ts';
import { fitObjective } from '../../../shared/engine/objective.ts';
import { DEFAULT_FIT_OPTIONS } from '../../../shared/engine/types.ts';
import { loadDesign, loadReference } from './loadCsv.ts';

const GLMNET = ['diabetes_glmnet.json', 'corr_gauss_glmnet.json', 'logistic_synth_glmnet.json', 'logistic_synth_enet_glmnet.json'];

describe.each(GLMNET)('λ path against glmnet: %s', (file) => {
  const ref = loadReference(file);
  const cv = ref.cv!;
  const design = loadDesign(ref.data, ref.features, ref.target);
  const options = { ...DEFAULT_FIT_OPTIONS, model: ref.cases[0].model, alpha: cv.alpha, standardize: cv.standardize };

  it('λ_max equals glmnet’s first λ to 1e-10', () => {
    expect(Math.abs(lambdaMax(design, options) / cv.lambda[0] - 1)).toBeLessThan(1e-10);
  });

  it('the default grid equals glmnet’s λ sequence (glmnet stops early; compare its length)', () => {
    const grid = defaultLambdaGrid(design, options);
    expect(grid.length).toBe(100);
    cv.lambda.forEach((l, k) => expect(Math.abs(grid[k] / l - 1), `λ[${k}]`).toBeLessThan(1e-10));
  });

  it('fitPath: warm-started path, each point the optimum at its λ; nonzero counts as glmnet', () => {
    const lambdas = Float64Array.from(cv.lambda);
    const path = fitPath(design, options, lambdas);
    expect(path.length).toBe(lambdas.length);
    expect(path[0].nonzero).toBe(0);
    let mismatches = 0;
    path.forEach((pt, k) => {
      expect(pt.converged).toBe(true);
      expect(pt.lambda).toBe(lambdas[k]);
      expect(Math.abs(fitObjective(design, { ...options, lambda: pt.lambda }, pt.intercept, pt.coef) - pt.objective)).toBeLessThan(1e-12 * pt.objective);
      // At λ_max itself every coefficient is 0 (glmnet's cv output reports 1 there on two of the files:
      // its first λ is extrapolated from the next two, and its first variable enters at rounding level).
      if (k > 0 && pt.nonzero !== cv.nonzero[k]) mismatches++;
    });
    expect(mismatches).toBe(0);
    // Spot-check against cold single fits.
    for (const k of [1, Math.floor(lambdas.length / 2), lambdas.length - 1]) {
      const single = fit(design, { ...options, lambda: lambdas[k], solver: 'cd' }).result;
      expect(Math.abs(single.objective - path[k].objective) / single.objective).toBeLessThan(1e-10);
      let scale = 1;
      single.coef.forEach((v) => (scale = Math.max(scale, Math.abs(v))));
      single.coef.forEach((v, j) => expect(Math.abs(path[k].coef[j] - v)).toBeLessThan(1e-6 * scale));
    }
  });
});

describe('path API edges', () => {
  const ref = loadReference('diabetes_glmnet.json');
  const design = loadDesign(ref.data, ref.features, ref.target);
  const options = { ...DEFAULT_FIT_OPTIONS, alpha: 1, standardize: true };

  it('the reference cases are points on the path', () => {
    const cases = ref.cases.filter((c) => c.standardize);
    const lambdas = Float64Array.from(cases.map((c) => c.lambda).sort((a, b) => b - a));
    const path = fitPath(design, options, lambdas);
    for (const pt of path) {
      const c = cases.find((cc) => cc.lambda === pt.lambda)!;
      ref.features.forEach((f, j) => expect(Math.abs(pt.coef[j] - c.coef[f])).toBeLessThan(1e-4 * 60));
      expect(pt.nonzero).toBe(Object.values(c.coef).filter((v) => v !== 0).length);
    }
  });

  it('ratio 1e-2 when m ≤ p, and explicit n / ratio', () => {
    const wide = { ...design, m: 5, x: design.x.slice(0, 5 * design.p), y: design.y.slice(0, 5) };
    const grid = defaultLambdaGrid(wide, options, 3);
    expect(grid[2] / grid[0]).toBeCloseTo(1e-2, 12);
    const custom = defaultLambdaGrid(design, options, 5, 0.1);
    expect(custom[4] / custom[0]).toBeCloseTo(0.1, 12);
    expect(defaultLambdaGrid(design, options, 1)).toHaveLength(1);
  });

  it('bad λ lists and grids are BAD_OPTIONS / BAD_DATA', () => {
    expect(() => fitPath(design, options, [1, -1])).toThrow(/lambdas\[1\]/);
    expect(() => defaultLambdaGrid(design, options, 0)).toThrow(/integer ≥ 1/);
    const flat = { ...design, y: new Float64Array(design.m).fill(3) };
    expect(() => defaultLambdaGrid(flat, options)).toThrow(/λ_max is 0/);
  });

  it('λ_max uses the unstandardized (centered) columns when standardize is off, as glmnet', () => {
    const raw = lambdaMax(design, { ...options, standardize: false });
    const path = fitPath(design, { ...options, standardize: false }, [raw, raw * 0.999]);
    expect(path[0].nonzero).toBe(0);
    expect(path[1].nonzero).toBeGreaterThan(0);
  });
});
