// Where the app's services run a sweep (electron/core/sweeps/sweepTargets.ts): on this machine, or on a
// queue the shell passes in, connected before anything is stored. The queue here is a stand-in that trains
// the cells on a real trainer pool and names two workers, as queue workers do; the real queue is tested
// end to end in test/e2e/queue-sweeps.test.ts and queue-sweeps-ui.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RidgelineError } from '../../shared/errors.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { chromiumPdf } from '../../electron/core/reports/chromiumPdf.ts';
import { createServices, type Services } from '../../electron/core/services.ts';
import { poolRunner, type CellRunner } from '../../electron/core/sweeps/cellRunner.ts';
import type { SweepQueue, SweepQueues } from '../../electron/core/sweeps/sweepQueues.ts';
import { forkChildTrainer } from '../../electron/core/training/childProcessTrainer.ts';
import { TrainerPool } from '../../electron/core/training/trainerPool.ts';
import { ensureWorkerBundle } from '../../electron/core/training/workerBundle.ts';

const open: Services[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

const spec = { datasetId: 'builtin:diabetes', model: 'linear' as const, alphas: [1], nLambda: 20, folds: 4, seed: 3, poolSize: 1 };
const WORKERS = ['node-a:11', 'node-b:22'];

/** A queue whose workers are a local pool, each cell credited to one of two workers in turn. */
function fakeQueue(entry: string | undefined, display: string, connected: string[]): SweepQueues {
  return {
    connect: async (url) => {
      connected.push(url);
      if (url.includes('wrong')) throw new RidgelineError('QUEUE_UNREACHABLE', `the queue at ${display} refused the password (WRONGPASS): check the password in the queue URL`);
      const queue: SweepQueue = {
        display,
        openRunner: (): CellRunner => {
          const local = poolRunner(new TrainerPool(() => forkChildTrainer(entry), 1));
          return {
            runCell: async (task) => ({ ...(await local.runCell(task)), computedBy: { worker: WORKERS[task.cellIndex % 2], engineHash: 'f'.repeat(64), v8: process.versions.v8 } }),
            cancelAll: (reason) => local.cancelAll(reason),
            close: () => local.close(),
          };
        },
        workerFacts: async (_sweepId, names) => ({
          inHand: new Map(),
          heartbeats: new Map(names.map((name) => [name, { ageMs: 1500, intervalMs: 5000, stopped: false, host: name.split(':')[0], pid: Number(name.split(':')[1]) }])),
        }),
      };
      return queue;
    },
    close: async () => undefined,
  };
}

async function services(queues?: SweepQueues): Promise<Services> {
  const entry = (await ensureWorkerBundle()) ?? undefined;
  const s = createServices({ dbPath: join(mkdtempSync(join(tmpdir(), 'ridgeline-targets-')), 's.db'), launchTrainer: () => forkChildTrainer(entry), kind: 'test', pdf: chromiumPdf, queues });
  open.push(s);
  return s;
}

describe('sweep targets', () => {
  it('checks the queue URL at the boundary by the CLI rules, never echoing it', async () => {
    const s = await services();
    const refused = dispatch(s.handlers, 'startSweep', { ...spec, queue: 'redis://:hunter2@10.0.0.5:6379/x' });
    await expect(refused).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^startSweep: queue: the queue URL's database must be a number/) });
    await expect(refused).rejects.not.toMatchObject({ message: expect.stringContaining('hunter2') });
    await expect(dispatch(s.handlers, 'resumeSweep', { id: 'sweep_x', queue: 'redis://10.0.0.5:6379' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/needs a password/) });
    await expect(dispatch(s.handlers, 'resumeSweep', { id: 'sweep_x', queue: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // A shell that passes no queues says so, and stores nothing.
    await expect(dispatch(s.handlers, 'startSweep', { ...spec, queue: 'redis://127.0.0.1:6379' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/cannot run sweeps on a queue/) });
    expect(await s.handlers.listSweeps({})).toEqual([]);
    await expect(dispatch(s.handlers, 'getSweepWorkers', { id: 'sweep_missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('connects before storing anything: a refused queue starts nothing', async () => {
    const connected: string[] = [];
    const s = await services(fakeQueue((await ensureWorkerBundle()) ?? undefined, 'redis://:***@10.0.0.5:6379/0', connected));
    await expect(dispatch(s.handlers, 'startSweep', { ...spec, queue: 'redis://:wrong@10.0.0.5:6379/0' })).rejects.toMatchObject({ code: 'QUEUE_UNREACHABLE', message: expect.stringMatching(/refused the password/) });
    expect(connected).toEqual(['redis://:wrong@10.0.0.5:6379/0']);
    expect(await s.handlers.listSweeps({})).toEqual([]);
  });

  it("runs the cells on the queue's runner, equal to this machine's, and lists the workers that trained them", async () => {
    const connected: string[] = [];
    const s = await services(fakeQueue((await ensureWorkerBundle()) ?? undefined, 'redis://:***@10.0.0.5:6379/0', connected));
    const local = (await dispatch(s.handlers, 'startSweep', spec)) as { sweepId: string };
    const queued = (await dispatch(s.handlers, 'startSweep', { ...spec, queue: 'redis://:pw@10.0.0.5:6379/0' })) as { sweepId: string };
    expect((await s.sweeps.execute(local.sweepId)).status).toBe('completed');
    expect((await s.sweeps.execute(queued.sweepId)).status).toBe('completed');
    // Only the sweep sent to the queue connected to it.
    expect(connected).toEqual(['redis://:pw@10.0.0.5:6379/0']);
    const [a, b] = await Promise.all([s.handlers.getSweep({ id: local.sweepId }), s.handlers.getSweep({ id: queued.sweepId })]);
    expect(b.results[0]!.cvm).toEqual(a.results[0]!.cvm);
    expect(b.results[0]!.cvsd).toEqual(a.results[0]!.cvsd);

    const workers = await s.handlers.getSweepWorkers({ id: queued.sweepId });
    expect(workers).toMatchObject({ sweepId: queued.sweepId, queue: 'redis://:***@10.0.0.5:6379/0', live: true, problem: null, localCells: 0 });
    // 5 cells, credited in turn: cells 0, 2, 4 to node-a, 1 and 3 to node-b.
    expect(workers.workers).toEqual([
      { name: 'node-a:11', host: 'node-a', pid: 11, cellsDone: 3, cellsInHand: [], heartbeatAgeSeconds: 1.5, state: 'idle' },
      { name: 'node-b:22', host: 'node-b', pid: 22, cellsDone: 2, cellsInHand: [], heartbeatAgeSeconds: 1.5, state: 'idle' },
    ]);
    // A sweep of this machine: no queue, no workers, every cell local.
    expect(await s.handlers.getSweepWorkers({ id: local.sweepId })).toEqual({ sweepId: local.sweepId, queue: null, live: false, problem: null, workers: [], localCells: 5 });
  });

  it('resumes on a queue or on this machine, as asked, and says when the queue cannot be read', async () => {
    const connected: string[] = [];
    const queues = fakeQueue((await ensureWorkerBundle()) ?? undefined, 'redis://:***@10.0.0.5:6379/0', connected);
    const s = await services(queues);
    // Plain gradient descent with no tolerance: slow enough cells for the cancel to land mid-sweep.
    const slow = { ...spec, grid: { solver: ['gd' as const], maxIter: [20000] }, nLambda: 3, tol: 0 };
    const { sweepId } = (await dispatch(s.handlers, 'startSweep', slow)) as { sweepId: string };
    expect(await s.handlers.cancelSweep({ id: sweepId })).toEqual({ cancelled: true });
    expect((await s.sweeps.execute(sweepId)).status).toBe('cancelled');
    await expect(dispatch(s.handlers, 'resumeSweep', { id: sweepId, queue: 'redis://:wrong@10.0.0.5:6379/0' })).rejects.toMatchObject({ code: 'QUEUE_UNREACHABLE' });
    expect((await s.handlers.getSweep({ id: sweepId })).status).toBe('cancelled');
    expect(await dispatch(s.handlers, 'resumeSweep', { id: sweepId, queue: 'redis://:pw@10.0.0.5:6379/0' })).toEqual({ resumed: true });
    const done = await s.sweeps.execute(sweepId);
    expect(done.status).toBe('completed');
    const workers = await s.handlers.getSweepWorkers({ id: sweepId });
    expect(workers.queue).toBe('redis://:***@10.0.0.5:6379/0');
    expect(workers.workers.reduce((n, w) => n + w.cellsDone, 0) + workers.localCells).toBe(done.cellsTotal);
    expect(workers.workers.length).toBeGreaterThan(0);

    // A queue that does not answer: what the database knows, and one line saying why no more.
    queues.connect = async () => ({ display: 'redis://:***@10.0.0.5:6379/0', openRunner: () => poolRunner(new TrainerPool(() => forkChildTrainer(undefined), 1)), workerFacts: () => Promise.reject(new RidgelineError('QUEUE_UNREACHABLE', 'cannot reach the queue at redis://:***@10.0.0.5:6379/0: connection refused')) });
    const { sweepId: other } = (await dispatch(s.handlers, 'startSweep', { ...spec, queue: 'redis://:pw@10.0.0.5:6379/0' })) as { sweepId: string };
    await s.sweeps.execute(other);
    const unread = await s.handlers.getSweepWorkers({ id: other });
    expect(unread).toMatchObject({ live: false, problem: "the workers' heartbeats could not be read: cannot reach the queue at redis://:***@10.0.0.5:6379/0: connection refused", workers: [], localCells: 5 });
  });
});
