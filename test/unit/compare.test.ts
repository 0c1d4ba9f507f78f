// The Compare view's pure part (renderer/src/lib/compare.ts): which hyperparameters differ, the
// only-differences filter, best values, coefficients per feature, sparsity, and the parallel-coordinates
// scales (log for λ and the learning rate, λ = 0 at the bottom of a log axis). Expected numbers are
// computed here from the inputs (log10 by hand, counts of the zeros written in the fixtures).
import { describe, expect, it } from 'vitest';
import type { Hyperparams, RunDetail, RunParameter } from '../../shared/domain/runs.ts';
import { runDetail, type RunHyperparams } from '../helpers/runDetail.ts';
import {
  axisScale,
  coefficientTable,
  featuresToDraw,
  hyperparamRows,
  LOG_SPAN,
  metricRows,
  parallelAxes,
  sparsityOf,
  visibleHyperparamRows,
  ZERO_GAP,
} from '../../renderer/src/lib/compare.ts';

let nextId = 0;

/** A finished run's record (test/helpers/runDetail.ts), each with an id of its own. */
function run(hyper: RunHyperparams, extra: Partial<RunDetail> = {}): RunDetail {
  const id = `run-${++nextId}`;
  return runDetail(hyper, { id, name: id, ...extra });
}

const linear = (lambda: number, extra: Partial<Hyperparams> = {}, detail: Partial<RunDetail> = {}): RunDetail =>
  run({ model: 'linear', lambda, alpha: 1, solver: 'cd', ...extra }, detail);

const params = (intercept: number, coefs: Record<string, number>): RunParameter[] => [
  { name: '(intercept)', value: intercept },
  ...Object.entries(coefs).map(([name, value]) => ({ name, value })),
];

const byKey = <T extends { key: string }>(rows: readonly T[], key: string): T => {
  const row = rows.find((r) => r.key === key);
  if (!row) throw new Error(`no row ${key}`);
  return row;
};

describe('hyperparameter rows', () => {
  it('flags the rows whose values differ and leaves equal ones unflagged', () => {
    const runs = [linear(0.01), linear(1), linear(100)];
    const rows = hyperparamRows(runs);
    expect(byKey(rows, 'lambda').differs).toBe(true);
    expect(byKey(rows, 'lambda').raw).toEqual([0.01, 1, 100]);
    for (const same of ['alpha', 'model', 'solver', 'dataset', 'seed', 'batchSize', 'standardize']) expect(byKey(rows, same).differs, same).toBe(false);
    // The runs differ in λ alone: it is the one row flagged.
    expect(rows.filter((row) => row.differs).map((row) => row.key)).toEqual(['lambda']);
    expect(rows.every((row) => row.values.length === runs.length)).toBe(true);
  });

  it('compares hidden sizes by content, and shows the MLP rows only when an MLP is compared', () => {
    expect(hyperparamRows([linear(1), linear(2)]).some((row) => row.key === 'hidden')).toBe(false);
    const mlp = (hidden: number[]) => run({ model: 'mlp', lambda: 0.1, alpha: 0, solver: 'adam', hidden });
    expect(byKey(hyperparamRows([mlp([16, 8]), mlp([16, 8])]), 'hidden').differs).toBe(false);
    expect(byKey(hyperparamRows([mlp([16, 8]), mlp([16, 4])]), 'hidden').differs).toBe(true);
    const mixed = hyperparamRows([mlp([16]), linear(0.1)]);
    expect(byKey(mixed, 'hidden').values).toEqual(['16', 'n/a']);
    expect(byKey(mixed, 'hidden').differs).toBe(true);
  });

  it('counts an unset learning rate as different from a set one, and auto resolving differently as different', () => {
    const rows = hyperparamRows([linear(1, { solver: 'gd', learningRate: 0.01 }), linear(1, { solver: 'gd' })]);
    expect(byKey(rows, 'learningRate').differs).toBe(true);
    expect(byKey(rows, 'learningRate').values).toEqual(['0.01', "solver's own"]);
    expect(byKey(hyperparamRows([linear(1, { solver: 'gd' }), linear(2, { solver: 'gd' })]), 'learningRate').differs).toBe(false);
    const autoCd = run({ model: 'linear', lambda: 1, alpha: 0, solver: 'auto' }, { resolvedSolver: 'cd' });
    const autoClosed = run({ model: 'linear', lambda: 1, alpha: 0, solver: 'auto' }, { resolvedSolver: 'closed' });
    const solver = byKey(hyperparamRows([autoCd, autoClosed]), 'solver');
    expect(solver.differs).toBe(true);
    expect(solver.values).toEqual(['auto → cd', 'auto → closed']);
  });

  it('"only differences" keeps exactly the differing rows, in order', () => {
    const rows = hyperparamRows([linear(0.01, { seed: 1 }), linear(1, { seed: 2 }), linear(1, { seed: 2 })]);
    expect(visibleHyperparamRows(rows, true).map((r) => r.key)).toEqual(['lambda', 'seed']);
    expect(visibleHyperparamRows(rows, false)).toEqual(rows);
    expect(visibleHyperparamRows(hyperparamRows([linear(1), linear(1)]), true)).toEqual([]);
  });
});

