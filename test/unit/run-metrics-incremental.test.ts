// getRunMetrics' incremental form: the steps from `fromStep` on, of the metrics named, read from the
// store (through SQLite, and from the tail this process keeps of runs it writes), and the input checks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METRIC_NAMES, emptyMetricColumns, type MetricBatch, type MetricName } from '../../shared/domain/metrics.ts';
import { HyperparamsSchema } from '../../shared/domain/runs.ts';
import { seedExampleDesign } from '../../shared/datasets/seedExample.ts';
import { RidgelineError } from '../../shared/errors.ts';
import { parseApiInput } from '../../shared/validate.ts';
import { DatasetsStore } from '../../electron/core/db/datasetsStore.ts';
import { openDatabase, type Db } from '../../electron/core/db/open.ts';
import { RecentBlocks } from '../../electron/core/db/recentBlocks.ts';
import { RunsStore } from '../../electron/core/db/runsStore.ts';

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

const hyperparams = HyperparamsSchema.parse({ model: 'linear', lambda: 1e-4, alpha: 0, solver: 'gd', learningRate: 0.01, maxIter: 1000, tol: 0 });

/** A distinct, exactly representable value for every (metric, step): any misplaced copy shows. */
const valueAt = (metric: number, step: number): number => metric * 1e6 + step + 0.25;

function batch(firstStep: number, count: number): MetricBatch {
  const columns = emptyMetricColumns(count);
  METRIC_NAMES.forEach((name, m) => {
    for (let i = 0; i < count; i++) columns[name][i] = valueAt(m, firstStep + i);
  });
  return { firstStep, count, columns };
}

/** A run written in blocks of these sizes, by one store; returns it and a second store on the same file. */
function storedRun(blockSizes: number[]) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'ridgeline-incremental-')), 'm.db'));
  opened.push(db);
  const dataset = new DatasetsStore(db).insertOrReuse({ name: 'seed', source: 'test', target: 'y', design: seedExampleDesign() });
  const writer = new RunsStore(db);
  const id = writer.create({ datasetId: dataset.id, datasetHash: dataset.hash, hyperparams, appVersion: 'test', ownerSession: null });
  let next = 0;
  for (const size of blockSizes) {
    writer.appendMetrics(id, batch(next, size));
    next += size;
  }
  // A store that wrote nothing keeps no tail: it reads everything back through SQLite.
  return { id, writer, reader: new RunsStore(db), steps: next };
}

function expectSteps(result: { firstStep: number; count: number; columns: Partial<Record<MetricName, Float64Array>> }, from: number, to: number, names: readonly MetricName[]): void {
  expect(result.firstStep).toBe(from);
  expect(result.count).toBe(to - from);
  expect(Object.keys(result.columns).sort()).toEqual([...names].sort());
  for (const name of names) {
    const m = METRIC_NAMES.indexOf(name);
    expect(Array.from(result.columns[name]!)).toEqual(Array.from({ length: to - from }, (_, i) => valueAt(m, from + i)));
  }
}

