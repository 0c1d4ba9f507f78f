// Held-out validation: the seeded split, and the per-step validation loss (checked against an
// independent evaluation of the final parameters on the held-out rows).
import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS } from '../../shared/datasets/builtins.ts';
import { fit, optimumObjective } from '../../shared/engine/fit.ts';
import { DEFAULT_FIT_OPTIONS, type FitOptions } from '../../shared/engine/types.ts';
import { heldOutLoss, trainValidationSplit } from '../../shared/engine/validation.ts';

const diabetes = BUILTIN_DATASETS.find((d) => d.id === 'builtin:diabetes')!.design();
const logistic = BUILTIN_DATASETS.find((d) => d.id === 'builtin:logistic')!.design();

describe('train/validation split', () => {
  it('holds out ⌈f·m⌉ rows chosen by the seed, keeps row order, and partitions the data', () => {
    const a = trainValidationSplit(diabetes, 0.2, 5);
    expect(a.validation.m).toBe(Math.ceil(0.2 * 442));
    expect(a.train.m + a.validation.m).toBe(442);
    const b = trainValidationSplit(diabetes, 0.2, 5);
    expect(Array.from(b.validation.y)).toEqual(Array.from(a.validation.y));
    expect(Array.from(trainValidationSplit(diabetes, 0.2, 6).validation.y)).not.toEqual(Array.from(a.validation.y));
    // Every row lands in exactly one part: the multisets of targets add up.
    const all = [...a.train.y, ...a.validation.y].sort((x, y) => x - y);
    expect(all).toEqual([...diabetes.y].sort((x, y) => x - y));
    expect(() => trainValidationSplit(diabetes, 1, 0)).toThrow(/must be in \(0, 1\)/);
  });
});

describe('validation loss per step', () => {
  for (const [name, design, options] of [
    ['linear lasso (cd)', diabetes, { ...DEFAULT_FIT_OPTIONS, lambda: 0.5, alpha: 1, standardize: true, solver: 'cd' }],
    ['logistic ridge (gd)', logistic, { ...DEFAULT_FIT_OPTIONS, model: 'logistic', lambda: 0.01, solver: 'gd', maxIter: 200 }],
    ['MLP classifier (adam)', logistic, { ...DEFAULT_FIT_OPTIONS, model: 'mlp', task: 'classification', hidden: [6], solver: 'adam', maxIter: 15, learningRate: 0.01 }],
  ] as [string, typeof diabetes, FitOptions][]) {
    it(`${name}: recorded at every step, the last equals the final model's loss on the held-out rows`, () => {
      const withVal = { ...options, validationFraction: 0.25, seed: 9 };
      const { result, session } = fit(design, withVal);
      const history = session.metricsSince(0);
      const losses = history.columns.validationLoss;
      expect(losses.every(Number.isFinite)).toBe(true);
      const { train, validation } = trainValidationSplit(design, 0.25, 9);
      expect(losses[history.count - 1]).toBe(heldOutLoss(result, validation, withVal));
      // Training used only the training rows: the same fit on them alone gives the same parameters.
      const alone = fit(train, { ...options, seed: 9 }).result;
      expect(Array.from(result.coef)).toEqual(Array.from(alone.coef));
      expect(result.intercept).toBe(alone.intercept);
      // An MLP's parameters are its layers (coef is empty and the intercept 0 for it).
      expect(result.layers === null).toBe(options.model !== 'mlp');
      expect(result.layers).toEqual(alone.layers);
    });
  }

  it('J* is the optimum of the training rows when rows are held out', () => {
    const options = { ...DEFAULT_FIT_OPTIONS, lambda: 1, alpha: 0, validationFraction: 0.3, seed: 2 };
    const { train } = trainValidationSplit(diabetes, 0.3, 2);
    expect(optimumObjective(diabetes, options)).toBe(optimumObjective(train, { ...options, validationFraction: 0 }));
  });
});
