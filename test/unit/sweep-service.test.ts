// The sweep service as both shells use it (child-process pool): cells, refits, preview, cancel,
// validation. Numbers are checked against an in-process computation with the same folds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../shared/api.ts';
import { BUILTIN_DATASETS } from '../../shared/datasets/builtins.ts';
import { cvCell, randomFolds, summarizeCv } from '../../shared/engine/cv.ts';
import { defaultLambdaGrid, fitPath } from '../../shared/engine/path.ts';
import { DEFAULT_FIT_OPTIONS } from '../../shared/engine/types.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { createServices, type Services } from '../../electron/core/services.ts';
import { chromiumPdf } from '../../electron/core/reports/chromiumPdf.ts';
import { SWEEP_DEFAULT_TOL } from '../../electron/core/sweeps/sweepService.ts';
import { forkChildTrainer } from '../../electron/core/training/childProcessTrainer.ts';
import { ensureWorkerBundle } from '../../electron/core/training/workerBundle.ts';

const open: Services[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function services(): Promise<{ s: Services; events: ApiEvent[] }> {
  const entry = (await ensureWorkerBundle()) ?? undefined;
  const s = createServices({ dbPath: join(mkdtempSync(join(tmpdir(), 'ridgeline-sweeps-')), 's.db'), launchTrainer: () => forkChildTrainer(entry), kind: 'test', pdf: chromiumPdf });
  open.push(s);
  const events: ApiEvent[] = [];
  s.events.subscribe((e) => events.push(e));
  return { s, events };
}

/** Starts a sweep the way both shells do: through the schema-validating dispatcher. */
const startSweep = (s: Services, spec: unknown) => dispatch(s.handlers, 'startSweep', spec) as Promise<{ sweepId: string }>;

const diabetes = BUILTIN_DATASETS.find((d) => d.id === 'builtin:diabetes')!;
const spec = { datasetId: 'builtin:diabetes', model: 'linear' as const, alphas: [1], nLambda: 20, folds: 4, seed: 3, poolSize: 2 };

describe('sweep service', () => {
  it('runs every cell on the pool, equals the in-process computation, and stores the refits as runs', async () => {
    const { s, events } = await services();
    const { sweepId } = await startSweep(s, spec);
    const summary = await s.sweeps.execute(sweepId);
    expect(summary).toMatchObject({ status: 'completed', cellsDone: 5, cellsTotal: 5 });
    const detail = await s.handlers.getSweep({ id: sweepId });

    const design = diabetes.design();
    const options = { ...DEFAULT_FIT_OPTIONS, alpha: 1, standardize: true, tol: SWEEP_DEFAULT_TOL };
    const lambdas = Array.from(defaultLambdaGrid(design, options, 20));
    const folds = randomFolds(design.m, 4, 3);
    const local = summarizeCv(lambdas, [0, 1, 2, 3].map((f) => cvCell(design, folds, f, lambdas, options, 'mse')));
    const result = detail.results[0]!;
    expect(result.lambdas).toEqual(lambdas);
    expect(result.cvm).toEqual(Array.from(local.cvm));
    expect(result.cvsd).toEqual(Array.from(local.cvsd));
    expect(result.nonzero).toEqual(fitPath(design, options, lambdas).map((p) => p.nonzero));

    const refit = await s.handlers.getRun({ id: detail.refits.lambda1se! });
    expect(refit.sweepId).toBe(sweepId);
    expect(refit.hyperparams.lambda).toBe(result.lambda1se);
    expect(refit.parameters.map((p) => p.name)).toEqual(['(intercept)', ...design.featureNames]);
    expect(detail.path!.coef[result.index1se]).toEqual(refit.parameters.slice(1).map((p) => p.value));
    // Every cell is a run of the sweep.
    const cellRuns = (await s.handlers.listRuns({})).filter((r) => r.sweepId === sweepId);
    expect(cellRuns).toHaveLength(5 + 2);
    expect(cellRuns.every((r) => r.status === 'completed')).toBe(true);
    const progress = events.filter((e) => e.type === 'sweepProgress');
    expect(progress.map((e) => (e.type === 'sweepProgress' ? e.cellsDone : 0))).toEqual([1, 2, 3, 4, 5]);
  });

  it('sweeps a grid of other hyperparameters (an MLP × two learning rates); its refits are trained as runs', async () => {
    const { s } = await services();
    const { sweepId } = await startSweep(s, {
      datasetId: 'builtin:logistic',
      model: 'mlp',
      task: 'classification',
      alphas: [0],
      nLambda: 3,
      lambdaMinRatio: 1e-3,
      folds: 3,
      foldMethod: 'stratified',
      measure: 'deviance',
      grid: { solver: ['adam'], learningRate: [0.01, 0.05], maxIter: [30], hidden: [[4]] },
      seed: 1,
      poolSize: 2,
    });
    const summary = await s.sweeps.execute(sweepId);
    expect(summary).toMatchObject({ status: 'completed', cellsTotal: 2 * (3 + 1) });
    const detail = await s.handlers.getSweep({ id: sweepId });
    expect(detail.configs.map((c) => c.label)).toEqual(['α=0 · adam · lr=0.01 · iter=30 · hidden=4', 'α=0 · adam · lr=0.05 · iter=30 · hidden=4']);
    expect(detail.results.every((r) => r !== null && r.cvm.every(Number.isFinite))).toBe(true);
    expect(detail.path).toBeNull();
    const best = detail.results[detail.bestAlphaIndex!]!;
    const other = detail.results[1 - detail.bestAlphaIndex!]!;
    expect(best.cvm[best.indexMin]).toBeLessThanOrEqual(other.cvm[other.indexMin]);
    // MLP refits are real training runs linked to the sweep.
    const refitId = detail.refits.lambdaMin!;
    for (let i = 0; i < 500 && !['completed', 'diverged', 'failed'].includes((await s.handlers.getRun({ id: refitId })).status); i++) await new Promise((r) => setTimeout(r, 20));
    const refit = await s.handlers.getRun({ id: refitId });
    expect(refit).toMatchObject({ status: 'completed', sweepId });
    expect(refit.hyperparams).toMatchObject({ model: 'mlp', solver: 'adam', learningRate: detail.configs[detail.bestAlphaIndex!].learningRate, lambda: best.lambdaMin });
  });

  it('previews grids and work, and reports problems instead of failing', async () => {
    const { s } = await services();
    const preview = await s.handlers.previewSweep({ ...spec, alphas: [0.5, 1] });
    expect(preview.problems).toEqual([]);
    expect(preview.cells).toBe(2 * (4 + 1));
    expect(preview.grids.map((g) => g.count)).toEqual([20, 20]);
    expect(preview.grids[0].lambdaMax).toBeCloseTo(2 * preview.grids[1].lambdaMax, 10);
    expect(preview.estimatedSeconds).toBeGreaterThan(0);
    const bad = await s.handlers.previewSweep({ ...spec, folds: 1, alphas: [2] });
    expect(bad.problems.join('; ')).toMatch(/alphas\.0: each α must be in \[0, 1\]/);
    expect(bad.problems.join('; ')).toMatch(/folds: at least 2 folds/);
    await expect(startSweep(s, { ...spec, model: 'linear', foldMethod: 'stratified' })).rejects.toThrow(/stratified folds need a classification/);
  });

  it('cancels a sweep; resume then completes it from the committed cells', async () => {
    const { s } = await services();
    // Cells of plain gradient descent without a tolerance (~0.1 s each): the cancel lands mid-sweep. A
    // lasso path cell from the fold moments would take a millisecond.
    const { sweepId } = await startSweep(s, { ...spec, nLambda: 4, folds: 10, poolSize: 1, grid: { solver: ['gd'], maxIter: [3000] }, tol: 0 });
    while ((await s.handlers.listSweeps({}))[0].cellsDone < 1) await new Promise((r) => setTimeout(r, 20));
    // A cell waiting for the one process is pending, not running.
    expect((await s.handlers.getSweep({ id: sweepId })).cells.filter((c) => c.status === 'running').length).toBeLessThanOrEqual(1);
    // The elapsed time of a running sweep grows between reads (it is not only added up at the end).
    const firstRead = (await s.handlers.getSweep({ id: sweepId })).elapsedMs!;
    await new Promise((r) => setTimeout(r, 100));
    expect((await s.handlers.getSweep({ id: sweepId })).elapsedMs!).toBeGreaterThan(firstRead);
    expect(await s.handlers.cancelSweep({ id: sweepId })).toEqual({ cancelled: true });
    const cancelled = await s.sweeps.execute(sweepId);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cellsDone).toBeLessThan(11);
    const done = cancelled.cellsDone;
    expect(await s.handlers.resumeSweep({ id: sweepId })).toEqual({ resumed: true });
    const finished = await s.sweeps.execute(sweepId);
    expect(finished).toMatchObject({ status: 'completed', cellsDone: 11 });
    const cells = (await s.handlers.getSweep({ id: sweepId })).cells;
    // Cells committed before the cancel were not redone; only the one in flight then was started twice,
    // and a restart is not a failure.
    expect(cells.filter((c) => c.attempts === 1).length).toBeGreaterThanOrEqual(done);
    expect(cells.filter((c) => c.attempts > 1).length).toBeLessThanOrEqual(1);
    expect(cells.every((c) => c.error === null)).toBe(true);
    // Both executions' time, and nothing while it stood cancelled.
    expect(finished.elapsedMs!).toBeGreaterThan(cancelled.elapsedMs!);
    expect(cancelled.elapsedMs!).toBeGreaterThan(firstRead);
  });
});
