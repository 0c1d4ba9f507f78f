// Training on a separate process through the services both shells use: the child-process trainer,
// progress throttling, storage while training, cancel, and a crashing trainer.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../shared/api.ts';
import type { RunStatus } from '../../shared/domain/runs.ts';
import { FINISHED_STATUSES, HyperparamsSchema } from '../../shared/domain/runs.ts';
import { fit } from '../../shared/engine/fit.ts';
import { seedExampleDesign } from '../../shared/datasets/seedExample.ts';
import { DatasetsStore } from '../../electron/core/db/datasetsStore.ts';
import { createServices, type Services } from '../../electron/core/services.ts';
import { chromiumPdf } from '../../electron/core/reports/chromiumPdf.ts';
import { forkChildTrainer } from '../../electron/core/training/childProcessTrainer.ts';
import { fitOptionsFrom } from '../../electron/core/training/runService.ts';

const open: Services[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function services(launch = () => forkChildTrainer()): { services: Services; events: { at: number; event: ApiEvent }[] } {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-runs-')), 'runs.db');
  const s = createServices({ dbPath, launchTrainer: launch, kind: 'test', pdf: chromiumPdf });
  open.push(s);
  const events: { at: number; event: ApiEvent }[] = [];
  s.events.subscribe((event) => events.push({ at: performance.now(), event }));
  return { services: s, events };
}

function finished(events: { event: ApiEvent }[], runId: string, timeoutMs = 60_000): Promise<RunStatus> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const done = events.find((e) => e.event.type === 'runStatus' && e.event.runId === runId && FINISHED_STATUSES.includes(e.event.status));
      if (done && done.event.type === 'runStatus') {
        clearInterval(poll);
        resolve(done.event.status);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error('run did not finish'));
      }
    }, 10);
  });
}

const seedHyperparams = HyperparamsSchema.parse({ model: 'linear', lambda: 1e-4, alpha: 0, solver: 'gd', learningRate: 0.01, maxIter: 1000, tol: 0 });

