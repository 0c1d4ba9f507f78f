// What the New run form refuses before a run starts (shared/runPreflight.ts) is exactly what the engine
// refuses when it trains: each problem is compared with the error the engine throws on the real data.
import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS } from '../../shared/datasets/builtins.ts';
import { fit } from '../../shared/engine/fit.ts';
import { DEFAULT_FIT_OPTIONS, type FitOptions } from '../../shared/engine/types.ts';
import { dataProblems, optionProblems } from '../../shared/runPreflight.ts';

const diabetes = BUILTIN_DATASETS.find((d) => d.id === 'builtin:diabetes')!.design();
const logistic = BUILTIN_DATASETS.find((d) => d.id === 'builtin:logistic')!.design();
const options = (changes: Partial<FitOptions>): FitOptions => ({ ...DEFAULT_FIT_OPTIONS, lambda: 0.1, maxIter: 5, ...changes });

/** The engine's own refusal when it trains on `design`, or null when it trains. */
function engineRefusal(design: typeof diabetes, o: FitOptions): string | null {
  try {
    fit(design, o);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('optionProblems', () => {
  it.each([
    ['the closed form with an L1 part', { solver: 'closed', alpha: 1 }],
    ['the closed form for logistic regression', { model: 'logistic', solver: 'closed' }],
    ['coordinate descent for an MLP', { model: 'mlp', solver: 'cd', init: 'random' }],
    ['a learning-rate decay of 0', { solver: 'adam', lrDecay: 0 }],
  ] as const)('refuses %s with the message the engine gives when it trains', (_, changes) => {
    const o = options(changes as Partial<FitOptions>);
    const data = o.model === 'logistic' ? logistic : diabetes;
    const problems = optionProblems(o, data.p);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe(engineRefusal(data, o));
  });

  it.each([
    ['ridge in closed form', { solver: 'closed', alpha: 0 }],
    ['lasso by coordinate descent', { solver: 'cd', alpha: 1 }],
    ['auto on a logistic model', { model: 'logistic', solver: 'auto', alpha: 0.5 }],
    ['an MLP classifier by adam', { model: 'mlp', task: 'classification', solver: 'adam', init: 'random' }],
  ] as const)('accepts %s, as the engine does', (_, changes) => {
    const o = options(changes as Partial<FitOptions>);
    const data = o.model === 'linear' ? diabetes : logistic;
    expect(optionProblems(o, data.p)).toEqual([]);
    expect(engineRefusal(data, o)).toBeNull();
  });

  it('costs next to nothing whatever the network (the probe has one unit per layer)', () => {
    const started = performance.now();
    expect(optionProblems(options({ model: 'mlp', solver: 'adam', hidden: [4096, 4096, 4096], init: 'random' }), 10_000)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('dataProblems', () => {
  it('refuses a logistic model on a target that is not 0/1, naming a row, as the engine does', () => {
    const o = options({ model: 'logistic', solver: 'cd' });
    const problems = dataProblems(diabetes, o);
    expect(problems).toEqual([engineRefusal(diabetes, o)]);
    expect(problems[0]).toMatch(/^logistic regression needs labels 0 or 1; row 0 has 151$/);
  });

  it('refuses a classifier on one class with an intercept, and accepts it without one', () => {
    const oneClass = { ...logistic, y: new Float64Array(logistic.m).fill(1) };
    expect(dataProblems(oneClass, options({ model: 'mlp', task: 'classification' }))[0]).toMatch(/every label is 1/);
    expect(dataProblems(oneClass, options({ model: 'logistic', fitIntercept: false }))).toEqual([]);
  });

  it('asks nothing of a regression target', () => {
    expect(dataProblems(diabetes, options({ model: 'mlp', task: 'regression' }))).toEqual([]);
  });
});
