// What a run's details show (renderer/src/lib/runFields.ts) and the fit-time format they share with
// the runs table (renderer/src/lib/duration.ts): numbers as the table shows them, every digit kept for
// the hover text, and only the hyperparameters the run's solver reads. Expected texts are written out by hand.
import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../shared/domain/runs.ts';
import { runDetail, type RunHyperparams } from '../helpers/runDetail.ts';
import { formatMs } from '../../renderer/src/lib/duration.ts';
import { hyperparamFields, numberField, resultFields } from '../../renderer/src/lib/runFields.ts';

function detail(hyper: RunHyperparams, extra: Partial<RunDetail> = {}): RunDetail {
  return runDetail(hyper, {
    id: 'run-1',
    name: 'a run',
    final: { objective: 1577.2447341188104, dataLoss: 1500.123456789, penalty: 77.1, optimumObjective: 1577.2447341188104, suboptimality: 0, nonzero: 3, testLoss: null },
    fitMs: 46_545,
    seed: 0,
    timings: { loadMs: 3.25, fitMs: 46_545 },
    ...extra,
  });
}

const byKey = (fields: ReturnType<typeof hyperparamFields>) => Object.fromEntries(fields.map((f) => [f.key, f]));

describe('fit times', () => {
  it('read as the runs table reads them, never "1000 ms" nor "1 min 60 s"', () => {
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(999.4)).toBe('999 ms');
    expect(formatMs(999.6)).toBe('1.00 s');
    expect(formatMs(46_545)).toBe('46.5 s');
    expect(formatMs(59_960)).toBe('1 min 00 s');
    expect(formatMs(119_999)).toBe('2 min 00 s');
    expect(formatMs(185_000)).toBe('3 min 05 s');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(-1)).toBe('—');
  });
});

describe('results', () => {
  it('shows numbers as the table does, with every digit on hover', () => {
    const fields = byKey(resultFields(detail({ model: 'linear', lambda: 1, alpha: 0, solver: 'closed' })));
    expect(fields.objective).toMatchObject({ text: '1577.24', full: '1577.2447341188104' });
    expect(fields.trainLoss).toMatchObject({ label: 'Training loss', text: '1500.12', full: '1500.123456789' });
    expect(fields.suboptimality).toMatchObject({ text: '0', full: '0' });
    expect(fields.fitMs).toMatchObject({ text: '46.5 s', full: '46,545 ms' });
    expect(fields.loadMs).toMatchObject({ text: '3 ms', full: '3.25 ms' });
    // No held-out rows: no held-out losses.
    expect(fields.validationLoss).toBeUndefined();
    expect(fields.testLoss).toBeUndefined();
    expect(numberField('x', 'x', null)).toMatchObject({ text: '—', full: null });
  });

  it('shows the validation and test losses of a run that held rows out', () => {
    const run = detail(
      { model: 'linear', lambda: 1, alpha: 1, solver: 'cd', validationFraction: 0.1, testFraction: 0.25, seed: 3 },
      { final: { objective: 2, dataLoss: 1.5, penalty: 0.5, optimumObjective: null, suboptimality: null, nonzero: 2, testLoss: 0.123456789, validationLoss: 0.987654321 } },
    );
    const fields = byKey(resultFields(run));
    expect(fields.validationLoss).toMatchObject({ text: '0.987654', full: '0.987654321' });
    expect(fields.validationLoss.about).toBe('Data loss at the last step on the 10 % of rows held out for validation (seed 3)');
    expect(fields.testLoss).toMatchObject({ text: '0.123457', full: '0.123456789' });
    expect(fields.optimum.text).toBe('—');
    expect(resultFields(run).map((f) => f.key)).toEqual(['objective', 'trainLoss', 'validationLoss', 'testLoss', 'optimum', 'suboptimality', 'fitMs', 'loadMs']);
  });
});

describe('hyperparameters', () => {
  it('lists only what the solver reads: no learning rate or batch size for cd, no iterations for the closed form', () => {
    const cd = byKey(hyperparamFields(detail({ model: 'linear', lambda: 0.012345678, alpha: 1, solver: 'cd', learningRate: 0.1 })));
    expect(cd.lambda).toMatchObject({ text: '0.01235', full: '0.012345678' });
    expect(cd.learningRate).toBeUndefined();
    expect(cd.batchSize).toBeUndefined();
    expect(cd.maxIter).toMatchObject({ text: "solver's own" });
    const closed = hyperparamFields(detail({ model: 'linear', lambda: 1, alpha: 0, solver: 'closed' })).map((f) => f.key);
    expect(closed).toEqual(['model', 'lambda', 'alpha', 'solver', 'standardize', 'fitIntercept', 'validationFraction', 'testFraction', 'seed']);
  });

  it('lists the step settings of sgd, and an MLP’s architecture', () => {
    const sgd = byKey(hyperparamFields(detail({ model: 'logistic', lambda: 1, alpha: 0.5, solver: 'sgd', learningRate: 0.05, batchSize: 64, momentum: 0.9, maxIter: 200, validationFraction: 0.2 })));
    expect(sgd.learningRate.text).toBe('0.05');
    expect(sgd.batchSize.text).toBe('64');
    expect(sgd.momentum.text).toBe('0.9');
    expect(sgd.lrDecay.text).toBe('1');
    expect(sgd.maxIter.text).toBe('200');
    expect(sgd.validationFraction.text).toBe('20 %');
    const mlp = byKey(hyperparamFields(detail({ model: 'mlp', lambda: 0.1, alpha: 0, solver: 'adam', hidden: [16, 8], task: 'classification' })));
    expect(mlp.model.text).toBe('MLP (classification)');
    expect(mlp.hidden.text).toBe('16 × 8');
    expect(mlp.momentum).toBeUndefined();
    const auto = byKey(hyperparamFields(detail({ model: 'linear', lambda: 1, alpha: 1, solver: 'auto' })));
    expect(auto.solver.text).toBe('auto → cd');
  });
});
