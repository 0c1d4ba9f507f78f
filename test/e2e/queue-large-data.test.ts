// The coordinator road for sweep data (issue 13: data too large for Redis are fetched once from the
// coordinator over an authenticated endpoint): forced with --data-via coordinator on a small data set,
// so the file stays fast, with real processes as in queue-sweeps.test.ts (a private redis-server,
// `ridgeline worker`s, the CLI as coordinator). Each case uses its own Redis database, so workers of
// one case never take another's cells. Every sweep is compared bit for bit with a local `--pool-size 1`
// sweep of the same spec (cvm, cvsd, λ_min, λ_1se from the JSON, and every cell's stored bytes).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDataToken } from '../../electron/queue/dataEndpoint.ts';
import { cellJobId, KEY_PREFIX, QUEUE_NAME } from '../../electron/queue/queueKeys.ts';
import { runCliAsync } from '../helpers/cli.ts';
import { startCliProcess, startQueueWorker, type CliProcess, type CvJson } from '../helpers/queueWorkers.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { expectSameSweep, readDb, storedCells, type StoredCell } from '../helpers/sweepCells.ts';
import { writeCorrelatedCsv } from '../helpers/syntheticCsv.ts';
import { sleep, until } from '../helpers/wait.ts';

const CELLS = 11; // 10 folds and the path on all the data

let redis: RedisServer;
let dir: string;
let csv: string;
let reference: { json: CvJson; cells: Map<number, StoredCell> };
const processes: CliProcess[] = [];
const queues: Queue[] = [];
const clients: Redis[] = [];

// A linear lasso path on 4,000 × 20 rows: cells of a few milliseconds; the road, not the training, is tested.
const cvArgs = (db: string) => ['cv', '--data', csv, '--target', 'y', '--alpha', '1', '--folds', '10', '--n-lambda', '30', '--seed', '3', '--db', db, '--json'];

/** The queue URL of Redis database `db`. */
const urlOf = (db: number) => `${redis.url}/${db}`;

function connection(db: number) {
  return { host: '127.0.0.1', port: redis.port, password: redis.password, db };
}

function queueOn(db: number): Queue {
  const queue = new Queue(QUEUE_NAME, { connection: connection(db), prefix: KEY_PREFIX });
  queues.push(queue);
  return queue;
}

function clientOn(db: number): Redis {
  const client = new Redis(connection(db));
  clients.push(client);
  return client;
}

function sweepIdIn(db: string): string | undefined {
  return readDb(db, (conn) => (conn.prepare('SELECT id FROM sweeps').get() as { id: string } | undefined)?.id);
}

function expectSameAsLocal(json: CvJson, db: string): void {
  expectSameSweep(json, storedCells(db), reference);
}

/** The sweep stored in `db` and every one of its cells' jobs in the queue (nothing taken yet: no worker there). */
async function queuedSweep(db: string, queue: Queue): Promise<{ sweepId: string; jobs: Job[] }> {
  let sweepId: string | undefined;
  await until(() => (sweepId = sweepIdIn(db)) !== undefined, 'the sweep to be stored', 60_000);
  const end = Date.now() + 60_000;
  for (;;) {
    const jobs = (await Promise.all(Array.from({ length: CELLS }, (_, i) => queue.getJob(cellJobId(sweepId!, i))))) as (Job | undefined)[];
    if (jobs.every((job) => job !== undefined)) return { sweepId: sweepId!, jobs: jobs as Job[] };
    if (Date.now() > end) throw new Error('the cells were not queued');
    await sleep(50);
  }
}

const servingAt = (stderr: string): string | undefined => /^coordinator: serving the data of every sweep at (http:\/\/127\.0\.0\.1:\d+);/m.exec(stderr)?.[1];

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-queue-data-'));
  csv = join(dir, 'data.csv');
  writeCorrelatedCsv(csv, 4000, 20, 5);
  const db = join(dir, 'local.db');
  const local = await runCliAsync([...cvArgs(db), '--pool-size', '1']);
  expect(local.status, local.stderr).toBe(0);
  reference = { json: JSON.parse(local.stdout), cells: storedCells(db) };
  expect(reference.cells.size).toBe(CELLS);
});

