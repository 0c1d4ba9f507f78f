// Crash safety of sweeps, with real signals: a CLI sweep killed with SIGKILL leaves an intact
// database whose sweep reads `interrupted`, and `sweep resume` finishes it with cvm equal bit for bit
// to an uninterrupted sweep's; a trainer process killed mid-cell is replaced and its cell retried.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, runCli } from '../helpers/cli.ts';
import { writeCorrelatedCsv } from '../helpers/syntheticCsv.ts';

let dir: string;
let csv: string;
// Logistic cells (proximal Newton on the rows, ~0.5 s each here) leave time to kill mid-sweep; a linear
// cell from the fold moments takes milliseconds.
const cvArgs = (db: string) => ['cv', '--data', csv, '--target', 'y', '--model', 'logistic', '--alpha', '1', '--folds', '10', '--n-lambda', '40', '--pool-size', '2', '--seed', '7', '--db', db, '--json'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-crash-'));
  csv = join(dir, 'corr.csv');
  writeCorrelatedCsv(csv, 12_000, 30, 11, 0.5, true);
});

function cellsDone(db: string): number {
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const row = conn.prepare('SELECT cells_done FROM sweeps').get() as { cells_done: number } | undefined;
      return row?.cells_done ?? 0;
    } finally {
      conn.close();
    }
  } catch {
    return 0;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Pids of the trainer processes whose parent is `pid`. */
function childTrainers(pid: number): number[] {
  const out = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return out === '' ? [] : out.split('\n').map(Number);
}

describe('sweeps survive crashes', () => {
  it('SIGKILL mid-sweep: integrity ok, interrupted, resumed to the same cvm bit for bit', async () => {
    const reference = runCli(cvArgs(join(dir, 'reference.db')));
    expect(reference.status, reference.stderr).toBe(0);
    const uninterrupted = JSON.parse(reference.stdout);

    const db = join(dir, 'killed.db');
    const child = spawn(process.execPath, [CLI, ...cvArgs(db)], { cwd: REPO_ROOT, stdio: 'ignore' });
    await waitFor(() => cellsDone(db) >= 2, 60_000, 'two committed cells');
    const trainers = childTrainers(child.pid!);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(cellsDone(db)).toBeLessThan(11);
    // The orphaned trainers notice their parent is gone and exit.
    await waitFor(() => trainers.every((pid) => spawnSync('kill', ['-0', String(pid)]).status !== 0), 10_000, 'orphaned trainers to exit');

    const conn = new Database(db, { readonly: true });
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    conn.close();

    const listed = JSON.parse(runCli(['sweeps', '--db', db, '--json']).stdout);
    expect(listed).toHaveLength(1);
    expect(listed[0].status).toBe('interrupted');
    expect(listed[0].cellsDone).toBeGreaterThanOrEqual(2);
    expect(listed[0].cellsDone).toBeLessThan(listed[0].cellsTotal);
    const runs = JSON.parse(runCli(['runs', '--db', db, '--json']).stdout) as { status: string }[];
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);

    const resumed = runCli(['sweep', 'resume', listed[0].id, '--db', db, '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const after = JSON.parse(resumed.stdout);
    expect(after.lambdas).toEqual(uninterrupted.lambdas);
    expect(after.cvm).toEqual(uninterrupted.cvm);
    expect(after.cvsd).toEqual(uninterrupted.cvsd);
    expect(after.lambdaMin).toBe(uninterrupted.lambdaMin);
    expect(after.lambda1se).toBe(uninterrupted.lambda1se);
    expect(JSON.parse(runCli(['sweeps', '--db', db, '--json']).stdout)[0]).toMatchObject({ status: 'completed', cellsDone: 11, cellsTotal: 11 });
  });

  it('a trainer killed mid-cell: the cell is retried on a fresh process and the sweep completes', async () => {
    const db = join(dir, 'worker-killed.db');
    const child = spawn(process.execPath, [CLI, ...cvArgs(db)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(() => cellsDone(db) >= 1 && childTrainers(child.pid!).length > 0, 60_000, 'a busy trainer');
    const [victim] = childTrainers(child.pid!);
    process.kill(victim, 'SIGKILL');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/failed, retrying: the trainer process exited unexpectedly \(code null\)/);
    const conn = new Database(db, { readonly: true });
    const retried = conn.prepare("SELECT attempts, error, status FROM sweep_cells WHERE attempts > 1").all() as { attempts: number; error: string; status: string }[];
    conn.close();
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ attempts: 2, status: 'completed' });
    expect(retried[0].error).toMatch(/exited unexpectedly/);
    expect(JSON.parse(stdout).cvm).toHaveLength(40);
  });
});
