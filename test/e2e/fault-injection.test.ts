// Fault injection (issue 14), seeded: SIGKILL of a CLI writer, of a trainer, and of the server, each at
// points drawn from a seeded generator, while a sweep (and, in the server, a run) writes. After every
// fault: integrity_check is ok, nothing completed is lost (cells committed before the kill are still
// there), nothing is left running, and resuming gives the uninterrupted result bit for bit.
// RIDGELINE_FAULT_POINTS sets the points per victim (7 in npm test; `npm run test:faults` runs it alone).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pcg64 } from '../../shared/engine/random/pcg64.ts';
import { writeBenchReport } from '../helpers/benchReport.ts';
import { CLI, REPO_ROOT, runCli, startServe } from '../helpers/cli.ts';
import { writeCorrelatedCsv } from '../helpers/syntheticCsv.ts';
import { sleep, until } from '../helpers/wait.ts';

const POINTS = Number(process.env.RIDGELINE_FAULT_POINTS ?? 7);
const rng = Pcg64.fromSeed(14);
let dir: string;
let csv: string;
interface CvResult {
  cvm: number[];
  cvsd: number[];
  lambdas: number[];
  lambdaMin: number;
  lambda1se: number;
}
let reference: CvResult & { timings: { fitMs: number } };
type Victim = 'CLI writer' | 'trainer' | 'server';
/** What was done and found, for the last test and the bench report. */
const tally = {
  injected: 0,
  survived: 0,
  resumed: 0,
  completedBeforeKill: 0,
  integrityChecksOk: 0,
  /** Sweep cells committed when the kill came, and of those, how many were there afterwards. */
  cellsCommitted: 0,
  cellsKept: 0,
  byVictim: { 'CLI writer': { injected: 0, survived: 0 }, trainer: { injected: 0, survived: 0 }, server: { injected: 0, survived: 0 } } as Record<Victim, { injected: number; survived: number }>,
};

function injected(victim: Victim): void {
  tally.injected++;
  tally.byVictim[victim].injected++;
}

function survived(victim: Victim): void {
  tally.survived++;
  tally.byVictim[victim].survived++;
}

const cvArgs = (db: string) => ['cv', '--data', csv, '--target', 'y', '--model', 'logistic', '--alpha', '1', '--folds', '5', '--n-lambda', '30', '--pool-size', '2', '--seed', '3', '--db', db, '--json'];

function sweepStarted(db: string): boolean {
  if (!existsSync(db)) return false;
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return conn.prepare("SELECT 1 FROM sweeps WHERE status = 'running'").get() !== undefined;
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}


function cellsDone(db: string): number {
  if (!existsSync(db)) return 0;
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare("SELECT count(*) AS n FROM sweep_cells WHERE status = 'completed'").get() as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0;
  }
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

