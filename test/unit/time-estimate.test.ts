// The sweep time estimator's logic (shared/sweeps/timeEstimate.ts) on made-up measurements, and the
// service's calibration (electron/core/sweeps/timeEstimator.ts) on a database whose cell times are set
// by the test: the estimate must follow the measured costs, not a constant.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS } from '../../shared/datasets/builtins.ts';
import { HyperparamsSchema } from '../../shared/domain/runs.ts';
import { sweepConfigs, SweepSpecSchema } from '../../shared/domain/sweeps.ts';
import { DEFAULT_FIT_OPTIONS, type FitOptions } from '../../shared/engine/types.ts';
import { cellUnits, costFamily, iterationBudget, makespanMs, median, msPerUnit, overheadMs, remainingMs, workWidth, type CellProgress } from '../../shared/sweeps/timeEstimate.ts';
import { openStore, type Store } from '../../electron/core/cliStore.ts';
import { fitOptionsOf } from '../../electron/core/sweeps/sweepService.ts';
import { SweepTimeEstimator, type SweepPlan } from '../../electron/core/sweeps/timeEstimator.ts';

const options = (changes: Partial<FitOptions>): FitOptions => ({ ...DEFAULT_FIT_OPTIONS, ...changes });

describe('work units', () => {
  it('count λ × training rows × width × iterations; a path counts one pass per λ', () => {
    const gd = options({ solver: 'gd', maxIter: 500 });
    // A fold cell of 10 folds trains on 9/10 of the rows; the full cell on all of them.
    expect(cellUnits({ kind: 'fold', m: 1000, p: 30, folds: 10, lambdas: 5 }, gd)).toBe(5 * 900 * 30 * 500);
    expect(cellUnits({ kind: 'full', m: 1000, p: 30, folds: 10, lambdas: 5 }, gd)).toBe(5 * 1000 * 30 * 500);
    expect(cellUnits({ kind: 'full', m: 1000, p: 30, folds: 10, lambdas: 5 }, options({ solver: 'cd', alpha: 1 }))).toBe(5 * 1000 * 30);
  });

  it("take an MLP's width as its weights, and a solver's default iterations when none are given", () => {
    expect(workWidth(options({ model: 'mlp', hidden: [16, 8] }), 10)).toBe(10 * 16 + 16 * 8 + 8);
    expect(iterationBudget(options({ solver: 'adam' }), 10)).toBe(100);
    expect(iterationBudget(options({ solver: 'gd' }), 10)).toBe(1000);
    expect(iterationBudget(options({ solver: 'fista', maxIter: 30 }), 10)).toBe(30);
  });

  it('group cells by what they cost: path or solver, and model', () => {
    expect(costFamily(options({ solver: 'auto', alpha: 1 }), 10)).toBe('linear/path');
    expect(costFamily(options({ model: 'logistic', solver: 'fista' }), 10)).toBe('logistic/fista');
    expect(costFamily(options({ model: 'mlp', solver: 'auto', task: 'classification' }), 10)).toBe('mlp/adam/classification');
  });
});

