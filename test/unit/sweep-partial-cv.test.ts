// A sweep's CV curve as its cells come in (issue 15, item 14): the partial curve of the folds finished so
// far is computed by the same code, in the same order, as the final result, so once every fold is in it
// IS the result, bit for bit; and the coefficient path of every configuration, not only the best.
// Expected numbers come from an in-process computation with the same folds (shared/engine/cv.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS } from '../../shared/datasets/builtins.ts';
import { sweepConfigs, type PartialCvResult, type SweepDetail, type SweepPath } from '../../shared/domain/sweeps.ts';
import { cvCell, cvCurve, fitCell, randomFolds, summarizeCv, type CellResult } from '../../shared/engine/cv.ts';
import { defaultLambdaGrid, fitPath } from '../../shared/engine/path.ts';
import { DEFAULT_FIT_OPTIONS } from '../../shared/engine/types.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { createServices, type Services } from '../../electron/core/services.ts';
import { chromiumPdf } from '../../electron/core/reports/chromiumPdf.ts';
import { partialCvResults } from '../../electron/core/sweeps/partialCv.ts';
import { fitOptionsOf, SWEEP_DEFAULT_TOL } from '../../electron/core/sweeps/sweepService.ts';
import { forkChildTrainer } from '../../electron/core/training/childProcessTrainer.ts';
import { ensureWorkerBundle } from '../../electron/core/training/workerBundle.ts';
import type { StoredCell } from '../../electron/core/db/sweepsStore.ts';

const diabetes = BUILTIN_DATASETS.find((d) => d.id === 'builtin:diabetes')!;
const design = diabetes.design();
const options = { ...DEFAULT_FIT_OPTIONS, alpha: 1, standardize: true, tol: SWEEP_DEFAULT_TOL };
const lambdas = Array.from(defaultLambdaGrid(design, options, 15));
const K = 5;
const folds = randomFolds(design.m, K, 7);
const cells: CellResult[] = Array.from({ length: K }, (_, f) => cvCell(design, folds, f, lambdas, options, 'mse'));

/** Stored cells of one configuration (K folds, then the fit on all data), `done` of them completed. */
function storedCells(done: ReadonlySet<number>): StoredCell[] {
  return [...Array.from({ length: K }, (_, f) => ({ kind: 'fold' as const, fold: f })), { kind: 'full' as const, fold: -1 }].map((c, index) => ({
    index,
    kind: c.kind,
    repeat: 0,
    fold: c.fold,
    configIndex: 0,
    status: done.has(index) ? 'completed' : 'pending',
    attempts: done.has(index) ? 1 : 0,
    error: null,
    runId: `run${index}`,
  }));
}

function partialOf(done: number[]): PartialCvResult | null {
  const stored = storedCells(new Set(done));
  const results = new Map(done.map((index) => [index, index < K ? { size: cells[index].size, errors: cells[index].errors, nonzero: cells[index].nonzero } : { size: null, errors: null, nonzero: Float64Array.from(lambdas, (_, l) => l) }]));
  const row = { spec: { folds: K } as never, lambdas: Float64Array.from(lambdas), nLambda: lambdas.length };
  return partialCvResults(row, [{ alpha: 1, label: 'α=1' }], stored, results)[0];
}

