// The database's care behind Settings: recovery that drops rows whose content is damaged, file names
// that never overwrite, the swap of a recovered copy into the database's place, and the services host
// that serves a damaged database's check and recovery until the copy is opened.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HyperparamsSchema } from '../../shared/domain/runs.ts';
import { seedExampleDesign } from '../../shared/datasets/seedExample.ts';
import { RidgelineError } from '../../shared/errors.ts';
import { openStore } from '../../electron/core/cliStore.ts';
import { freshSibling, replaceDatabaseFile } from '../../electron/core/db/databaseFiles.ts';
import { recoverDatabase } from '../../electron/core/db/maintenance.ts';
import { chromiumPdf } from '../../electron/core/reports/chromiumPdf.ts';
import { ServicesHost } from '../../electron/core/servicesHost.ts';
import { forkChildTrainer } from '../../electron/core/training/childProcessTrainer.ts';
import { storedRunIds, writeDamagedCopy, writeSoundDatabase } from '../helpers/damagedDatabase.ts';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'ridgeline-care-'));
const hyperparams = HyperparamsSchema.parse({ model: 'linear', lambda: 1e-4, alpha: 0, solver: 'gd', learningRate: 0.01, maxIter: 10, tol: 0 });

async function codeOf(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(RidgelineError);
    return (error as RidgelineError).code;
  }
  throw new Error('expected a refusal');
}

describe('recovery of rows whose content is damaged', () => {
  it('drops a row whose JSON no longer parses, with the rows that depend on it, and says so', () => {
    const path = join(tempDir(), 'content.db');
    const store = openStore(path, 'test');
    const seed = store.datasets.insertOrReuse({ name: 'seed', source: 'test', target: 'y', design: seedExampleDesign() });
    const builtin = store.datasets.list().find((d) => d.builtin)!;
    const lost = store.runs.create({ datasetId: seed.id, datasetHash: seed.hash, hyperparams, appVersion: 'test', ownerSession: null });
    const kept = store.runs.create({ datasetId: builtin.id, datasetHash: builtin.hash, hyperparams, appVersion: 'test', ownerSession: null });
    // Garbage inside a value, as a bad overflow page leaves it: SQLite reads the row without complaint.
    store.db.prepare('UPDATE datasets SET feature_names = ? WHERE id = ?').run('["x", "\u0007garbage', seed.id);
    store.close('test');

    const out = join(tempDir(), 'recovered.db');
    const result = recoverDatabase(path, out);
    expect(result.tablesWithLoss).toEqual(expect.arrayContaining(['datasets', 'runs']));
    const recovered = openStore(out, 'test');
    try {
      expect(recovered.datasets.list().some((d) => d.id === seed.id)).toBe(false);
      expect(recovered.runs.list().map((r) => r.id)).toEqual([kept]);
      expect(recovered.runs.exists(lost)).toBe(false);
    } finally {
      recovered.close('test');
    }
  });
});

describe('database files', () => {
  it('names a sibling that no file has, never one that exists', () => {
    const dir = tempDir();
    const db = join(dir, 'ridgeline.db');
    const at = new Date('2026-01-02T03:04:05Z');
    const first = freshSibling(db, 'backup', at);
    expect(first).toBe(join(dir, 'ridgeline-backup-20260102-030405.db'));
    writeFileSync(first, 'taken');
    expect(freshSibling(db, 'backup', at)).toBe(join(dir, 'ridgeline-backup-20260102-030405-2.db'));
    writeFileSync(`${join(dir, 'ridgeline-backup-20260102-030405-2.db')}-wal`, 'a log of a file not there');
    expect(freshSibling(db, 'backup', at)).toBe(join(dir, 'ridgeline-backup-20260102-030405-3.db'));
  });

  it('puts a replacement in place and keeps what was there, with its -wal and -shm, beside it', () => {
    const dir = tempDir();
    const db = join(dir, 'app.db');
    writeFileSync(db, 'old main');
    writeFileSync(`${db}-wal`, 'old log');
    writeFileSync(`${db}-shm`, 'old index');
    const replacement = join(dir, 'copy.db');
    writeFileSync(replacement, 'recovered');
    const keptAt = replaceDatabaseFile(db, replacement)!;
    expect(readFileSync(db, 'utf8')).toBe('recovered');
    expect(existsSync(replacement)).toBe(false);
    expect(readFileSync(keptAt, 'utf8')).toBe('old main');
    expect(readFileSync(`${keptAt}-wal`, 'utf8')).toBe('old log');
    expect(readFileSync(`${keptAt}-shm`, 'utf8')).toBe('old index');
    expect(existsSync(`${db}-wal`) || existsSync(`${db}-shm`)).toBe(false);
  });

  it('moves nothing when the replacement is missing', async () => {
    const dir = tempDir();
    const db = join(dir, 'app.db');
    writeFileSync(db, 'main');
    expect(await codeOf(() => replaceDatabaseFile(db, join(dir, 'gone.db')))).toBe('NOT_FOUND');
    expect(readFileSync(db, 'utf8')).toBe('main');
  });
});