describe('coefficients and sparsity', () => {
  it('counts exact zeros among the coefficients, never the intercept', () => {
    const r = linear(1, {}, { parameters: params(0, { a: 0, b: 1.5, c: 0, d: -2, e: 0 }) });
    expect(sparsityOf(r)).toEqual({ of: 'coefficients', total: 5, zeros: 3, nonzero: 2, share: 3 / 5 });
    const dense = linear(1, {}, { parameters: params(3, { a: 1e-300, b: -4 }) });
    expect(sparsityOf(dense)).toMatchObject({ zeros: 0, nonzero: 2, share: 0 });
    expect(sparsityOf(linear(1)).share).toBeNull();
  });

  it('counts an MLP’s weights, not its biases', () => {
    const mlp = run(
      { model: 'mlp', lambda: 0.1, alpha: 1, solver: 'fista', hidden: [2] },
      {
        parameters: [
          { name: 'layer1.w[0,0]', value: 0 },
          { name: 'layer1.w[0,1]', value: 0.5 },
          { name: 'layer1.w[1,0]', value: 0 },
          { name: 'layer1.w[1,1]', value: 0 },
          { name: 'layer1.b[0]', value: 0 },
          { name: 'layer1.b[1]', value: 0 },
          { name: 'layer2.w[0,0]', value: 2 },
          { name: 'layer2.w[0,1]', value: 0 },
          { name: 'layer2.b[0]', value: 0 },
        ],
      },
    );
    expect(sparsityOf(mlp)).toEqual({ of: 'weights', total: 6, zeros: 4, nonzero: 2, share: 4 / 6 });
  });

  it('lines up the union of the features, NaN where a run has none, and says an MLP has none', () => {
    const a = linear(1, {}, { parameters: params(10, { x1: 1, x2: 2, x3: 3 }) });
    const b = linear(2, {}, { parameters: params(20, { x1: -1, x3: -3, x4: -4 }) });
    const mlp = run({ model: 'mlp', lambda: 0.1, alpha: 0, solver: 'adam' }, { parameters: [{ name: 'layer1.w[0,0]', value: 1 }] });
    const table = coefficientTable([a, b, mlp]);
    expect(table.features).toEqual(['x1', 'x2', 'x3', 'x4']);
    expect(table.values).toEqual([
      [1, -1, Number.NaN],
      [2, Number.NaN, Number.NaN],
      [3, -3, Number.NaN],
      [Number.NaN, -4, Number.NaN],
    ]);
    expect(table.intercepts).toEqual([10, 20, null]);
    expect(table.notes[0]).toBeNull();
    expect(table.notes[2]).toMatch(/MLP has no per-feature coefficients/);
  });

  it('draws every feature when they fit, else the largest in table order', () => {
    const a = linear(1, {}, { parameters: params(0, { p: 0.1, q: -5, r: 0, s: 3, t: Number.NaN }) });
    const b = linear(1, {}, { parameters: params(0, { p: 0.2, q: 1, r: 0.05, s: -0.5, t: 0 }) });
    const table = coefficientTable([a, b]);
    expect(featuresToDraw(table, 10)).toEqual([0, 1, 2, 3, 4]);
    // Largest |value| per feature: p 0.2, q 5, r 0.05, s 3, t 0 (NaN ignored): q and s, then p.
    expect(featuresToDraw(table, 2)).toEqual([1, 3]);
    expect(featuresToDraw(table, 3)).toEqual([0, 1, 3]);
  });
});