describe('the partial CV curve', () => {
  it('from every fold, in whatever order they finished, is the final result bit for bit', () => {
    const final = summarizeCv(lambdas, cells);
    for (const order of [[0, 1, 2, 3, 4], [4, 2, 0, 3, 1], [3, 4, 1, 0, 2]]) {
      const partial = partialOf(order)!;
      expect(partial.foldsDone).toBe(K);
      expect(partial.foldsTotal).toBe(K);
      expect(partial.cvm).toEqual(Array.from(final.cvm));
      expect(partial.cvsd).toEqual(Array.from(final.cvsd));
      // Not merely close: the same doubles.
      partial.cvm.forEach((v, l) => expect(Object.is(v, final.cvm[l])).toBe(true));
    }
  });

  it('from some folds is their size-weighted mean and spread, with no spread from one fold', () => {
    expect(partialOf([])).toBeNull();
    const one = partialOf([3])!;
    expect(one).toMatchObject({ foldsDone: 1, foldsTotal: K, nonzero: null, alpha: 1, label: 'α=1', lambdas });
    expect(one.cvm).toEqual(Array.from(cells[3].errors));
    expect(one.cvsd.every(Number.isNaN)).toBe(true);

    const two = partialOf([4, 1])!;
    expect(two.foldsDone).toBe(2);
    // Independently: the weighted mean and cv.glmnet's spread of folds 1 and 4, at each λ.
    const [a, b] = [cells[1], cells[4]];
    const total = a.size + b.size;
    lambdas.forEach((_, l) => {
      const mean = (a.size / total) * a.errors[l] + (b.size / total) * b.errors[l];
      const variance = (a.size / total) * (a.errors[l] - mean) ** 2 + (b.size / total) * (b.errors[l] - mean) ** 2;
      expect(two.cvm[l]).toBeCloseTo(mean, 12);
      expect(two.cvsd[l]).toBeCloseTo(Math.sqrt(variance), 12);
    });
    // The partial of all five is not the partial of two: the curve moves as folds come in.
    expect(partialOf([0, 1, 2, 3, 4])!.cvm).not.toEqual(two.cvm);
    // Nonzero counts along the top come from the fit on all the data, once it has finished.
    expect(partialOf([0, K])!.nonzero).toEqual(lambdas.map((_, l) => l));
  });

  it('cvCurve on all folds is what summarizeCv reports', () => {
    const curve = cvCurve(lambdas.length, [...cells].reverse());
    const summary = summarizeCv(lambdas, cells);
    expect(Array.from(curve.cvm)).toEqual(Array.from(summary.cvm));
    expect(Array.from(curve.cvsd)).toEqual(Array.from(summary.cvsd));
  });
});

