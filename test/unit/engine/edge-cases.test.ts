import { describe, expect, it } from 'vitest';
import { fit, optimumObjective, startFit } from '../../../shared/engine/fit.ts';
import { columnScaling } from '../../../shared/engine/design.ts';
import { fitKkt } from '../../../shared/engine/objective.ts';
import { DEFAULT_FIT_OPTIONS, type Design, type FitOptions, type SolverKind } from '../../../shared/engine/types.ts';
import { loadDesign, loadReference } from './loadCsv.ts';

/** Deterministic pseudo-random numbers for synthetic data (not the engine's PRNG; tests only). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function design(rows: number[][], y: number[]): Design {
  const m = rows.length;
  const p = m > 0 ? rows[0].length : 0;
  return { x: Float64Array.from(rows.flat()), y: Float64Array.from(y), m, p, featureNames: Array.from({ length: p }, (_, j) => `x${j + 1}`) };
}

function randomDesign(m: number, p: number, seed: number): Design {
  const r = noise(seed);
  const rows = Array.from({ length: m }, () => Array.from({ length: p }, () => r()));
  const y = rows.map((row) => 3 * row[0] - 2 * row[1] + row[2] + 0.1 * r());
  return design(rows, y);
}

const opts = (o: Partial<FitOptions>): FitOptions => ({ ...DEFAULT_FIT_OPTIONS, ...o });
const finite = (a: Float64Array): boolean => a.every((v) => Number.isFinite(v));

describe('wide data (p > n)', () => {
  const d = randomDesign(20, 60, 1);
  it.each(['cd', 'fista'] as const)('lasso with %s: at most m nonzeros, KKT ≈ 0', (solver) => {
    const o = opts({ lambda: 0.01, alpha: 1, solver, standardize: true });
    const { result } = fit(d, o);
    expect(result.status).toBe('completed');
    expect(result.coef.filter((v) => v !== 0).length).toBeLessThanOrEqual(20);
    expect(fitKkt(d, o, result.intercept, result.coef).max).toBeLessThan(1e-6);
  });
  it('ridge: cd equals the closed form', () => {
    const o = opts({ lambda: 0.05, alpha: 0 });
    const a = fit(d, { ...o, solver: 'cd' }).result;
    const b = fit(d, { ...o, solver: 'closed' }).result;
    expect(Math.abs(a.objective - b.objective) / b.objective).toBeLessThan(1e-10);
  });
  it('λ = 0: cd interpolates (J → 0) without NaN, within its pass cap', () => {
    const { result } = fit(d, opts({ lambda: 0, solver: 'cd', maxIter: 20000 }));
    expect(result.status).toBe('completed');
    expect(finite(result.coef)).toBe(true);
    expect(result.objective).toBeLessThan(1e-6);
  });
});

describe('collinear and constant columns', () => {
  const base = randomDesign(50, 3, 2);
  // Columns: x1, x1 again (collinear), a constant 7, x2, x3.
  const rows: number[][] = [];
  for (let i = 0; i < base.m; i++) rows.push([base.x[i * 3], base.x[i * 3], 7, base.x[i * 3 + 1], base.x[i * 3 + 2]]);
  const d = design(rows, Array.from(base.y));

  it.each([
    ['cd', true],
    ['cd', false],
    ['fista', true],
    ['fista', false],
  ] as const)('%s (standardize %s): constant column exactly 0, duplicates share, KKT ≈ 0', (solver, standardize) => {
    const o = opts({ lambda: 0.01, alpha: 0.5, solver: solver as SolverKind, standardize });
    const { result } = fit(d, o);
    expect(result.status).toBe('completed');
    expect(result.coef[2]).toBe(0);
    // With an L2 part the duplicated columns get equal coefficients.
    expect(Math.abs(result.coef[0] - result.coef[1])).toBeLessThan(1e-6);
    expect(fitKkt(d, o, result.intercept, result.coef).max).toBeLessThan(1e-6);
  });

  it('λ = 0: the closed form refuses (singular) but optimumObjective falls back to cd', () => {
    expect(() => fit(d, opts({ lambda: 0, solver: 'closed' }))).toThrow(/no unique solution/);
    const star = optimumObjective(d, opts({ lambda: 0 }));
    const cd = fit(d, opts({ lambda: 0, solver: 'cd' })).result;
    expect(star).not.toBeNull();
    expect(Math.abs(star! - cd.objective)).toBeLessThan(1e-12);
  });
});

describe('wildly different column scales', () => {
  const base = randomDesign(80, 3, 3);
  const factors = [1e-20, 1, 1e8];
  const scaled: Design = { ...base, x: base.x.map((v, k) => v * factors[k % 3]) };
  it.each(['cd', 'fista'] as const)('%s with standardize: coefficients scale back exactly (scale invariance)', (solver) => {
    const o = opts({ lambda: 0.01, alpha: 0.8, standardize: true, solver });
    const a = fit(base, o).result;
    const b = fit(scaled, o).result;
    a.coef.forEach((v, j) => expect(Math.abs(b.coef[j] * factors[j] - v)).toBeLessThan(1e-7 * Math.max(1, Math.abs(v))));
    expect(Math.abs(a.objective - b.objective) / a.objective).toBeLessThan(1e-10);
  });
  it('cd without standardize converges (per-coordinate steps are scale-free)', () => {
    const o = opts({ lambda: 1e-4, alpha: 1, solver: 'cd' });
    const { result } = fit(scaled, o);
    expect(result.converged).toBe(true);
    expect(finite(result.coef)).toBe(true);
    // KKT relative to the gradient scale of each column, ‖x_j‖·‖y‖/m.
    const kkt = fitKkt(scaled, o, result.intercept, result.coef);
    kkt.residuals.forEach((r, j) => expect(r / Math.max(1, factors[j])).toBeLessThan(1e-8));
  });
});

describe('logistic: separable classes', () => {
  // Completely separable: label 1 exactly when x1 + x2 > 0.
  const r = noise(4);
  const rows = Array.from({ length: 40 }, () => [r(), r()]);
  const separable = design(rows, rows.map(([a, b]) => (a + b > 0 ? 1 : 0)));
  // Quasi-complete: x = 0 carries both labels; the rest is separated by sign(x).
  const quasi = design([[-2], [-1], [0], [0], [1], [2]], [0, 0, 0, 1, 1, 1]);

  it.each(['cd', 'fista', 'gd'] as const)('λ = 0 with %s: ends "diverged", saying why', (solver) => {
    for (const d of [separable, quasi]) {
      const { result } = fit(d, opts({ model: 'logistic', lambda: 0, solver, maxIter: 5000 }));
      expect(result.status, solver).toBe('diverged');
      expect(result.statusReason).toMatch(/separable.*no minimizer.*grow without bound/);
      expect(finite(result.coef)).toBe(true);
      expect(result.converged).toBe(false);
    }
  });

  it.each(['cd', 'fista'] as const)('λ > 0 with %s: a finite optimum', (solver) => {
    const o = opts({ model: 'logistic', lambda: 0.01, alpha: 0.5, solver });
    const { result } = fit(separable, o);
    expect(result.status).toBe('completed');
    expect(result.converged).toBe(true);
    expect(fitKkt(separable, o, result.intercept, result.coef).max).toBeLessThan(1e-6);
  });

  it('non-separable data with λ = 0 converge (no false separation)', () => {
    const ref = loadReference('logistic_synth_glmnet.json');
    const d = loadDesign(ref.data, ref.features, ref.target);
    const o = opts({ model: 'logistic', lambda: 0, solver: 'cd' });
    const { result } = fit(d, o);
    expect(result.status).toBe('completed');
    expect(result.converged).toBe(true);
    expect(fitKkt(d, o, result.intercept, result.coef).max).toBeLessThan(1e-8);
  });
});

describe('degenerate data', () => {
  it.each(['cd', 'fista', 'closed', 'gd'] as const)('a single row, linear (%s): intercept = y, w = 0', (solver) => {
    const d = design([[1, 2, 3]], [5]);
    const { result } = fit(d, opts({ lambda: 0.1, alpha: solver === 'closed' ? 0 : 0.5, solver, maxIter: 5000 }));
    expect(result.status).toBe('completed');
    if (solver !== 'gd') {
      // cd, fista (centered) and the closed form see centered columns that are all 0.
      expect(result.intercept).toBeCloseTo(5, 10);
      expect(Array.from(result.coef)).toEqual([0, 0, 0]);
    } else {
      // Textbook gd with an L1 subgradient hovers around w = 0 instead of reaching it.
      expect(finite(result.coef)).toBe(true);
      expect(result.objective).toBeLessThan(1e-2);
    }
  });

  it.each(['cd', 'fista', 'closed'] as const)('a constant target, linear (%s): intercept = mean, w = 0', (solver) => {
    const d = { ...randomDesign(30, 4, 5), y: new Float64Array(30).fill(2.5) };
    for (const standardize of [false, true]) {
      const { result } = fit(d, opts({ lambda: 0.1, alpha: solver === 'closed' ? 0 : 1, solver, standardize }));
      // fista stops at KKT norm ≤ 1e-10, which bounds |b − 2.5| (the intercept's gradient) by 1e-10.
      const tolerance = solver === 'fista' ? 1e-10 : 1e-12;
      expect(Math.abs(result.intercept - 2.5)).toBeLessThanOrEqual(tolerance);
      result.coef.forEach((v) => expect(Math.abs(v)).toBeLessThan(tolerance));
    }
  });

  it('logistic with one class: BAD_DATA with an intercept (no minimizer); well posed without', () => {
    const d = { ...randomDesign(30, 3, 6), y: new Float64Array(30).fill(1) };
    expect(() => startFit(d, opts({ model: 'logistic', lambda: 0.1 }))).toThrow(/every label is 1.*\+∞/);
    expect(() => startFit({ ...d, y: new Float64Array(30) }, opts({ model: 'logistic', lambda: 0.1 }))).toThrow(/every label is 0/);
    const { result } = fit(d, opts({ model: 'logistic', lambda: 0.1, fitIntercept: false, solver: 'cd' }));
    expect(result.status).toBe('completed');
    expect(finite(result.coef)).toBe(true);
  });

  it('logistic labels must be 0/1; a single row is one class', () => {
    const d = { ...randomDesign(10, 2, 7), y: new Float64Array(10).fill(0.5) };
    expect(() => startFit(d, opts({ model: 'logistic' }))).toThrow(/labels 0 or 1; row 0/);
    try {
      startFit(design([[1]], [1]), opts({ model: 'logistic' }));
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('BAD_DATA');
    }
    expect(() => startFit(design([[1]], [1]), opts({ model: 'logistic', solver: 'closed', fitIntercept: false }))).toThrow(/no closed form/);
  });

  it('no features: intercept-only models', () => {
    const lin = fit(design([[], [], []], [1, 2, 6]), opts({ solver: 'cd' })).result;
    expect(lin.intercept).toBeCloseTo(3, 12);
    const log = fit(design([[], [], [], []], [1, 0, 0, 0]), opts({ model: 'logistic', solver: 'cd' })).result;
    expect(log.intercept).toBeCloseTo(Math.log(1 / 3), 10);
  });

  it('columnScaling without intercept follows glmnet 4.x: scale = (1/m)-std, no centering', () => {
    const d = design([[1], [2], [3], [6]], [0, 0, 0, 0]);
    const s = columnScaling(d, false);
    expect(s.means[0]).toBe(0);
    expect(s.scales[0]).toBeCloseTo(Math.sqrt(3.5), 14);
  });
});
