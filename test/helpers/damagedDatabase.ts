// A Ridgeline database with runs, and a damaged copy of it as a failing disk or a bad copy leaves one:
// what the reliability tests (the CLI's `db` commands, the app's Settings) check and recover.
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, openSync, statSync, writeSync } from 'node:fs';
import { expect } from 'vitest';
import { runCli } from './cli.ts';
import { fixturePath } from './fixtures.ts';

/** Four gd runs on the diabetes data (3000 steps each), stored by the CLI; everything in the main file. */
export function writeSoundDatabase(path: string): void {
  for (const k of [1, 2, 3, 4]) {
    const fit = runCli(['fit', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--lambda', String(0.01 * k), '--solver', 'gd', '--learning-rate', '0.5', '--standardize', 'true', '--max-iter', '3000', '--tol', '0', '--db', path, '--json']);
    expect(fit.status, fit.stderr).toBe(0);
  }
  // As after a clean close: a copy of the main file alone then holds everything.
  const conn = new Database(path);
  conn.pragma('wal_checkpoint(TRUNCATE)');
  conn.close();
}

/** A copy of `sound` with 2 KB of garbage written over a page in the middle of the file. */
export function writeDamagedCopy(sound: string, damaged: string): void {
  copyFileSync(sound, damaged);
  const size = statSync(damaged).size;
  const fd = openSync(damaged, 'r+');
  const garbage = Buffer.alloc(2048);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 17) & 255;
  writeSync(fd, garbage, 0, garbage.length, Math.floor(size / 2 / 4096) * 4096);
  closeSync(fd);
}

/** The ids of the runs a database lists, as `ridgeline runs --json` reads them, sorted. */
export function storedRunIds(db: string): string[] {
  const listed = runCli(['runs', '--db', db, '--json']);
  expect(listed.status, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { id: string }[]).map((r) => r.id).sort();
}