describe('the services host', () => {
  let sound: string;
  const hosts: ServicesHost[] = [];
  const host = (dbPath: string, onDamage: 'refuse' | 'offer-recovery' = 'offer-recovery'): ServicesHost => {
    const created = new ServicesHost({ dbPath, launchTrainer: () => forkChildTrainer(), kind: 'test', pdf: chromiumPdf, onDamage });
    hosts.push(created);
    return created;
  };

  beforeAll(() => {
    sound = join(tempDir(), 'sound.db');
    writeSoundDatabase(sound);
  }, 120_000);

  afterEach(() => {
    for (const h of hosts.splice(0)) h.close();
  });

  it('refuses a damaged database when told to, as the CLI does', async () => {
    const damaged = join(tempDir(), 'ridgeline.db');
    writeDamagedCopy(sound, damaged);
    expect(await codeOf(() => host(damaged, 'refuse'))).toBe('DB_CORRUPT');
  });

  it('serves a damaged database’s check and recovery only, then opens the recovered copy in its place', async () => {
    const damaged = join(tempDir(), 'ridgeline.db');
    writeDamagedCopy(sound, damaged);
    const damagedBytes = readFileSync(damaged);
    const h = host(damaged);
    const info = await h.handlers.getAppInfo({});
    expect(info.databaseDamage).toContain(`the database ${damaged} is damaged`);
    expect(await codeOf(() => h.handlers.listRuns({}))).toBe('DB_CORRUPT');
    expect(await codeOf(() => h.backupTo(join(tempDir(), 'b.db')))).toBe('DB_CORRUPT');
    expect((await h.handlers.checkDatabase({})).ok).toBe(false);
    expect(await codeOf(() => h.handlers.openRecoveredDatabase({}))).toBe('BAD_REQUEST');

    const recovery = await h.handlers.recoverDatabase({});
    expect(recovery.out).toMatch(/ridgeline-recovered-\d{8}-\d{6}\.db$/);
    expect(readFileSync(damaged).equals(damagedBytes)).toBe(true);
    const recoveredIds = storedRunIds(recovery.out);
    expect(recovery.runs).toBe(recoveredIds.length);

    const switched = await h.handlers.openRecoveredDatabase({});
    expect(switched.databasePath).toBe(damaged);
    expect(readFileSync(switched.previousKeptAt!).equals(damagedBytes)).toBe(true);
    expect((await h.handlers.getAppInfo({})).databaseDamage).toBeNull();
    expect((await h.handlers.listRuns({})).map((r) => r.id).sort()).toEqual(recoveredIds);
    expect((await h.handlers.checkDatabase({})).ok).toBe(true);
  });

  it('backs up the open database, never over the database itself nor, unasked, over a file', async () => {
    const dir = tempDir();
    const db = join(dir, 'ridgeline.db');
    const h = host(sound);
    expect(await codeOf(() => h.backupTo(sound))).toBe('BAD_REQUEST');
    expect(await codeOf(() => h.backupTo(`${sound}-wal`))).toBe('BAD_REQUEST');
    writeFileSync(db, 'someone’s file');
    expect(await codeOf(() => h.backupTo(db))).toBe('BAD_REQUEST');
    expect(readFileSync(db, 'utf8')).toBe('someone’s file');
    const { bytes } = await h.backupTo(db, true);
    expect(bytes).toBeGreaterThan(0);
    expect(storedRunIds(db)).toEqual(storedRunIds(sound));
  });
});