/** After a fault: the database is sound, nothing runs, committed cells kept; an interrupted sweep resumes to the reference. */
function verifyAfterFault(victim: Victim, db: string, committedBeforeKill: number, what: string, expected: CvResult = reference): void {
  injected(victim);
  if (!existsSync(db)) {
    survived(victim);
    return;
  }
  const check = runCli(['db', 'check', '--db', db]);
  expect(check.status, `${what}: ${check.stdout}`).toBe(0);
  tally.integrityChecksOk++;
  const sweeps = JSON.parse(runCli(['sweeps', '--db', db, '--json']).stdout) as { id: string; status: string; cellsDone: number; cellsTotal: number }[];
  const runs = JSON.parse(runCli(['runs', '--db', db, '--json']).stdout) as { status: string }[];
  expect(runs.filter((r) => r.status === 'running' || r.status === 'queued'), what).toEqual([]);
  tally.cellsCommitted += committedBeforeKill;
  tally.cellsKept += Math.min(committedBeforeKill, sweeps.reduce((n, sweep) => n + sweep.cellsDone, 0));
  for (const sweep of sweeps) {
    expect(['interrupted', 'completed'], what).toContain(sweep.status);
    expect(sweep.cellsDone, `${what}: committed cells lost`).toBeGreaterThanOrEqual(committedBeforeKill);
    if (sweep.status === 'completed') {
      tally.completedBeforeKill++;
      continue;
    }
    const resumed = runCli(['sweep', 'resume', sweep.id, '--db', db, '--json']);
    expect(resumed.status, `${what}: ${resumed.stderr}`).toBe(0);
    const after = JSON.parse(resumed.stdout) as CvResult;
    expect(after.lambdas, what).toEqual(expected.lambdas);
    const differ = after.cvm.flatMap((v, i) => (v === expected.cvm[i] ? [] : [`λ#${i}: ${v} vs ${expected.cvm[i]}`]));
    expect(differ, `${what}: ${resumed.stderr}`).toEqual([]);
    expect(after.cvsd, what).toEqual(expected.cvsd);
    expect([after.lambdaMin, after.lambda1se], what).toEqual([expected.lambdaMin, expected.lambda1se]);
    tally.resumed++;
  }
  survived(victim);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-faults-'));
  csv = join(dir, 'corr.csv');
  writeCorrelatedCsv(csv, 4000, 20, 5, 0.5, true);
  const uninterrupted = runCli(cvArgs(join(dir, 'reference.db')));
  expect(uninterrupted.status, uninterrupted.stderr).toBe(0);
  reference = JSON.parse(uninterrupted.stdout);
}, 120_000);

afterAll(() => {
  writeBenchReport('Fault injection', [
    `SIGKILL at ${POINTS} seeded points (PCG64 seed 14) per victim, while a 5-fold logistic sweep (30 λ, 2 trainers) writes; the server also trains a run. After each: SQLite's integrity_check, nothing left running, committed cells kept, and an interrupted sweep resumed and compared bit for bit with the uninterrupted one.`,
    '',
    '| victim | faults injected | survived |',
    '|---|---|---|',
    ...(Object.entries(tally.byVictim) as [Victim, { injected: number; survived: number }][]).map(([victim, t]) => `| ${victim} | ${t.injected} | ${t.survived} |`),
    `| all | ${tally.injected} | ${tally.survived} |`,
    '',
    `Integrity checks ok: ${tally.integrityChecksOk}. Sweep cells committed before a kill: ${tally.cellsCommitted}, still there after it: ${tally.cellsKept} (${tally.cellsCommitted - tally.cellsKept} lost). Interrupted sweeps resumed to the uninterrupted cvm, cvsd, λ_min and λ_1se bit for bit: ${tally.resumed}; sweeps that had completed before the kill: ${tally.completedBeforeKill}.`,
  ]);
});

