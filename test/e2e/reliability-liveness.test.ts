// Issue 14, item 1: a process killed with SIGKILL whose parent does not reap it (where PID 1 reaps no
// orphans: containers) stays a zombie, which still answers kill(pid, 0). Its runs must read
// `interrupted` at the next open all the same, without waiting for the heartbeat to go stale.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { processAlive, processStartToken } from '../../electron/core/db/processLiveness.ts';
import { STALE_AFTER_MS } from '../../electron/core/db/sessionsStore.ts';
import { CLI, REPO_ROOT, runCli } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';
import { until } from '../helpers/wait.ts';

function stateOf(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return null;
  }
}


function runStatuses(db: string): string[] {
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare('SELECT status FROM runs').all() as { status: string }[]).map((r) => r.status);
    } finally {
      conn.close();
    }
  } catch {
    return [];
  }
}

describe.skipIf(process.platform !== 'linux')('process liveness', () => {
  it('knows a live process, a reused pid and a missing one', () => {
    expect(processAlive(process.pid, processStartToken())).toBe(true);
    expect(processAlive(process.pid, null)).toBe(true);
    expect(processAlive(process.pid, `${processStartToken()}1`)).toBe(false);
    expect(processAlive(2 ** 22 + 12345, null)).toBe(false);
  });

  it('a SIGKILLed writer left a zombie: its run reads interrupted at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-zombie-'));
    const db = join(dir, 'z.db');
    const fit = [CLI, 'fit', '--data', fixturePath('seed_linear.csv'), '--target', 'y', '--lambda', '0.001', '--solver', 'gd', '--learning-rate', '0.01', '--max-iter', '10000000', '--tol', '0', '--db', db, '--json'];
    // sh starts the writer in the background and becomes `sleep`, a parent that never reaps it.
    const quoted = [process.execPath, ...fit].map((a) => `'${a}'`).join(' ');
    const parent = spawn('sh', ['-c', `${quoted} >/dev/null 2>&1 & echo $!; exec sleep 120`], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const writerPid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
      await until(() => runStatuses(db).includes('running'), 'the run to start');
      process.kill(writerPid, 'SIGKILL');
      await until(() => stateOf(writerPid) === 'Z', 'the writer to become a zombie');
      const started = Date.now();
      const listed = runCli(['runs', '--db', db, '--json']);
      expect(listed.status, listed.stderr).toBe(0);
      const runs = JSON.parse(listed.stdout) as { status: string }[];
      expect(runs.map((r) => r.status)).toEqual(['interrupted']);
      const conn = new Database(db, { readonly: true });
      const reason = (conn.prepare('SELECT status_reason FROM runs').get() as { status_reason: string }).status_reason;
      conn.close();
      expect(reason).toContain(`pid ${writerPid}`);
      // Not by the stale heartbeat: well before it could be stale.
      expect(Date.now() - started).toBeLessThan(STALE_AFTER_MS);
      expect(stateOf(writerPid)).toBe('Z');
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