describe('runs on a trainer process', () => {
  it('trains the seed preset, stores every step, and matches an in-process fit bit for bit', async () => {
    const { services: s, events } = services();
    const { runId } = await s.handlers.startRun({ datasetId: 'builtin:seed', hyperparams: seedHyperparams });
    expect(await finished(events, runId)).toBe('completed');
    const statuses = events.filter((e) => e.event.type === 'runStatus').map((e) => (e.event as { status: string }).status);
    expect(statuses).toEqual(['queued', 'running', 'completed']);

    const detail = await s.handlers.getRun({ id: runId });
    const local = fit(seedExampleDesign(), fitOptionsFrom(seedHyperparams)).result;
    expect(detail.parameters).toEqual([
      { name: '(intercept)', value: local.intercept },
      { name: 'x', value: local.coef[0] },
    ]);
    expect(detail.iterations).toBe(1000);
    expect(detail.final.objective).toBe(local.objective);
    expect(detail.final.suboptimality).toBeGreaterThan(0);
    expect(detail.maxStableStep).toBeCloseTo(local.maxStableStep!, 12);
    const [metrics] = await s.handlers.getRunMetrics({ ids: [runId], metrics: ['objective'] });
    expect(metrics.count).toBe(1001);
    expect(metrics.columns.objective![1000]).toBe(local.objective);
  });

  it('streams progress in batches, at most 20 messages a second, and writes them while training', async () => {
    const { services: s, events } = services();
    const long = { ...seedHyperparams, maxIter: 400_000 };
    const { runId } = await s.handlers.startRun({ datasetId: 'builtin:seed', hyperparams: long });
    // While it trains, what is stored grows.
    let storedWhileRunning = 0;
    while (storedWhileRunning === 0) {
      await new Promise((r) => setTimeout(r, 100));
      const run = await s.handlers.getRun({ id: runId });
      if (run.status === 'queued') continue;
      if (run.status !== 'running') break;
      storedWhileRunning = (await s.handlers.getRunMetrics({ ids: [runId], metrics: ['objective'] }))[0].count;
    }
    expect(storedWhileRunning).toBeGreaterThan(0);
    expect(await finished(events, runId)).toBe('completed');

    const progress = events.filter((e) => e.event.type === 'runProgress');
    expect(progress.length).toBeGreaterThan(2);
    const spanSeconds = (progress[progress.length - 1].at - progress[0].at) / 1000;
    expect(progress.length).toBeLessThanOrEqual(20 * spanSeconds + 2);
    // Batches tile the steps exactly: each starts where the previous ended.
    let next = 0;
    for (const { event } of progress) {
      if (event.type !== 'runProgress') continue;
      expect(event.batch.firstStep).toBe(next);
      next += event.batch.count;
    }
    expect(next).toBe(400_001);
  });

  it('cancels a run promptly and keeps what it recorded', async () => {
    const { services: s, events } = services();
    const { runId } = await s.handlers.startRun({ datasetId: 'builtin:seed', hyperparams: { ...seedHyperparams, maxIter: 5_000_000 } });
    while (!events.some((e) => e.event.type === 'runProgress')) await new Promise((r) => setTimeout(r, 20));
    const asked = performance.now();
    expect(await s.handlers.cancelRun({ id: runId })).toEqual({ cancelled: true });
    expect(await finished(events, runId)).toBe('cancelled');
    expect(performance.now() - asked).toBeLessThan(2000);
    const run = await s.handlers.getRun({ id: runId });
    expect(run.iterations).toBeGreaterThan(0);
    expect(run.iterations).toBeLessThan(5_000_000);
    const [metrics] = await s.handlers.getRunMetrics({ ids: [runId], metrics: ['objective'] });
    expect(metrics.count).toBe(run.iterations + 1);
  });

  it('fails the run with the stderr tail when the trainer process crashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-crash-'));
    const crashing = join(dir, 'crash.mjs');
    writeFileSync(crashing, "process.send({ type: 'ready' });\nprocess.on('message', () => { console.error('simulated trainer failure'); process.exit(3); });\n");
    const { services: s, events } = services(() => forkChildTrainer(crashing));
    const { runId } = await s.handlers.startRun({ datasetId: 'builtin:seed', hyperparams: seedHyperparams });
    expect(await finished(events, runId)).toBe('failed');
    const run = await s.handlers.getRun({ id: runId });
    expect(run.statusReason).toMatch(/exited unexpectedly \(code 3\).*simulated trainer failure/);
  });

  it('checks a run before it starts: 2/L of the data and penalty, and a warning for a step above it', async () => {
    const { services: s } = services();
    const local = fit(seedExampleDesign(), fitOptionsFrom(seedHyperparams)).result;
    const ok = await s.handlers.checkRun({ datasetId: 'builtin:seed', hyperparams: seedHyperparams });
    expect(ok.maxStableStep).toBe(local.maxStableStep);
    expect(ok.warnings).toEqual([]);
    const tooBig = await s.handlers.checkRun({ datasetId: 'builtin:seed', hyperparams: { ...seedHyperparams, learningRate: 2 } });
    expect(tooBig.warnings).toHaveLength(1);
    expect(tooBig.warnings[0]).toMatch(/above the largest stable step 2\/L = 1\.51154.*will diverge/);
    // The bound tracks the penalty: a larger ridge λ raises L by λ(1−α).
    const ridge = await s.handlers.checkRun({ datasetId: 'builtin:seed', hyperparams: { ...seedHyperparams, lambda: 1 } });
    expect(2 / ridge.maxStableStep!).toBeCloseTo(2 / ok.maxStableStep! + 1 - 1e-4, 12);
    const auto = await s.handlers.checkRun({ datasetId: 'builtin:diabetes', hyperparams: { ...seedHyperparams, solver: 'auto', alpha: 1 } });
    expect(auto.resolvedSolver).toBe('cd');
    expect(auto.warnings).toEqual([]);
  });

  it('refuses held-out shares that leave no row to train on, before the run exists', async () => {
    const { services: s } = services();
    // 10 rows: ⌈0.45·10⌉ + ⌈0.45·10⌉ = 10 held out, although the shares add up to 0.9 (the schema's cap).
    const x = Float64Array.from({ length: 10 }, (_, i) => i);
    const y = Float64Array.from({ length: 10 }, (_, i) => 2 * i + (i % 3));
    const tiny = new DatasetsStore(s.db).insertOrReuse({ name: 'tiny', source: 'test', target: 'y', design: { x, y, m: 10, p: 1, featureNames: ['x'] } });
    const hyperparams = { ...seedHyperparams, validationFraction: 0.45, testFraction: 0.45 };
    const checked = await s.handlers.checkRun({ datasetId: tiny.id, hyperparams });
    expect(checked.problems).toEqual(['holding out 10 of 10 rows (5 validation, 5 test) leaves none to train on']);
    await expect(Promise.resolve().then(() => s.handlers.startRun({ datasetId: tiny.id, hyperparams }))).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/leaves none to train on/) });
    expect(s.handlers.listRuns({})).toEqual([]);
    expect((await s.handlers.checkRun({ datasetId: tiny.id, hyperparams: { ...hyperparams, testFraction: 0.3 } })).problems).toEqual([]);
  });

  it('refuses, before the run exists, what the engine would refuse at its start: options and labels', async () => {
    const { services: s } = services();
    const closedLasso = { ...seedHyperparams, solver: 'closed' as const, alpha: 1 };
    expect((await s.handlers.checkRun({ datasetId: 'builtin:seed', hyperparams: closedLasso })).problems).toEqual(['the closed-form solver solves ridge only (α = 0); got α = 1']);
    await expect(Promise.resolve().then(() => s.handlers.startRun({ datasetId: 'builtin:seed', hyperparams: closedLasso }))).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'the closed-form solver solves ridge only (α = 0); got α = 1' });
    const logisticOnDiabetes = { ...seedHyperparams, model: 'logistic' as const, solver: 'cd' as const };
    expect((await s.handlers.checkRun({ datasetId: 'builtin:diabetes', hyperparams: logisticOnDiabetes })).problems).toEqual(['logistic regression needs labels 0 or 1; row 0 has 151']);
    await expect(Promise.resolve().then(() => s.handlers.startRun({ datasetId: 'builtin:diabetes', hyperparams: logisticOnDiabetes }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(s.handlers.listRuns({})).toEqual([]);
  });

  it('refuses unknown data sets and runs with NOT_FOUND', async () => {
    const { services: s } = services();
    await expect(Promise.resolve().then(() => s.handlers.startRun({ datasetId: 'nope', hyperparams: seedHyperparams }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(Promise.resolve().then(() => s.handlers.getRun({ id: 'run_missing' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