const open: Services[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function services(): Promise<Services> {
  const entry = (await ensureWorkerBundle()) ?? undefined;
  const s = createServices({ dbPath: join(mkdtempSync(join(tmpdir(), 'ridgeline-partial-')), 's.db'), launchTrainer: () => forkChildTrainer(entry), kind: 'test', pdf: chromiumPdf });
  open.push(s);
  return s;
}

const startSweep = (s: Services, spec: unknown) => dispatch(s.handlers, 'startSweep', spec) as Promise<{ sweepId: string }>;
const getSweepPath = (s: Services, input: unknown) => dispatch(s.handlers, 'getSweepPath', input) as Promise<SweepPath | null>;

describe('a sweep read while it runs', () => {
  it('carries each α’s curve of the folds finished so far, ending on the stored result exactly', async () => {
    const s = await services();
    const { sweepId } = await startSweep(s, { datasetId: 'builtin:diabetes', model: 'linear', alphas: [0.5, 1], nLambda: 12, folds: 4, repeats: 2, seed: 5, poolSize: 2 });
    // Read as the views read it, at every committed cell.
    const seen: SweepDetail[] = [];
    const stop = s.events.subscribe((event) => {
      if (event.type === 'sweepProgress' && event.sweepId === sweepId) seen.push(s.sweeps.detail(sweepId));
    });
    const summary = await s.sweeps.execute(sweepId);
    stop();
    expect(summary.status).toBe('completed');
    const final = s.sweeps.detail(sweepId);
    expect(final.partial).toEqual([null, null]);
    expect(seen).toHaveLength(2 * (4 * 2 + 1));
    for (const c of [0, 1]) {
      const counts = seen.map((d) => d.partial[c]?.foldsDone ?? 0);
      // One more fold at a time (or none: another α's cell), up to all 8 fold fits.
      counts.forEach((n, k) => expect(n - (counts[k - 1] ?? 0)).toBeGreaterThanOrEqual(0));
      expect(Math.max(...counts)).toBe(8);
      const last = [...seen].reverse().find((d) => d.partial[c]?.foldsDone === 8)!.partial[c]!;
      expect(last.foldsTotal).toBe(8);
      expect(last.cvm).toEqual(final.results[c]!.cvm);
      expect(last.cvsd).toEqual(final.results[c]!.cvsd);
      expect(last.lambdas).toEqual(final.results[c]!.lambdas);
    }
    expect(seen.every((d) => d.results.every((r) => r === null))).toBe(true);
  });

  it('keeps the curve of a cancelled sweep', async () => {
    const s = await services();
    // Plain gradient descent cells (~0.1 s each) on one process, cancelled after the third.
    const { sweepId } = await startSweep(s, { datasetId: 'builtin:diabetes', model: 'linear', nLambda: 3, folds: 8, seed: 2, poolSize: 1, grid: { solver: ['gd'], maxIter: [2000] }, tol: 0 });
    const stop = s.events.subscribe((event) => {
      if (event.type === 'sweepProgress' && event.sweepId === sweepId && event.cellsDone === 3) s.sweeps.cancel(sweepId);
    });
    expect((await s.sweeps.execute(sweepId)).status).toBe('cancelled');
    stop();
    const detail = s.sweeps.detail(sweepId);
    const done = detail.cells.filter((cell) => cell.kind === 'fold' && cell.status === 'completed');
    expect(done.length).toBe(3);
    const partial = detail.partial[0]!;
    expect(partial).toMatchObject({ foldsDone: 3, foldsTotal: 8, nonzero: null });
    expect(detail.results).toEqual([null]);
    // The folds that finished, recomputed in this process (the trainer's kernels give the same bits).
    const fitOptions = fitOptionsOf(detail.spec, sweepConfigs(detail.spec)[0]);
    const sweepFolds = randomFolds(design.m, 8, 2);
    const expected = cvCurve(3, done.map((cell) => fitCell(design, sweepFolds, cell.fold, partial.lambdas, fitOptions, 'mse')));
    expect(partial.cvm).toEqual(Array.from(expected.cvm));
    expect(partial.cvsd).toEqual(Array.from(expected.cvsd));
  });
});

describe('getSweepPath', () => {
  it('answers every configuration’s path on all the data; the best one is the detail’s path', async () => {
    const s = await services();
    const { sweepId } = await startSweep(s, { datasetId: 'builtin:diabetes', model: 'linear', alphas: [0.5, 1], nLambda: 10, folds: 3, seed: 1, poolSize: 2 });
    expect((await s.sweeps.execute(sweepId)).status).toBe('completed');
    const detail = s.sweeps.detail(sweepId);
    for (const c of [0, 1]) {
      const path = (await getSweepPath(s, { id: sweepId, configIndex: c }))!;
      expect(path.configIndex).toBe(c);
      expect(path.lambdas).toEqual(detail.results[c]!.lambdas);
      // The refits' source: the warm-started path on all rows, as fitted in process.
      const local = fitPath(design, { ...options, alpha: detail.configs[c].alpha }, path.lambdas);
      expect(path.coef.map((row) => row.map((v) => v === 0))).toEqual(local.map((p) => Array.from(p.coef, (v) => v === 0)));
      path.coef.forEach((row, l) => row.forEach((v, j) => expect(v).toBeCloseTo(local[l].coef[j], 6)));
      expect(path.coef.map((row) => row.filter((v) => v !== 0).length)).toEqual(detail.results[c]!.nonzero);
    }
    const best = (await getSweepPath(s, { id: sweepId, configIndex: detail.bestAlphaIndex! }))!;
    expect({ lambdas: best.lambdas, intercepts: best.intercepts, coef: best.coef }).toEqual(detail.path);
    const other = (await getSweepPath(s, { id: sweepId, configIndex: 1 - detail.bestAlphaIndex! }))!;
    expect(other.coef).not.toEqual(best.coef);
    await expect(getSweepPath(s, { id: sweepId, configIndex: 2 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/configurations 0 to 1/) });
    await expect(getSweepPath(s, { id: sweepId, configIndex: 0.5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(getSweepPath(s, { id: 'sweep_missing', configIndex: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is null until the configuration’s fit on all the data has finished', async () => {
    const s = await services();
    const { sweepId } = await startSweep(s, { datasetId: 'builtin:diabetes', model: 'linear', nLambda: 3, folds: 4, seed: 2, poolSize: 1, grid: { solver: ['gd'], maxIter: [2000] }, tol: 0 });
    const stop = s.events.subscribe((event) => {
      if (event.type === 'sweepProgress' && event.sweepId === sweepId && event.cellsDone === 2) s.sweeps.cancel(sweepId);
    });
    await s.sweeps.execute(sweepId);
    stop();
    expect(await getSweepPath(s, { id: sweepId, configIndex: 0 })).toBeNull();
  });
});
