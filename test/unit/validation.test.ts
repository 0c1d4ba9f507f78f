// Held-out rows: the seeded train/validation/test split (checked against the permutation drawn here),
// the per-step validation loss and the final test loss (checked against independent evaluations of the
// final parameters on the held-out rows).
import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS } from '../../shared/datasets/builtins.ts';
import { fit, optimumObjective } from '../../shared/engine/fit.ts';
import { DEFAULT_FIT_OPTIONS, type FitOptions } from '../../shared/engine/types.ts';
import { heldOutLoss, splitRows, testLoss } from '../../shared/engine/validation.ts';
import { Pcg64 } from '../../shared/engine/random/pcg64.ts';
import { subsetRows } from '../../shared/engine/design.ts';

const diabetes = BUILTIN_DATASETS.find((d) => d.id === 'builtin:diabetes')!.design();
const logistic = BUILTIN_DATASETS.find((d) => d.id === 'builtin:logistic')!.design();

/** The split as its definition states it: PCG64(seed) permutation, first ⌈v·m⌉ validation, next ⌈t·m⌉ test. */
function expectedParts(m: number, v: number, t: number, seed: number): Uint8Array {
  const order = Uint32Array.from({ length: m }, (_, i) => i);
  Pcg64.fromSeed(seed).shuffle(order);
  const part = new Uint8Array(m);
  const nv = Math.ceil(v * m);
  const nt = Math.ceil(t * m);
  for (let k = 0; k < nv + nt; k++) part[order[k]] = k < nv ? 1 : 2;
  return part;
}

/** The validation split alone (no test rows). */
const trainValidation = (design: typeof diabetes, fraction: number, seed: number) => {
  const { train, validation } = splitRows(design, fraction, 0, seed);
  return { train, validation: validation! };
};

describe('train/validation split', () => {
  it('holds out ⌈f·m⌉ rows chosen by the seed, keeps row order, and partitions the data', () => {
    const a = trainValidation(diabetes, 0.2, 5);
    expect(a.validation.m).toBe(Math.ceil(0.2 * 442));
    expect(a.train.m + a.validation.m).toBe(442);
    const b = trainValidation(diabetes, 0.2, 5);
    expect(Array.from(b.validation.y)).toEqual(Array.from(a.validation.y));
    expect(Array.from(trainValidation(diabetes, 0.2, 6).validation.y)).not.toEqual(Array.from(a.validation.y));
    // Every row lands in exactly one part: the multisets of targets add up.
    const all = [...a.train.y, ...a.validation.y].sort((x, y) => x - y);
    expect(all).toEqual([...diabetes.y].sort((x, y) => x - y));
    expect(() => trainValidation(diabetes, 1, 0)).toThrow(/validation fraction must be in \[0, 1\)/);
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
      const { train, validation } = trainValidation(design, 0.25, 9);
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
    const { train } = trainValidation(diabetes, 0.3, 2);
    expect(optimumObjective(diabetes, options)).toBe(optimumObjective(train, { ...options, validationFraction: 0 }));
  });
});

describe('train/validation/test split', () => {
  it('takes validation and test rows from one seeded permutation, in row order, partitioning the data', () => {
    const part = expectedParts(442, 0.15, 0.2, 4);
    const { train, validation, test } = splitRows(diabetes, 0.15, 0.2, 4);
    expect(Array.from(validation!.y)).toEqual(Array.from(subsetRows(diabetes, (i) => part[i] === 1).y));
    expect(Array.from(test!.y)).toEqual(Array.from(subsetRows(diabetes, (i) => part[i] === 2).y));
    expect(Array.from(train.x)).toEqual(Array.from(subsetRows(diabetes, (i) => part[i] === 0).x));
    expect([validation!.m, test!.m, train.m]).toEqual([Math.ceil(0.15 * 442), Math.ceil(0.2 * 442), 442 - 67 - 89]);
  });

  it('without a test set, holds out exactly the first ⌈v·m⌉ rows of the permutation (older runs reproduce)', () => {
    const part = expectedParts(442, 0.25, 0, 9);
    const { train, validation, test } = splitRows(diabetes, 0.25, 0, 9);
    expect(test).toBeNull();
    expect(Array.from(validation!.y)).toEqual(Array.from(subsetRows(diabetes, (i) => part[i] === 1).y));
    expect(Array.from(train.y)).toEqual(Array.from(subsetRows(diabetes, (i) => part[i] === 0).y));
  });

  it('refuses fractions that leave nothing to train on, saying how many rows each part takes', () => {
    expect(() => splitRows(diabetes, 0.5, 0.5, 0)).toThrow(/holding out 442 of 442 rows \(221 validation, 221 test\) leaves none to train on/);
    expect(() => splitRows(diabetes, 0, 1, 0)).toThrow(/test fraction must be in \[0, 1\)/);
  });

  it('trains on the training rows only and reports the loss of the final parameters on the test rows', () => {
    const options = { ...DEFAULT_FIT_OPTIONS, lambda: 0.05, alpha: 0.5, standardize: true, solver: 'cd' as const, validationFraction: 0.1, testFraction: 0.25, seed: 3 };
    const { result } = fit(diabetes, options);
    const part = expectedParts(442, 0.1, 0.25, 3);
    const alone = fit(subsetRows(diabetes, (i) => part[i] === 0), { ...options, validationFraction: 0, testFraction: 0 }).result;
    expect(Array.from(result.coef)).toEqual(Array.from(alone.coef));
    expect(result.intercept).toBe(alone.intercept);
    // ½·mean squared error on the test rows, from the printed parameters.
    let sum = 0;
    let n = 0;
    for (let i = 0; i < diabetes.m; i++) {
      if (part[i] !== 2) continue;
      let prediction = result.intercept;
      for (let j = 0; j < diabetes.p; j++) prediction += diabetes.x[i * diabetes.p + j] * result.coef[j];
      sum += 0.5 * (prediction - diabetes.y[i]) ** 2;
      n++;
    }
    expect(Math.abs(testLoss(diabetes, options, result)! - sum / n)).toBeLessThan(1e-12 * (sum / n));
    expect(testLoss(diabetes, { ...options, testFraction: 0 }, result)).toBeNull();
    // J* is that of the training rows alone.
    expect(optimumObjective(diabetes, options)).toBe(optimumObjective(subsetRows(diabetes, (i) => part[i] === 0), { ...options, validationFraction: 0, testFraction: 0 }));
  });
});
