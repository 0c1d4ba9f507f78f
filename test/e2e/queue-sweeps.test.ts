// Sweeps on several machines (BullMQ on Redis), end to end with real processes and real signals: a
// private redis-server on a free loopback port, `ridgeline worker`s as child processes in their own
// process groups (their trainer processes with them), and the CLI as the coordinator, the only writer
// of its database. Every sweep is compared bit for bit with a local `--pool-size 1` sweep of the same
// spec: cvm, cvsd, λ_min, λ_1se from the JSON, and every cell's stored bytes from the database.
// Short locks (3 s, stall checks every second) keep the takeovers quick; nothing asserts a duration.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellJobId, KEY_PREFIX, parseCellJobId, QUEUE_NAME } from '../../electron/queue/queueKeys.ts';
import { runCli, runCliAsync } from '../helpers/cli.ts';
import { closedLoopbackPort } from '../helpers/ports.ts';
import { startCliProcess, startQueueWorker, type CliProcess, type CvJson } from '../helpers/queueWorkers.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { expectSameSweep, readDb, storedCells, type StoredCell } from '../helpers/sweepCells.ts';
import { writeCorrelatedCsv } from '../helpers/syntheticCsv.ts';
import { sleep, until } from '../helpers/wait.ts';

const LOCK_MS = 3000;
const STALLED_MS = 1000;
const CELLS = 11; // 10 folds and the path on all the data

let redis: RedisServer;
let queue: Queue;
let dir: string;
let csv: string;
let reference: { json: CvJson; cells: Map<number, StoredCell> };
/** Every process this file starts, killed (process group and all) in afterAll. */
const processes: CliProcess[] = [];

// Logistic cells (a proximal Newton path on 12,000 × 30 rows) take a few tenths of a second each here:
// long enough to catch a worker mid-cell, short enough for the whole file to stay around a minute. (On
// 4,000 × 20 they had become ~0.05 s once the logistic engine got faster: too short a window.)
const cvArgs = (db: string) => ['cv', '--data', csv, '--target', 'y', '--model', 'logistic', '--alpha', '1', '--folds', '10', '--n-lambda', '20', '--seed', '7', '--db', db, '--json'];

/** `ridgeline …` in its own process group (so a signal to the group reaches its trainer processes too). */
const startCli = (args: string[]): CliProcess => startCliProcess(args, processes);

const startWorker = (): Promise<CliProcess> => startQueueWorker(redis.url, { lockMs: LOCK_MS, stalledMs: STALLED_MS, started: processes });

function signalGroup(proc: CliProcess, signal: NodeJS.Signals): void {
  process.kill(-proc.pid, signal);
}

async function sweepIdOf(db: string): Promise<string> {
  let id: string | undefined;
  await until(() => (id = readDb(db, (conn) => (conn.prepare('SELECT id FROM sweeps').get() as { id: string } | undefined)?.id)) !== undefined, 'the sweep to be stored', 60_000);
  return id!;
}

const cellsDone = (db: string): number => readDb(db, (conn) => (conn.prepare('SELECT cells_done FROM sweeps').get() as { cells_done: number } | undefined)?.cells_done) ?? 0;