afterAll(async () => {
  for (const proc of processes) await proc.kill();
  for (const queue of queues) await queue.close();
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

describe('sweep data from the coordinator’s endpoint', () => {
  it('two workers fetch the data once each from the coordinator, never through Redis; the sweep equals the local one bit for bit', async () => {
    const workers = await Promise.all([startQueueWorker(urlOf(0), { started: processes }), startQueueWorker(urlOf(0), { started: processes })]);
    const db = join(dir, 'coordinator-road.db');
    const coordinator = await runCliAsync([...cvArgs(db), '--queue', urlOf(0), '--data-via', 'coordinator']);
    expect(coordinator.status, coordinator.stderr).toBe(0);
    const json = JSON.parse(coordinator.stdout) as CvJson;
    expectSameAsLocal(json, db);

    const origin = servingAt(coordinator.stderr);
    expect(origin, coordinator.stderr).toBeDefined();
    // Each worker that trained a cell fetched the data once, from the coordinator; the coordinator says so too.
    const fetches = workers.map((w) => [...w.stderr().matchAll(/^data ([0-9a-f]{12}) \(\d+\.\d MiB\) fetched from (.*) in \d+\.\d{3} s$/gm)]);
    const trained = workers.filter((w) => new RegExp(`^sweep ${json.sweepId} cell \\d+ done in`, 'm').test(w.stderr()));
    expect(trained.length).toBeGreaterThan(0);
    for (const [k, worker] of workers.entries()) {
      const took = trained.includes(worker);
      expect(fetches[k].map((m) => m[2]), worker.stderr()).toEqual(took ? [`the coordinator at ${origin}`] : []);
    }
    const sent = [...coordinator.stderr.matchAll(/^coordinator: data ([0-9a-f]{12}) \(\d+\.\d MiB\) sent to \S+ in \d+\.\d{3} s$/gm)];
    expect(sent.length).toBe(trained.length);
    expect(sent[0][1]).toBe(fetches.flat()[0][1]);
    // Nothing of the data went through Redis, and the sweep's token left with its jobs.
    const client = clientOn(0);
    expect(await client.keys(`${KEY_PREFIX}:data:*`)).toEqual([]);
    expect(await client.keys(`${KEY_PREFIX}:datatoken:*`)).toEqual([]);
  });

  it('a cell carrying a wrong token fails for good with one clear line (never the token); a resume serves the data again and ends equal', async () => {
    const queue = queueOn(1);
    const db = join(dir, 'wrong-token.db');
    // No worker on this database yet: the cells wait in the queue while their token is replaced.
    const coordinator = startCliProcess([...cvArgs(db), '--queue', urlOf(1), '--data-via', 'coordinator'], processes);
    const { sweepId, jobs } = await queuedSweep(db, queue);
    const origin = servingAt(coordinator.stderr())!;
    const real = (jobs[0].data as { data: { endpoint: { token: string } } }).data.endpoint.token;
    const forged = newDataToken();
    for (const job of jobs) {
      const data = job.data as { data: { endpoint: { token: string } } };
      data.data.endpoint.token = forged;
      await job.updateData(data);
    }
    const worker = await startQueueWorker(urlOf(1), { started: processes });
    expect(await coordinator.exited, coordinator.stderr()).toBe(1);
    const hash = (jobs[0].data as { data: { hash: string } }).data.hash.slice(0, 12);
    const refused = `the coordinator at ${origin} refused the token of data ${hash} (401: a valid data token is required (Authorization: Bearer TOKEN, from the queued cell)); this cell was not queued by that coordinator's sweep (resume the sweep to queue it afresh)`;
    const lastLine = coordinator.stderr().trim().split('\n').pop();
    expect(lastLine).toMatch(new RegExp(`^ridgeline cv: the sweep ended failed: cell \\d+: ${escape(refused)} \\[SWEEP_FAILED\\]$`));
    // The worker says it for each cell, once (refused tokens are not tried again), and fetched nothing.
    const said = [...worker.stderr().matchAll(new RegExp(`^sweep ${sweepId} cell (\\d+) failed: \\[UNAUTHORIZED\\] ${escape(refused)}$`, 'gm'))].map((m) => Number(m[1]));
    expect(said.sort((a, b) => a - b)).toEqual(Array.from({ length: CELLS }, (_, i) => i));
    expect(worker.stderr()).not.toMatch(/fetched from/);

    // `sweep resume --queue` queues the failed cells afresh, serves the data again, and the worker takes them.
    const resumed = await runCliAsync(['sweep', 'resume', sweepId, '--queue', urlOf(1), '--data-via', 'coordinator', '--db', db, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expectSameAsLocal(JSON.parse(resumed.stdout), db);
    expect(worker.stderr()).toContain(`fetched from the coordinator at ${servingAt(resumed.stderr)}`);
    // Secrets stay out of every log.
    for (const text of [coordinator.stderr(), coordinator.stdout(), worker.stderr(), resumed.stderr, resumed.stdout]) {
      expect(text).not.toContain(real);
      expect(text).not.toContain(forged);
      expect(text).not.toContain(redis.password);
    }
    await worker.kill();
  });

  it('the coordinator SIGKILLed before any worker came: `sweep resume --queue` serves the data again, at its own address, to the cells already queued', async () => {
    const queue = queueOn(2);
    const db = join(dir, 'killed-coordinator.db');
    const coordinator = startCliProcess([...cvArgs(db), '--queue', urlOf(2), '--data-via', 'coordinator'], processes);
    const { sweepId } = await queuedSweep(db, queue);
    const first = servingAt(coordinator.stderr())!;
    process.kill(-coordinator.pid, 'SIGKILL');
    await coordinator.exited;

    const resume = startCliProcess(['sweep', 'resume', sweepId, '--queue', urlOf(2), '--data-via', 'coordinator', '--db', db, '--json'], processes);
    await until(() => servingAt(resume.stderr()) !== undefined || !resume.alive(), 'the resume to serve the data', 60_000);
    const second = servingAt(resume.stderr())!;
    expect(second).not.toBe(first);
    // The queued cells now name the resumed coordinator's address (and the sweep's token, kept in Redis).
    const urls = async () => {
      const jobs = (await Promise.all(Array.from({ length: CELLS }, (_, i) => queue.getJob(cellJobId(sweepId, i))))) as Job[];
      return new Set(jobs.map((job) => (job.data as { data: { endpoint: { url: string } } }).data.endpoint.url.replace(/\/data\/.*$/, '')));
    };
    const end = Date.now() + 60_000;
    while ([...(await urls())].join() !== second) {
      if (Date.now() > end) throw new Error(`the queued cells still name ${[...(await urls())].join(', ')}`);
      await sleep(50);
    }
    const worker = await startQueueWorker(urlOf(2), { started: processes });
    expect(await resume.exited, resume.stderr()).toBe(0);
    expectSameAsLocal(JSON.parse(resume.stdout()), db);
    expect(worker.stderr()).toContain(`fetched from the coordinator at ${second}`);
    expect(worker.stderr()).not.toMatch(/failed:/);
    await worker.kill();
  });

  it('options are checked before anything starts: one line naming the option', async () => {
    const cases: [string[], string][] = [
      [['--serve-data', '127.0.0.1:0'], 'ridgeline cv: option --serve-data: only with --queue (it says how the queue\'s workers get the sweep\'s data)'],
      [['--queue', urlOf(3), '--serve-data', '0.0.0.0:7400'], "ridgeline cv: option --serve-data: 0.0.0.0 listens everywhere but names no machine: give this machine's address as the workers know it (its name or IP)"],
      [['--queue', urlOf(3), '--data-via', 'carrier-pigeon'], 'ridgeline cv: option --data-via: must be one of auto, redis, coordinator (got "carrier-pigeon")'],
    ];
    for (const [extra, line] of cases) {
      const result = await runCliAsync([...cvArgs(join(dir, 'never.db')), ...extra]);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr.trim()).toBe(line);
    }
    // An address this machine does not have: exit 1 before anything is stored.
    const taken = await runCliAsync([...cvArgs(join(dir, 'never.db')), '--queue', urlOf(3), '--serve-data', '192.0.2.1:7400']);
    expect(taken.status).toBe(1);
    expect(taken.stderr.trim()).toBe("ridgeline cv: cannot serve the sweep's data at 192.0.2.1:7400: that is not an address of this machine [BAD_OPTIONS]");
    expect(sweepIdIn(join(dir, 'never.db'))).toBeUndefined();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