describe('final metrics', () => {
  const final = (objective: number, dataLoss: number, suboptimality: number, testLoss: number | null = null) => ({
    objective,
    dataLoss,
    penalty: objective - dataLoss,
    optimumObjective: objective - suboptimality,
    suboptimality,
    nonzero: null,
    testLoss,
  });

  it('never ranks the objective, the training loss, J − J*, the iterations or the time, and says why', () => {
    // λ = 0.01 has the lowest objective and data loss by construction, and λ = 100 the exact optimum (J − J* = 0).
    const runs = [
      linear(0.01, {}, { final: final(3, 1, 1e-9), iterations: 50, parameters: params(0, { a: 1, b: 2 }) }),
      linear(1, {}, { final: final(2, 1, 1e-12), iterations: 20, parameters: params(0, { a: 0, b: 2 }) }),
      linear(100, {}, { final: final(5, 4, 0), iterations: 5, parameters: params(0, { a: 0, b: 0 }) }),
    ];
    const rows = metricRows(runs);
    for (const key of ['objective', 'dataLoss', 'suboptimality', 'iterations', 'fitMs', 'nonzero', 'sparsity']) {
      expect(byKey(rows, key).best, key).toEqual([false, false, false]);
      expect(byKey(rows, key).note, key).toBeNull();
    }
    expect(byKey(rows, 'objective').about).toMatch(/least penalized one is lowest by construction/);
    expect(byKey(rows, 'dataLoss').about).toMatch(/least regularized run wins by construction/);
    expect(byKey(rows, 'suboptimality').about).toMatch(/the solver’s accuracy, not the model’s quality/);
    expect(byKey(rows, 'suboptimality').formatted).toEqual(['1e-9', '1e-12', '0']);
    expect(byKey(rows, 'nonzero').values).toEqual([2, 1, 0]);
    expect(byKey(rows, 'sparsity').values).toEqual([0, 1 / 2, 1]);
    expect(byKey(rows, 'sparsity').formatted[1]).toBe('50% (1 of 2 zero)');
    expect(rows.some((row) => row.key === 'validationLoss' || row.key === 'testLoss')).toBe(false);
  });

  it('ranks the validation loss of runs holding out the same rows of the same data, whatever their λ, solver or test share', () => {
    const a = linear(0.01, { validationFraction: 0.2 }, { final: final(3, 1, 0) });
    const b = linear(1, { validationFraction: 0.2, solver: 'closed', alpha: 0 }, { final: final(2, 2, 0) });
    // Another test share leaves the validation rows as they are (the first ⌈v·m⌉ of the same permutation).
    const c = linear(0.1, { validationFraction: 0.2, testFraction: 0.1 }, { final: final(2, 2, 0, 0.9) });
    // No validation rows: n/a, and no obstacle to ranking the others.
    const d = linear(0.1, {}, { final: final(1, 1, 0) });
    const mlp = run({ model: 'mlp', lambda: 0.1, alpha: 0, solver: 'adam', validationFraction: 0.2 }, { final: { ...final(1, 1, 0), suboptimality: null } });
    const losses = new Map([[a.id, 0.7], [b.id, 0.4], [c.id, 0.5], [d.id, null], [mlp.id, 0.45]]);
    const rows = metricRows([a, b, c, d, mlp], { validationLoss: losses });
    const validation = byKey(rows, 'validationLoss');
    expect(validation.values).toEqual([0.7, 0.4, 0.5, null, 0.45]);
    expect(validation.formatted[3]).toBe('n/a');
    // An MLP regression's squared loss on the same rows is the same kind of number as a linear model's.
    expect(validation.best).toEqual([false, true, false, false, false]);
    expect(validation.note).toBeNull();
    // One run has a test loss: nothing to rank it against; the others' test loss does not apply.
    const test = byKey(rows, 'testLoss');
    expect(test.formatted).toEqual(['n/a', 'n/a', '0.9', 'n/a', 'n/a']);
    expect(test.best).toEqual([false, false, false, false, false]);
    // J* is not known for a network (its objective is not convex).
    expect(byKey(rows, 'suboptimality').formatted[4]).toBe('n/a');
    // The stored final validation loss serves when no per-step column was read.
    const stored = metricRows([{ ...a, final: { ...a.final, validationLoss: 0.3 } }, { ...b, final: { ...b.final, validationLoss: 0.6 } }]);
    expect(byKey(stored, 'validationLoss').best).toEqual([true, false]);
  });

  it('does not rank held-out losses of other rows, other data or another loss, and says which', () => {
    const losses = (...pairs: [RunDetail, number][]) => ({ validationLoss: new Map(pairs.map(([r, v]) => [r.id, v])) });
    const a = linear(0.01, { validationFraction: 0.2 });
    const share = linear(1, { validationFraction: 0.3 });
    expect(byKey(metricRows([a, share], losses([a, 0.5], [share, 0.4])), 'validationLoss').note).toMatch(/hold out different validation rows/);
    const seed = linear(1, { validationFraction: 0.2, seed: 7 });
    expect(byKey(metricRows([a, seed], losses([a, 0.5], [seed, 0.4])), 'validationLoss').best).toEqual([false, false]);
    const prostate = linear(1, { validationFraction: 0.2 }, { datasetId: 'builtin:prostate' });
    expect(byKey(metricRows([a, prostate], losses([a, 0.5], [prostate, 0.4])), 'validationLoss').note).toMatch(/different data sets/);
    const logistic = run({ model: 'logistic', lambda: 1, alpha: 1, solver: 'cd', validationFraction: 0.2 });
    expect(byKey(metricRows([a, logistic], losses([a, 0.5], [logistic, 0.4])), 'validationLoss').note).toMatch(/different losses/);

    // Test rows follow the validation rows: another validation share moves them.
    const t1 = linear(0.01, { testFraction: 0.2 }, { final: final(1, 1, 0, 0.8) });
    const t2 = linear(1, { testFraction: 0.2 }, { final: final(1, 1, 0, 0.6) });
    const t3 = linear(1, { testFraction: 0.2, validationFraction: 0.1 }, { final: final(1, 1, 0, 0.5) });
    expect(byKey(metricRows([t1, t2]), 'testLoss').best).toEqual([false, true]);
    const moved = byKey(metricRows([t1, t2, t3]), 'testLoss');
    expect(moved.best).toEqual([false, false, false]);
    expect(moved.note).toMatch(/hold out different test rows/);
  });
});