/** The cells the coordinator committed, in order, from its "cell N from WORKER (…)" lines. */
function commits(stderr: string): { cell: number; worker: string }[] {
  return [...stderr.matchAll(/^cell (\d+) from (\S+) \(/gm)].map((m) => ({ cell: Number(m[1]), worker: m[2] }));
}

/** The same numbers as the local sweep: the JSON's and every cell's stored bytes; each cell stored once. */
function expectSameAsLocal(json: CvJson, db: string, coordinatorStderr: string): void {
  const cells = storedCells(db);
  expect(cells.size).toBe(CELLS);
  expectSameSweep(json, cells, reference);
  for (const [index, local] of reference.cells) {
    // Trained by a worker, which said which engine it ran: this coordinator's.
    expect(cells.get(index)!.computedBy?.engineHash, `cell ${index}`).toMatch(/^[0-9a-f]{64}$/);
    expect(local.computedBy).toBeNull();
  }
  const committed = commits(coordinatorStderr).map((c) => c.cell);
  expect([...committed].sort((a, b) => a - b)).toEqual(Array.from({ length: CELLS }, (_, i) => i));
}

/**
 * Freezes `worker` (SIGSTOP to its group) while it holds a cell of `sweepId`, and returns that cell's
 * job id. The job is read again once the worker is frozen, so a cell that finished just before the
 * signal is not mistaken for one in hand (then the worker is thawed and the next cell is awaited).
 */
async function freezeMidCell(worker: CliProcess, sweepId: string): Promise<string> {
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    const held = ((await queue.getJobs(['active'])) as Job[]).find((job) => job.processedBy === worker.name && parseCellJobId(job.id)?.sweepId === sweepId);
    if (!held) {
      await sleep(20);
      continue;
    }
    signalGroup(worker, 'SIGSTOP');
    // Let a command the worker had already sent (a completion) reach Redis before reading the job again.
    await sleep(200);
    const again = (await queue.getJob(held.id!)) as Job | undefined;
    if (again && (await again.getState()) === 'active' && again.processedBy === worker.name && again.processedOn === held.processedOn) return held.id!;
    signalGroup(worker, 'SIGCONT');
  }
  throw new Error(`worker ${worker.name} never held a cell of ${sweepId}`);
}

async function jobsOf(sweepId: string): Promise<(Job | undefined)[]> {
  return Promise.all(Array.from({ length: CELLS }, (_, i) => queue.getJob(cellJobId(sweepId, i)) as Promise<Job | undefined>));
}

beforeAll(async () => {
  redis = await startRedis();
  queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port, password: redis.password }, prefix: KEY_PREFIX });
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-queue-'));
  csv = join(dir, 'data.csv');
  writeCorrelatedCsv(csv, 12_000, 30, 11, 0.5, true);
  const db = join(dir, 'local.db');
  const local = await runCliAsync([...cvArgs(db), '--pool-size', '1']);
  expect(local.status, local.stderr).toBe(0);
  reference = { json: JSON.parse(local.stdout), cells: storedCells(db) };
});

afterAll(async () => {
  for (const proc of processes) await proc.kill();
  await queue?.close();
  await redis?.stop();
});

