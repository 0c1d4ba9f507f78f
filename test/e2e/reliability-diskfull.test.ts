// A full disk (a small tmpfs, mounted by the test: CI runs as root): the write that fails says "disk is
// full" in one line, the database stays sound with every earlier run intact, and a running server keeps
// working once space is freed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let mount = '';
let mounted = false;
let serve: ServeProcess | null = null;

const fitArgs = (db: string, name: string) => ['fit', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--lambda', '0.01', '--solver', 'gd', '--learning-rate', '0.4', '--standardize', 'true', '--max-iter', '2000', '--tol', '0', '--name', name, '--db', db, '--json'];

/** Takes every free byte of the mount (what is left is what the filesystem keeps for itself). */
function fillDisk(): string {
  const filler = join(mount, 'filler');
  const stats = statfsSync(mount);
  writeFileSync(filler, Buffer.alloc(Number(stats.bavail) * Number(stats.bsize)));
  return filler;
}

function storedRuns(db: string): { name: string; status: string }[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare('SELECT name, status FROM runs ORDER BY created_at').all() as { name: string; status: string }[];
  } finally {
    conn.close();
  }
}

async function api<T>(method: string, input: unknown): Promise<{ status: number; body: { ok: boolean; value: T; error?: { code: string; message: string } } }> {
  const response = await fetch(`${serve!.origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${serve!.token}` }, body: JSON.stringify(input) });
  return { status: response.status, body: await response.json() };
}

beforeAll(() => {
  if (!isRoot) return;
  mount = mkdtempSync(join(tmpdir(), 'ridgeline-full-'));
  mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]).status === 0;
});

afterAll(async () => {
  await serve?.stop();
  if (mounted) spawnSync('umount', ['-l', mount]);
});

describe.skipIf(!isRoot)('a full disk', () => {
  it('the CLI says "disk is full" in one line; the database is sound and earlier runs intact', async () => {
    expect(mounted, 'could not mount a tmpfs').toBe(true);
    const db = join(mount, 'full.db');
    for (const name of ['before 1', 'before 2']) {
      const fit = runCli(fitArgs(db, name));
      expect(fit.status, fit.stderr).toBe(0);
    }
    const filler = fillDisk();
    const failed = runCli(fitArgs(db, 'no room'));
    expect(failed.status).toBe(1);
    const lines = failed.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ridgeline fit: the disk (holding \S+ )?is full\b.*[Ff]ree some space and try again\.? \[DISK_FULL\]$/);
    rmSync(filler);
    const check = runCli(['db', 'check', '--db', db]);
    expect(check.status, check.stdout).toBe(0);
    expect(storedRuns(db).filter((r) => r.name.startsWith('before'))).toEqual([
      { name: 'before 1', status: 'completed' },
      { name: 'before 2', status: 'completed' },
    ]);
  });

  it('a running server reports the full disk and keeps working once space is freed', async () => {
    const db = join(mount, 'serve.db');
    serve = await startServe(db);
    const spec = (name: string) => ({ name, datasetId: 'builtin:diabetes', hyperparams: { model: 'linear', lambda: 0.01, alpha: 0, solver: 'gd', learningRate: 0.4, maxIter: 2000, tol: 0, standardize: true } });
    const filler = fillDisk();
    const refused = await api<{ runId: string }>('startRun', spec('no room'));
    let reason = '';
    if (refused.body.ok) {
      // Accepted before its first write: the run itself must end failed, saying why.
      const runId = refused.body.value.runId;
      for (let k = 0; k < 200; k++) {
        const detail = await api<{ status: string; statusReason: string | null }>('getRun', { id: runId });
        if (detail.body.ok && !['queued', 'running'].includes(detail.body.value.status)) {
          reason = `${detail.body.value.status}: ${detail.body.value.statusReason}`;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } else {
      expect(refused.status).toBe(507);
      expect(refused.body.error?.code).toBe('DISK_FULL');
      reason = refused.body.error?.message ?? '';
    }
    expect(reason).toContain('disk is full');
    rmSync(filler);
    const started = await api<{ runId: string }>('startRun', spec('after freeing'));
    expect(started.body.ok, JSON.stringify(started.body)).toBe(true);
    let status = '';
    for (let k = 0; k < 400 && status !== 'completed'; k++) {
      status = (await api<{ status: string }>('getRun', { id: started.body.value.runId })).body.value.status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('completed');
    await serve.stop();
    serve = null;
    expect(runCli(['db', 'check', '--db', db]).status).toBe(0);
  });
});