describe('rates and schedules', () => {
  it('takes the median per-unit cost, so a few slow first cells do not set it', () => {
    expect(msPerUnit([{ units: 100, ms: 10 }, { units: 200, ms: 20 }, { units: 100, ms: 90 }])).toBe(0.1);
    expect(msPerUnit([])).toBeNull();
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  it('schedules cells in order on the first free process', () => {
    expect(makespanMs([4, 1, 1, 1, 1], 2)).toBe(4);
    expect(makespanMs([1, 1, 1, 1, 4], 2)).toBe(6);
    expect(makespanMs([2, 2, 2], 8)).toBe(2);
    expect(makespanMs([], 2)).toBe(0);
  });

  it("measures a sweep's fixed cost as its time beyond its cells' schedule", () => {
    expect(overheadMs(1000, [300, 300, 300, 300], 2)).toBe(400);
    expect(overheadMs(100, [300], 1)).toBe(0);
  });
});

describe('remaining time of a running sweep', () => {
  let next = 0;
  const cell = (configIndex: number, status: CellProgress['status'], units: number, fitMs: number | null, family = 'linear/gd'): CellProgress => ({ index: next++, configIndex, status, units, fitMs, family });

  it("prices each unfinished cell at its configuration's measured rate, over the pool", () => {
    const cells = [cell(0, 'completed', 100, 50), cell(0, 'running', 100, null), cell(1, 'completed', 100, 10), cell(1, 'pending', 300, null), cell(0, 'pending', 100, null)];
    // Configuration 0: 0.5 ms per unit; configuration 1: 0.1 ms per unit → 50, 30, 50 ms on 2 processes.
    expect(remainingMs(cells, 2)).toBe(80);
    expect(remainingMs(cells, 3)).toBe(50);
  });

  it('leaves out the first cell of each process once later cells have finished (it compiled the code)', () => {
    // Two processes: cells 0 and 1 were their first (slow); cell 2 shows the steady cost, 0.1 ms per unit.
    const cells = [cell(0, 'completed', 100, 80), cell(0, 'completed', 100, 70), cell(0, 'completed', 100, 10), cell(0, 'pending', 100, null), cell(0, 'pending', 100, null)];
    expect(remainingMs(cells, 2)).toBe(10);
    // With only the first cells finished, they are all there is.
    expect(remainingMs(cells.slice(0, 2).concat(cells.slice(3)), 2)).toBe(75);
  });

  it("falls back on the family's rate, and says nothing before anything of a family was measured", () => {
    expect(remainingMs([cell(0, 'completed', 100, 20), cell(1, 'pending', 50, null)], 1)).toBe(10);
    expect(remainingMs([cell(0, 'completed', 100, 20), cell(1, 'pending', 50, null, 'linear/path')], 1)).toBeNull();
    expect(remainingMs([cell(0, 'completed', 100, 20), cell(0, 'failed', 50, null)], 1)).toBe(0);
  });
});

describe('the service estimate, calibrated on stored cell times', () => {
  const open: Store[] = [];
  afterEach(() => {
    for (const s of open.splice(0)) s.close('test done');
  });

  /** A store with one completed sweep of `spec` whose cells took `cellMs(units)` and the sweep `elapsedMs`. */
  function storeWithMeasuredSweep(spec: ReturnType<typeof SweepSpecSchema.parse>, cellMs: (units: number) => number, elapsedMs: number): Store {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'ridgeline-estimate-')), 'e.db'), 'test');
    open.push(store);
    const dataset = store.datasets.get(spec.datasetId)!;
    const configs = sweepConfigs(spec);
    const cells = configs.flatMap((_, configIndex) => [...Array.from({ length: spec.folds }, (_, fold) => ({ kind: 'fold' as const, repeat: 0, fold, configIndex })), { kind: 'full' as const, repeat: 0, fold: -1, configIndex }]);
    const id = store.sweeps.create(
      {
        name: 'measured',
        datasetId: dataset.id,
        datasetHash: dataset.hash,
        spec,
        measure: 'mse',
        lambdas: new Float64Array(configs.length * spec.nLambda).fill(1),
        nLambda: spec.nLambda,
        configs,
        hyperparams: configs.map((config) => HyperparamsSchema.parse({ ...fitOptionsOf(spec, config), lambda: 1 })),
        folds: new Int32Array(dataset.rows),
        cells,
        appVersion: 'test',
      },
      null,
    );
    cells.forEach((c, index) => {
      const units = cellUnits({ kind: c.kind, m: dataset.rows, p: dataset.features.length, folds: spec.folds, lambdas: spec.nLambda }, fitOptionsOf(spec, configs[c.configIndex]));
      store.sweeps.completeCell(id, index, { size: 1, errors: new Float64Array(1), nonzero: new Float64Array(1), intercepts: null, coefs: null, fitMs: cellMs(units), iterations: 1, statusReason: null });
    });
    store.sweeps.finish(id, 'completed', null, elapsedMs, null);
    return store;
  }

  function plan(spec: ReturnType<typeof SweepSpecSchema.parse>, poolSize: number): SweepPlan {
    const design = BUILTIN_DATASETS.find((d) => d.id === spec.datasetId)!.design();
    const configs = sweepConfigs(spec);
    return { datasetId: spec.datasetId, design, spec, configs, lambdas: new Float64Array(configs.length * spec.nLambda).fill(1), nLambda: spec.nLambda, folds: spec.folds, measure: 'mse', poolSize, defaultPoolSize: poolSize };
  }

  const gdSpec = (maxIter: number, folds: number) => SweepSpecSchema.parse({ datasetId: 'builtin:correlated', model: 'linear', grid: { solver: ['gd'], maxIter: [maxIter] }, nLambda: 4, folds, tol: 0, poolSize: 2 });

  it('prices the next sweep at the measured cost per unit, plus the measured fixed cost', () => {
    const RATE = 2e-6;
    const past = gdSpec(1000, 4);
    // Cells that took 2 µs per unit; the sweep took 300 ms more than its cells' schedule on 2 processes.
    const pastCells = Array.from({ length: 5 }, (_, i) => cellUnits({ kind: i < 4 ? 'fold' : 'full', m: 1000, p: 30, folds: 4, lambdas: 4 }, fitOptionsOf(past, sweepConfigs(past)[0])) * RATE);
    const store = storeWithMeasuredSweep(past, (units) => units * RATE, makespanMs(pastCells, 2) + 300);
    const next = gdSpec(3000, 10);
    const nextCells = Array.from({ length: 11 }, (_, i) => cellUnits({ kind: i < 10 ? 'fold' : 'full', m: 1000, p: 30, folds: 10, lambdas: 4 }, fitOptionsOf(next, sweepConfigs(next)[0])) * RATE);
    const estimator = new SweepTimeEstimator(store.sweeps, fitOptionsOf);
    expect(estimator.estimateMs(plan(next, 2))).toBeCloseTo(300 + makespanMs(nextCells, 2), 6);
    // Twice as slow a machine, twice the cells' time.
    const slower = storeWithMeasuredSweep(past, (units) => units * 2 * RATE, makespanMs(pastCells, 2) * 2 + 300);
    expect(new SweepTimeEstimator(slower.sweeps, fitOptionsOf).estimateMs(plan(next, 2))).toBeCloseTo(300 + 2 * makespanMs(nextCells, 2), 6);
  });

  it('probes a kind of cell never measured on these data: a positive, finite time that grows with the work', () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'ridgeline-estimate-')), 'e.db'), 'test');
    open.push(store);
    // An idle machine, whatever runs beside this test: the probe's CPU time is the estimate.
    const estimator = new SweepTimeEstimator(store.sweeps, fitOptionsOf, () => 1);
    const small = estimator.estimateMs(plan(gdSpec(200, 4), 1));
    const large = estimator.estimateMs(plan(gdSpec(2000, 4), 1));
    expect(Number.isFinite(small) && small > 0).toBe(true);
    // The same probe (per data set and family) prices both: ten times the iterations, ten times the cells' time.
    expect(large).toBeGreaterThan(3 * small);
  });
});