describe('sweeps through a queue of workers', () => {
  let workers: CliProcess[] = [];

  it('three workers, one SIGKILLed mid-cell: the sweep completes equal to the local one bit for bit, each cell stored once', async () => {
    workers = await Promise.all([startWorker(), startWorker(), startWorker()]);
    const db = join(dir, 'killed-worker.db');
    const coordinator = startCli([...cvArgs(db), '--queue', redis.url]);
    const sweepId = await sweepIdOf(db);
    const victim = workers[0];
    const jobId = await freezeMidCell(victim, sweepId);
    signalGroup(victim, 'SIGKILL');
    await victim.exited;

    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    const json = JSON.parse(coordinator.stdout()) as CvJson;
    expectSameAsLocal(json, db, coordinator.stderr());
    // The killed worker's cell stalled, went back to the queue and was trained by another worker.
    expect(coordinator.stderr()).toContain(`${jobId}: its worker stopped renewing its lock (crashed, lost or paused); queued again`);
    const cell = parseCellJobId(jobId)!.cellIndex;
    expect(storedCells(db).get(cell)!.computedBy!.worker).not.toBe(victim.name);
    expect(commits(coordinator.stderr()).find((c) => c.cell === cell)!.worker).not.toBe(victim.name);
    // Every worker logs one line per cell it finished (sweep, cell, seconds).
    const finished = workers.slice(1).flatMap((w) => [...w.stderr().matchAll(new RegExp(`^sweep ${sweepId} cell (\\d+) done in \\d+\\.\\d\\d s$`, 'gm'))].map((m) => Number(m[1])));
    expect(finished).toContain(cell);
    // Committed results leave Redis.
    expect(await jobsOf(sweepId)).toEqual(Array(CELLS).fill(undefined));
    workers = workers.slice(1);
  });

  it('a worker paused past its lock and resumed: its late result is refused, the cell is committed once', async () => {
    const [paused, other] = workers;
    const db = join(dir, 'paused-worker.db');
    const coordinator = startCli([...cvArgs(db), '--queue', redis.url]);
    const sweepId = await sweepIdOf(db);
    const jobId = await freezeMidCell(paused, sweepId);
    const cell = parseCellJobId(jobId)!.cellIndex;
    // The lock expires, the other worker takes the cell over, and the coordinator commits its result.
    await until(() => commits(coordinator.stderr()).some((c) => c.cell === cell), `cell ${cell} to be committed from the other worker`, 60_000);
    expect(commits(coordinator.stderr()).find((c) => c.cell === cell)!.worker).toBe(other.name);
    signalGroup(paused, 'SIGCONT');
    await until(() => paused.stderr().includes(`sweep ${sweepId} cell ${cell}: result not accepted: this worker had lost the cell's lock`), 'the paused worker to be refused', 60_000);

    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    expectSameAsLocal(JSON.parse(coordinator.stdout()), db, coordinator.stderr());
    expect(commits(coordinator.stderr()).filter((c) => c.cell === cell)).toHaveLength(1);
    expect(paused.alive()).toBe(true);
  });

  it('the coordinator SIGKILLed mid-sweep: workers finish into Redis, `sweep resume --queue` collects and ends equal; another engine is refused', async () => {
    const db = join(dir, 'killed-coordinator.db');
    const coordinator = startCli([...cvArgs(db), '--queue', redis.url]);
    const sweepId = await sweepIdOf(db);
    await until(() => cellsDone(db) >= 2, 'two committed cells', 60_000);
    signalGroup(coordinator, 'SIGKILL');
    await coordinator.exited;
    const committedBefore = cellsDone(db);
    expect(committedBefore).toBeLessThan(CELLS);
    // With no coordinator, the workers still finish every queued cell; the results wait in Redis.
    const states = async () => Promise.all((await jobsOf(sweepId)).map((job) => job?.getState()));
    const end = Date.now() + 60_000;
    while (!(await states()).every((state) => state === 'completed')) {
      if (Date.now() > end) throw new Error(`the workers did not finish the queued cells: ${(await states()).join(', ')}\n${workers.map((w) => w.stderr()).join('\n')}`);
      await sleep(100);
    }
    const stored = new Set(readDb(db, (conn) => (conn.prepare("SELECT cell_index FROM sweep_cells WHERE status = 'completed'").all() as { cell_index: number }[]).map((r) => r.cell_index)));
    const waiting = Array.from({ length: CELLS }, (_, i) => i).filter((i) => !stored.has(i));

    // One uncommitted result is made to look trained by another engine build: the resume refuses it, in one line.
    const forged = waiting[0];
    const key = `${KEY_PREFIX}:${QUEUE_NAME}:${cellJobId(sweepId, forged)}`;
    const client = new Redis({ host: '127.0.0.1', port: redis.port, password: redis.password });
    const returnvalue = JSON.parse((await client.hget(key, 'returnvalue'))!);
    returnvalue.computedBy.engineHash = '0'.repeat(64);
    await client.hset(key, 'returnvalue', JSON.stringify(returnvalue));
    client.disconnect();
    const refused = await runCliAsync(['sweep', 'resume', sweepId, '--queue', redis.url, '--db', db, '--json']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(new RegExp(`cell ${forged}: worker \\S+ runs engine 000000000000, V8 \\S+ but this coordinator runs engine [0-9a-f]{12}, V8 \\S+: results of a different engine build are not mixed into one sweep`));
    expect(refused.stderr).toMatch(/\[SWEEP_FAILED\]$/m);
    // Everything else was collected (finished while no coordinator waited), each once.
    const collected = [...refused.stderr.matchAll(/^cell (\d+) from \S+ \([^)]*\), collected: finished while no coordinator waited$/gm)].map((m) => Number(m[1]));
    expect(collected.sort((a, b) => a - b)).toEqual(waiting.slice(1));
    expect(storedCells(db).get(forged)!.computedBy).toBeNull();

    // The refused cell's job is gone, so the next resume trains it again, on the workers.
    const resumed = await runCliAsync(['sweep', 'resume', sweepId, '--queue', redis.url, '--db', db, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(commits(resumed.stderr).map((c) => c.cell)).toEqual([forged]);
    // The killed coordinator logs a cell as its result arrives, just before storing it: a kill in between
    // leaves a line for a cell it never stored (which the resume collected). Its lines count for the
    // cells it stored.
    const killedLines = coordinator
      .stderr()
      .split('\n')
      .filter((line) => {
        const cell = /^cell (\d+) from /.exec(line);
        return !cell || stored.has(Number(cell[1]));
      })
      .join('\n');
    expectSameAsLocal(JSON.parse(resumed.stdout), db, [refused.stderr, resumed.stderr, killedLines].join('\n'));
    expect(JSON.parse(runCli(['sweeps', '--db', db, '--json']).stdout)[0]).toMatchObject({ status: 'completed', cellsDone: CELLS, cellsTotal: CELLS });
    expect(await jobsOf(sweepId)).toEqual(Array(CELLS).fill(undefined));
  });

  it('a worker stopped with SIGTERM mid-cell hands its cell back at once; the sweep completes equal', async () => {
    const [stopped, other] = workers;
    const db = join(dir, 'handed-back.db');
    // Its trainer processes are frozen before they can finish a cell of this sweep (a trainer is reused
    // across cells, so it is there already; one started later is frozen as it appears, before it can
    // report ready; an earlier test may have left a retired one, which freezing leaves as it is), so
    // the cell the worker takes stays in hand however quickly the other worker trains the rest.
    const frozen = new Set<number>();
    const freezeTrainers = (): void => {
      const children = spawnSync('pgrep', ['-P', String(stopped.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
      for (const child of children) {
        if (frozen.has(child)) continue;
        try {
          process.kill(child, 'SIGSTOP');
          frozen.add(child);
        } catch {
          // it exited meanwhile
        }
      }
    };
    freezeTrainers();
    const coordinator = startCli([...cvArgs(db), '--queue', redis.url]);
    const sweepId = await sweepIdOf(db);
    let jobId: string | undefined;
    const end = Date.now() + 60_000;
    while (jobId === undefined) {
      if (Date.now() > end) throw new Error(`the worker never held a cell (${frozen.size} trainer(s) frozen)\n${stopped.stderr()}`);
      freezeTrainers();
      const held = frozen.size > 0 ? ((await queue.getJobs(['active'])) as Job[]).find((job) => job.processedBy === stopped.name && parseCellJobId(job.id)?.sweepId === sweepId) : undefined;
      if (!held) {
        await sleep(20);
        continue;
      }
      // A cell finished just before the freeze may still read active for a moment: it must stay.
      await sleep(200);
      const again = (await queue.getJob(held.id!)) as Job | undefined;
      if (again && (await again.getState()) === 'active' && again.processedBy === stopped.name && again.processedOn === held.processedOn) jobId = held.id!;
    }
    process.kill(stopped.pid, 'SIGTERM');
    expect(await stopped.exited, stopped.stderr()).toBe(0);
    expect(stopped.stderr()).toContain(`worker ${stopped.name}: handing 1 cell(s) back to the queue`);
    expect(stopped.stderr()).toMatch(/^worker: stopped$/m);

    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    expectSameAsLocal(JSON.parse(coordinator.stdout()), db, coordinator.stderr());
    const cell = parseCellJobId(jobId)!.cellIndex;
    expect(commits(coordinator.stderr()).find((c) => c.cell === cell)!.worker).toBe(other.name);
    // Back in the queue at once: not after its lock expired.
    expect(coordinator.stderr()).not.toContain(`${jobId}: its worker stopped renewing its lock`);
    workers = [other];
  });

  it('an idle worker stops on SIGTERM; cancelling a queued sweep removes its jobs and ends it cancelled', async () => {
    for (const worker of workers) signalGroup(worker, 'SIGTERM');
    for (const worker of workers) {
      expect(await worker.exited, worker.stderr()).toBe(0);
      expect(worker.stderr()).toMatch(/^worker: stopped$/m);
    }
    const db = join(dir, 'cancelled.db');
    const coordinator = startCli([...cvArgs(db), '--queue', redis.url]);
    const sweepId = await sweepIdOf(db);
    const end = Date.now() + 60_000;
    while ((await jobsOf(sweepId)).some((job) => job === undefined)) {
      if (Date.now() > end) throw new Error('the cells were not queued');
      await sleep(50);
    }
    const cancel = await runCliAsync(['sweep', 'cancel', sweepId, '--queue', redis.url, '--db', db]);
    expect(cancel.status, cancel.stderr).toBe(0);
    expect(cancel.stderr.trim()).toBe(`sweep ${sweepId} cancelled; ${CELLS} queued cell(s) removed from the queue`);
    expect(await coordinator.exited).toBe(1);
    expect(coordinator.stderr()).toMatch(/the sweep ended cancelled: cancelled by the user \[SWEEP_FAILED\]/);
    expect(await jobsOf(sweepId)).toEqual(Array(CELLS).fill(undefined));
    expect(await queue.getJobCounts('wait', 'active', 'prioritized', 'delayed', 'completed', 'failed')).toEqual({ wait: 0, active: 0, prioritized: 0, delayed: 0, completed: 0, failed: 0 });
    expect(JSON.parse(runCli(['sweeps', '--db', db, '--json']).stdout)[0]).toMatchObject({ status: 'cancelled', cellsDone: 0 });
  });

  it('a wrong password, no password or an unreachable Redis fails fast with one clear line, the password never shown', async () => {
    const wrong = redis.url.replace(redis.password, 'not-the-password');
    const cases: [string[], RegExp][] = [
      [['worker', '--queue', wrong], /^ridgeline worker: the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 refused the password \(WRONGPASS\): check the password in the queue URL \[QUEUE_UNREACHABLE\]$/],
      [['worker', '--queue', `redis://127.0.0.1:${redis.port}`], /^ridgeline worker: the queue at redis:\/\/127\.0\.0\.1:\d+\/0 needs a password: give it in the URL as redis:\/\/:PASSWORD@127\.0\.0\.1:\d+ \[QUEUE_UNREACHABLE\]$/],
      [[...cvArgs(join(dir, 'unreachable.db')), '--queue', `redis://:pw@127.0.0.1:${await closedLoopbackPort()}`], /^ridgeline cv: cannot reach the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: connection refused \[QUEUE_UNREACHABLE\]$/],
      [['sweep', 'resume', 'sweep_0', '--queue', wrong, '--db', join(dir, 'x.db')], /^ridgeline sweep: the queue at .* refused the password \(WRONGPASS\)/],
    ];
    for (const [args, line] of cases) {
      const result = await runCliAsync(args);
      expect(result.status, result.stderr).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(line);
      expect(result.stderr).not.toContain('not-the-password');
    }
    // Nothing was stored where the queue could not be reached.
    expect(readDb(join(dir, 'unreachable.db'), () => true)).toBeUndefined();
    // A server others can reach needs a password, refused before any connection (RIDGELINE_QUEUE stands for --queue).
    const open = await runCliAsync(['worker'], { RIDGELINE_QUEUE: 'redis://queue.invalid:6379' });
    expect(open.status).toBe(2);
    expect(open.stderr.trim()).toBe('ridgeline worker: RIDGELINE_QUEUE: the queue at redis://queue.invalid:6379/0 needs a password (redis://:PASSWORD@queue.invalid:6379): only a loopback server may go without one');
  });
});
