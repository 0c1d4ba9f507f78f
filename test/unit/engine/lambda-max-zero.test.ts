/**
 * At λ_max every coefficient is exactly 0 (issue 15, item 9: a logistic sweep's first λ showed "nonzero 1",
 * a stored −2e−16 coefficient, and ranked on it). λ_max is the smallest λ at which the null model is
 * optimal (glmnet's definition, path.ts lambdaMax), so the path's first point must be the null model
 * itself, not a solver step that rounding moved by 1e-16. Checked on seeded designs for both models,
 * lasso and elastic net, with and without standardization, from the rows and (linear) from fold moments.
 */
import { describe, expect, it } from 'vitest';
import { glmnetDesign, logisticDesign } from '../../../bench/data.ts';
import { cvLambdaGrid, fullPathCell, randomFolds, sharedMoments } from '../../../shared/engine/cv.ts';
import { fitPath, lambdaMax } from '../../../shared/engine/path.ts';
import type { Design } from '../../../shared/engine/types.ts';

const shapes = Array.from({ length: 12 }, (_, s) => ({ m: 150 + 41 * s, p: 4 + (s % 5) * 4, seed: s }));

function expectNullAtFirst(design: Design, model: 'linear' | 'logistic', alpha: number, standardize: boolean, what: string): void {
  const options = { model, alpha, standardize, fitIntercept: true, tol: 1e-7 };
  const moments = model === 'linear' ? sharedMoments(design, randomFolds(design.m, 5, 0), options) : undefined;
  const grid = cvLambdaGrid(design, options, moments, 4);
  const full = fullPathCell(design, grid, options, moments);
  const first = Array.from(full.coefs.subarray(0, design.p));
  expect(first.filter((c) => c !== 0), `${what}: coefficients at λ_max`).toEqual([]);
  expect(full.nonzero[0], what).toBe(0);
  // Below λ_max the path does move (the test would pass trivially on a path that never leaves 0).
  expect(full.nonzero[3], `${what}: nonzeros at the last λ`).toBeGreaterThan(0);
}

describe('λ_max gives exactly zero coefficients', () => {
  for (const alpha of [1, 0.5, 0.1]) {
    for (const standardize of [true, false]) {
      it(`logistic, α = ${alpha}, standardize ${standardize}`, () => {
        for (const { m, p, seed } of shapes) expectNullAtFirst(logisticDesign(m, p, 0.5, seed), 'logistic', alpha, standardize, `${m} × ${p} seed ${seed}`);
      });
      it(`linear, α = ${alpha}, standardize ${standardize}`, () => {
        for (const { m, p, seed } of shapes) expectNullAtFirst(glmnetDesign(m, p, 0.5, seed), 'linear', alpha, standardize, `${m} × ${p} seed ${seed}`);
      });
    }
  }

  it('a λ just below λ_max moves a coefficient (λ_max is the smallest such λ, not merely an upper bound)', () => {
    for (const { m, p, seed } of shapes.slice(0, 4)) {
      const design = logisticDesign(m, p, 0.5, seed);
      const options = { model: 'logistic' as const, alpha: 1, standardize: true, fitIntercept: true, tol: 1e-10 };
      const top = lambdaMax(design, options);
      const [atMax, below] = fitPath(design, options, [top, top * (1 - 1e-6)]);
      expect(atMax.nonzero).toBe(0);
      expect(below.nonzero).toBeGreaterThan(0);
    }
  });
});