describe('stored metrics from a step on', () => {
  const sizes = [5, 5, 7, 1, 12];
  const total = 30;

  it('returns exactly the steps from fromStep to the end, at block boundaries, inside blocks and past the end', () => {
    const { id, writer, reader, steps } = storedRun(sizes);
    expect(steps).toBe(total);
    for (const store of [reader, writer]) {
      for (const from of [0, 1, 4, 5, 6, 10, 16, 17, 18, 29]) expectSteps(store.metrics(id, ['gradNorm', 'objective'], from), from, total, ['gradNorm', 'objective']);
      // Nothing stored from there on: no steps, starting where asked.
      for (const from of [30, 31, 1000]) expectSteps(store.metrics(id, ['objective'], from), from, from, ['objective']);
      expectSteps(store.metrics(id), 0, total, METRIC_NAMES);
    }
  });

  it('answers a run with no steps yet with none', () => {
    const { id, reader } = storedRun([]);
    expectSteps(reader.metrics(id, ['objective']), 0, 0, ['objective']);
    expectSteps(reader.metrics(id, ['objective'], 7), 7, 7, ['objective']);
  });

  it('reads a run finished in a transaction (its tail forgotten) the same as one still running', () => {
    const { id, writer, reader } = storedRun([5, 5]);
    writer.finish(
      id,
      { status: 'completed', statusReason: null, resolvedSolver: 'gd', iterations: 14, converged: false, finalObjective: 1, finalDataLoss: 1, finalPenalty: 0, finalNonzero: 1, optimumObjective: null, maxStableStep: null, loadMs: 0, fitMs: 0, parameters: [] },
      batch(10, 5),
    );
    for (const store of [writer, reader]) {
      expectSteps(store.metrics(id, ['l1Norm'], 3), 3, 15, ['l1Norm']);
      expectSteps(store.metrics(id, ['l1Norm'], 12), 12, 15, ['l1Norm']);
    }
  });
});

describe('the tail of recent blocks', () => {
  const block = (first: number, count: number) => ({ first_step: first, step_count: count, data: Buffer.alloc(count * 80) });

  it('keeps the newest blocks up to its size, and says when it does not reach back far enough', () => {
    const recent = new RecentBlocks(2000);
    for (let k = 0; k < 5; k++) recent.add('r', block(k * 10, 10)); // 800 bytes each: the last 2 stay
    expect(recent.from('r', 0)).toBeNull();
    expect(recent.from('r', 29)).toBeNull();
    expect(recent.from('r', 30)!.map((b) => b.first_step)).toEqual([30, 40]);
    expect(recent.from('r', 45)!.map((b) => b.first_step)).toEqual([40]);
    expect(recent.from('r', 50)).toEqual([]);
    expect(recent.from('other', 0)).toBeNull();
  });

  it('starts over when a history does not continue the last block (a retried cell), and forgets', () => {
    const recent = new RecentBlocks();
    recent.add('r', block(0, 10));
    recent.add('r', block(10, 10));
    recent.add('r', block(0, 4));
    expect(recent.from('r', 0)!.map((b) => [b.first_step, b.step_count])).toEqual([[0, 4]]);
    recent.forget('r');
    expect(recent.from('r', 0)).toBeNull();
  });
});

describe('getRunMetrics input', () => {
  const messageOf = (input: unknown): string => {
    try {
      parseApiInput('getRunMetrics', input);
    } catch (error) {
      expect(error).toBeInstanceOf(RidgelineError);
      expect((error as RidgelineError).code).toBe('BAD_REQUEST');
      return (error as RidgelineError).message;
    }
    throw new Error('the input was accepted');
  };

  it('takes fromStep as one step for all runs, or one per run', () => {
    expect(parseApiInput('getRunMetrics', { ids: ['a', 'b'], fromStep: 12 }).fromStep).toBe(12);
    expect(parseApiInput('getRunMetrics', { ids: ['a', 'b'], fromStep: [0, 7] }).fromStep).toEqual([0, 7]);
    // The old form still works.
    expect(parseApiInput('getRunMetrics', { ids: ['a'] }).fromStep).toBeUndefined();
  });

  it('refuses a negative, fractional, non-numeric or mismatched fromStep, naming it', () => {
    expect(messageOf({ ids: ['a'], fromStep: -1 })).toMatch(/^getRunMetrics: fromStep: steps start at 0/);
    expect(messageOf({ ids: ['a'], fromStep: 2.5 })).toMatch(/fromStep: a step is a whole number/);
    expect(messageOf({ ids: ['a'], fromStep: '3' })).toMatch(/fromStep: a step number, or a list of them/);
    expect(messageOf({ ids: ['a'], fromStep: [1, -2] })).toMatch(/fromStep\.1: steps start at 0/);
    expect(messageOf({ ids: ['a', 'b'], fromStep: [1] })).toMatch(/fromStep: give one fromStep per run named in ids/);
  });
});