describe('hyperparameters that do not apply', () => {
  it('shows n/a for the learning rate, batch size, momentum and decay of cd and the closed form, and no iterations for the closed form', () => {
    const cd = linear(1, { solver: 'cd', learningRate: 0.5, batchSize: 64 });
    const closed = linear(1, { solver: 'closed', alpha: 0 });
    const adam = linear(1, { solver: 'adam', learningRate: 0.01, batchSize: 16 });
    const sgd = linear(1, { solver: 'sgd', momentum: 0.9 });
    const rows = hyperparamRows([cd, closed, adam, sgd]);
    expect(byKey(rows, 'learningRate').values).toEqual(['n/a', 'n/a', '0.01', "solver's own"]);
    expect(byKey(rows, 'batchSize').values).toEqual(['n/a', 'n/a', '16', '32']);
    expect(byKey(rows, 'momentum').values).toEqual(['n/a', 'n/a', 'n/a', '0.9']);
    expect(byKey(rows, 'lrDecay').values).toEqual(['n/a', 'n/a', '1', '1']);
    expect(byKey(rows, 'maxIter').values).toEqual(["solver's own", 'n/a', "solver's own", "solver's own"]);
    expect(byKey(rows, 'tol').values[1]).toBe('n/a');
    // Two cd runs that differ only in settings cd never reads do not differ.
    const rowsCd = hyperparamRows([cd, linear(2, { solver: 'cd', learningRate: 0.1, batchSize: 8 })]);
    expect(rowsCd.filter((row) => row.differs).map((row) => row.key)).toEqual(['lambda']);
  });

  it('follows the solver auto resolved to, and an MLP’s fista, which starts from the learning rate', () => {
    const auto = run({ model: 'linear', lambda: 1, alpha: 1, solver: 'auto', learningRate: 0.1 }, { resolvedSolver: 'cd' });
    const pending = run({ model: 'linear', lambda: 1, alpha: 1, solver: 'auto', learningRate: 0.1 }, { resolvedSolver: null });
    const fista = linear(1, { solver: 'fista', learningRate: 0.1 });
    const mlpFista = run({ model: 'mlp', lambda: 0.1, alpha: 1, solver: 'fista', learningRate: 0.1 });
    expect(byKey(hyperparamRows([auto, pending, fista, mlpFista]), 'learningRate').values).toEqual(['n/a', '0.1', 'n/a', '0.1']);
  });

  it('leaves the axes of settings no run reads out of the parallel coordinates', () => {
    const runs = [linear(1e-2, { solver: 'cd', batchSize: 8 }, { final: final3(2) }), linear(1, { solver: 'cd', batchSize: 64 }, { final: final3(1) })];
    expect(parallelAxes(runs, 'objective').map((a) => a.key)).toEqual(['lambda', 'metric:objective']);
  });
});