describe('seeded fault injection', () => {
  it(`SIGKILL of a CLI writer (and its trainers) at ${POINTS} points`, async () => {
    for (let k = 0; k < POINTS; k++) {
      const db = join(dir, `cli-${k}.db`);
      // A point within the sweep's own span (its start is when the sweep row exists).
      const delay = rng.integer(Math.ceil(reference.timings.fitMs * 1.2));
      const child = spawn(process.execPath, [CLI, ...cvArgs(db)], { cwd: REPO_ROOT, stdio: 'ignore', detached: true });
      await until(() => sweepStarted(db) || child.exitCode !== null, 'the sweep to start', 60_000);
      await sleep(delay);
      const committed = cellsDone(db);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already finished.
      }
      await exited(child);
      verifyAfterFault('CLI writer', db, committed, `cli kill #${k} at ${delay} ms`);
    }
  }, 600_000);

  it(`SIGKILL of a trainer at ${POINTS} points: the sweep completes with the same result`, async () => {
    for (let k = 0; k < POINTS; k++) {
      const db = join(dir, `trainer-${k}.db`);
      const delay = rng.integer(Math.ceil(reference.timings.fitMs * 0.8));
      const child = spawn(process.execPath, [CLI, ...cvArgs(db)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      await until(() => sweepStarted(db) || child.exitCode !== null, 'the sweep to start', 60_000);
      await sleep(delay);
      const trainers = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
      if (trainers.length > 0) process.kill(trainers[rng.integer(trainers.length)], 'SIGKILL');
      expect(await exited(child), `trainer kill #${k} at ${delay} ms: ${stderr}`).toBe(0);
      injected('trainer');
      const result = JSON.parse(stdout) as CvResult;
      expect(result.cvm, `trainer kill #${k}`).toEqual(reference.cvm);
      expect(runCli(['db', 'check', '--db', db]).status).toBe(0);
      tally.integrityChecksOk++;
      survived('trainer');
    }
  }, 600_000);

  it(`SIGKILL of the server at ${POINTS} points while a run and a sweep write`, async () => {
    const sweepSpec = (datasetId: string) => ({ datasetId, model: 'logistic', alphas: [1], folds: 5, nLambda: 30, seed: 3, poolSize: 2 });
    /** A database with the CSV stored as a data set (the way the CLI stores it), and that data set's id. */
    const seededDb = (name: string): { db: string; datasetId: string } => {
      const db = join(dir, name);
      const seeded = runCli(['fit', '--data', csv, '--target', 'y', '--model', 'logistic', '--lambda', '0.01', '--max-iter', '5', '--db', db, '--json']);
      expect(seeded.status, seeded.stderr).toBe(0);
      return { db, datasetId: (JSON.parse(runCli(['runs', '--db', db, '--json']).stdout) as { datasetId: string }[])[0].datasetId };
    };
    const api = async (serve: Awaited<ReturnType<typeof startServe>>, method: string, input: unknown) => {
      const response = await fetch(`${serve.origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${serve.token}` }, body: JSON.stringify(input) });
      return (await response.json()) as { ok: boolean; value: Record<string, unknown> };
    };
    // The uninterrupted result of the same sweep started the same way.
    const base = seededDb('serve-reference.db');
    const refServe = await startServe(base.db);
    const started = Date.now();
    const refId = (await api(refServe, 'startSweep', sweepSpec(base.datasetId))).value.sweepId as string;
    let detail: { status: string; results: CvResult[] } = { status: 'running', results: [] };
    while (detail.status !== 'completed') {
      await sleep(100);
      detail = (await api(refServe, 'getSweep', { id: refId })).value as unknown as typeof detail;
      expect(['queued', 'running', 'completed']).toContain(detail.status);
    }
    const span = Date.now() - started;
    await refServe.stop();
    const serveReference = detail.results[0];

    for (let k = 0; k < POINTS; k++) {
      const { db, datasetId } = seededDb(`serve-${k}.db`);
      const serve = await startServe(db);
      await api(serve, 'startRun', { name: 'long', datasetId: 'builtin:diabetes', hyperparams: { model: 'linear', lambda: 0.01, alpha: 0, solver: 'gd', learningRate: 0.4, maxIter: 2_000_000, tol: 0, standardize: true } });
      const sweep = await api(serve, 'startSweep', sweepSpec(datasetId));
      expect(sweep.ok).toBe(true);
      await sleep(rng.integer(Math.ceil(span * 1.1)));
      const committed = cellsDone(db);
      await serve.stop('SIGKILL');
      verifyAfterFault('server', db, committed, `server kill #${k}`, serveReference);
    }
  }, 600_000);

  it('counts what it did', () => {
    console.log(`faults: ${tally.injected} injected, ${tally.survived} survived, ${tally.resumed} sweeps resumed to the uninterrupted cvm, ${tally.completedBeforeKill} had completed before the kill`);
    expect(tally.injected).toBe(3 * POINTS);
    expect(tally.survived).toBe(tally.injected);
  });
});
