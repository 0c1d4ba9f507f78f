// Issue 14, item 2: a damaged database is refused on open with one line naming the file and what to
// do, and never written to; `ridgeline db check|backup|recover` look at it, copy a sound one, and copy
// out what can still be read of a damaged one.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { storedRunIds as ids, writeDamagedCopy, writeSoundDatabase } from '../helpers/damagedDatabase.ts';
import { fixturePath } from '../helpers/fixtures.ts';

let dir: string;
let sound: string;
let damaged: string;
let runIds: string[];

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-damage-'));
  sound = join(dir, 'sound.db');
  writeSoundDatabase(sound);
  runIds = ids(sound);
  damaged = join(dir, 'damaged.db');
  writeDamagedCopy(sound, damaged);
}, 120_000);

describe('a damaged database', () => {
  it('is refused on open with one line naming the file and what to do, and left as it was', () => {
    const before = sha(damaged);
    const listed = runCli(['runs', '--db', damaged]);
    expect(listed.status).toBe(1);
    const lines = listed.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`the database ${damaged} is damaged`);
    expect(lines[0]).toContain('db recover');
    expect(lines[0]).toContain('[DB_CORRUPT]');
    expect(sha(damaged)).toBe(before);
    // Every command that opens it refuses it the same way.
    const fit = runCli(['fit', '--data', fixturePath('seed_linear.csv'), '--target', 'y', '--lambda', '0.1', '--db', damaged]);
    expect(fit.status).toBe(1);
    expect(fit.stderr).toContain('is damaged');
    expect(sha(damaged)).toBe(before);
  });

  it('db check says what is wrong (exit 1), and ok for a sound one (exit 0)', () => {
    const bad = runCli(['db', 'check', '--db', damaged, '--json']);
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; problems: string[] };
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
    const good = runCli(['db', 'check', '--db', sound]);
    expect(good.status, good.stdout).toBe(0);
    expect(good.stdout).toMatch(/: ok \(/);
  });

  it('db backup copies a sound database with every run', () => {
    const out = join(dir, 'backup.db');
    const backup = runCli(['db', 'backup', '--db', sound, '--out', out]);
    expect(backup.status, backup.stderr).toBe(0);
    expect(ids(out)).toEqual(runIds);
    // Never over an existing file.
    const again = runCli(['db', 'backup', '--db', sound, '--out', out]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('exists already');
  });

  it('db recover copies out what can still be read into a sound new database', () => {
    const out = join(dir, 'recovered.db');
    const recovered = runCli(['db', 'recover', '--db', damaged, '--out', out, '--json']);
    expect(recovered.status, recovered.stderr).toBe(0);
    const summary = JSON.parse(recovered.stdout) as { runs: number; datasets: number };
    expect(summary.runs).toBeGreaterThan(0);
    expect(runCli(['db', 'check', '--db', out]).status).toBe(0);
    const kept = ids(out);
    expect(kept.every((id) => runIds.includes(id))).toBe(true);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