describe('parallel-coordinates scales', () => {
  it('maps 1e-4, 1e-2, 1 to 0, 0.5, 1 on a log axis, with a tick at every decade', () => {
    const scale = axisScale([1e-4, 1e-2, 1], true);
    expect(scale.kind).toBe('log');
    expect([1e-4, 1e-2, 1].map((v) => scale.position(v))).toEqual([0, 0.5, 1]);
    expect(scale.position(1e-3)).toBeCloseTo(0.25, 12);
    expect(scale.ticks.map((t) => t.value)).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
    scale.ticks.forEach((t) => expect(t.position).toBeCloseTo((Math.log10(t.value) + 4) / 4, 12));
    expect(scale.ticks.map((t) => t.label)).toEqual(['1e-4', '0.001', '0.01', '0.1', '1']);
  });

  it('puts λ = 0 at the bottom of a log axis with a "0" tick, the positive values above a gap', () => {
    const scale = axisScale([0, 1e-3, 1e-1], true);
    expect(scale.kind).toBe('log');
    expect(scale.position(0)).toBe(0);
    expect(scale.position(1e-3)).toBeCloseTo(ZERO_GAP, 12);
    expect(scale.position(1e-1)).toBe(1);
    expect(scale.position(1e-2)).toBeCloseTo(ZERO_GAP + (1 - ZERO_GAP) / 2, 12);
    expect(scale.ticks[0]).toMatchObject({ value: 0, position: 0, label: '0' });
    expect(scale.ticks.slice(1).every((t) => t.value > 0 && t.position >= ZERO_GAP - 1e-12)).toBe(true);
    // A single positive value with zeros: zero at the bottom, the value at the top.
    const two = axisScale([0, 0.5], true);
    expect([two.position(0), two.position(0.5)]).toEqual([0, 1]);
    expect(axisScale([0, 0], true).kind).toBe('linear');
  });

  it('is linear over the extent unless the positive values span more than two decades', () => {
    const alpha = axisScale([0, 0.5, 1]);
    expect(alpha.kind).toBe('linear');
    expect([0, 0.25, 0.5, 1].map((v) => alpha.position(v))).toEqual([0, 0.25, 0.5, 1]);
    expect(alpha.ticks[0]).toMatchObject({ value: 0, position: 0 });
    expect(alpha.ticks[alpha.ticks.length - 1]).toMatchObject({ value: 1, position: 1 });
    expect(axisScale([1, LOG_SPAN]).kind).toBe('linear');
    expect(axisScale([1, LOG_SPAN * 1.01]).kind).toBe('log');
    expect(axisScale([3, 3]).position(3)).toBe(0.5);
    expect(axisScale([1, null, 3]).position(null)).toBeNull();
  });

  it('draws the varying numeric hyperparameters (λ and the learning rate on log axes) and the chosen metric', () => {
    const runs = [
      linear(1e-4, { solver: 'gd', learningRate: 0.1, seed: 1 }, { final: final3(9) }),
      linear(1e-2, { solver: 'gd', learningRate: 0.01, seed: 2 }, { final: final3(4) }),
      linear(1, { solver: 'gd', learningRate: 0.05, seed: 3 }, { final: final3(1) }),
    ];
    const axes = parallelAxes(runs, 'objective');
    expect(axes.map((a) => a.key)).toEqual(['lambda', 'learningRate', 'metric:objective']);
    expect(axes.map((a) => a.scale.kind)).toEqual(['log', 'log', 'linear']);
    expect(axes[0].positions).toEqual([0, 0.5, 1]);
    const lr = [0.1, 0.01, 0.05].map((v) => (Math.log10(v) - Math.log10(0.01)) / (Math.log10(0.1) - Math.log10(0.01)));
    axes[1].positions.forEach((p, k) => expect(p).toBeCloseTo(lr[k], 12));
    expect(axes[2].positions).toEqual([1, (4 - 1) / (9 - 1), 0]);
  });
});

function final3(objective: number) {
  return { objective, dataLoss: objective, penalty: 0, optimumObjective: objective, suboptimality: 0, nonzero: null, testLoss: null };
}
