import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { METRIC_NAMES, emptyMetricColumns, type MetricBatch } from '../../shared/domain/metrics.ts';
import { HyperparamsSchema } from '../../shared/domain/runs.ts';
import { seedExampleDesign } from '../../shared/datasets/seedExample.ts';
import { DatasetsStore, hashDesign } from '../../electron/core/db/datasetsStore.ts';
import { SCHEMA_VERSION } from '../../electron/core/db/migrations.ts';
import { openDatabase, type Db } from '../../electron/core/db/open.ts';
import { RunsStore } from '../../electron/core/db/runsStore.ts';
import { SessionsStore, STALE_AFTER_MS } from '../../electron/core/db/sessionsStore.ts';

const opened: Db[] = [];
const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'ridgeline-store-')), 'test.db');
function open(path = tempDb()): Db {
  const db = openDatabase(path);
  opened.push(db);
  return db;
}
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

const hyperparams = HyperparamsSchema.parse({ model: 'linear', lambda: 1e-4, alpha: 0, solver: 'gd', learningRate: 0.01, maxIter: 1000, tol: 0 });

function seedRun(db: Db, ownerSession: string | null = null) {
  const datasets = new DatasetsStore(db);
  const runs = new RunsStore(db);
  const dataset = datasets.insertOrReuse({ name: 'seed', source: 'test', target: 'y', design: seedExampleDesign() });
  const id = runs.create({ datasetId: dataset.id, datasetHash: dataset.hash, hyperparams, appVersion: '0.0.0-test', ownerSession });
  return { datasets, runs, dataset, id };
}

function batch(firstStep: number, count: number): MetricBatch {
  const columns = emptyMetricColumns(count);
  for (let i = 0; i < count; i++) {
    columns.objective[i] = 1 / (firstStep + i + 1) + Math.PI * 1e-17;
    columns.gradNorm[i] = Math.sqrt(firstStep + i);
  }
  return { firstStep, count, columns };
}

describe('database', () => {
  it('opens with WAL, foreign keys and the current schema version', () => {
    const db = open();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('refuses a database from a newer version and leaves its bytes untouched', () => {
    const path = tempDb();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(() => openDatabase(path)).toThrow(new RegExp(`schema version ${SCHEMA_VERSION + 5}, written by a newer Ridgeline.*not modified`));
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
  });

  it('refuses a foreign SQLite file and a non-SQLite file', () => {
    const path = tempDb();
    const raw = new Database(path);
    raw.exec('CREATE TABLE other (x)');
    raw.close();
    expect(() => openDatabase(path)).toThrow(/not a Ridgeline one/);
  });

  it('reopens an existing database without re-running migrations', () => {
    const path = tempDb();
    const { id } = seedRun(open(path));
    opened.pop()!.close();
    const again = open(path);
    expect(new RunsStore(again).get(id).id).toBe(id);
  });
});

describe('datasets', () => {
  it('stores values exactly, hashes content, and reuses identical imports', () => {
    const db = open();
    const store = new DatasetsStore(db);
    const design = seedExampleDesign();
    const a = store.insertOrReuse({ name: 'a', source: 's', target: 'y', design });
    const b = store.insertOrReuse({ name: 'b', source: 's', target: 'y', design });
    expect(b.id).toBe(a.id);
    expect(a.hash).toBe(hashDesign('y', design));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    const loaded = store.loadDesign(a.id);
    expect(Array.from(loaded.x)).toEqual(Array.from(design.x));
    expect(Array.from(loaded.y)).toEqual(Array.from(design.y));
    const changed = Float64Array.from(design.y);
    changed[7] += 1e-12;
    expect(store.insertOrReuse({ name: 'c', source: 's', target: 'y', design: { ...design, y: changed } }).id).not.toBe(a.id);
  });
});

describe('datasets stored in blocks', () => {
  /** 120,000 × 9 doubles (8.6 MB): three blocks of ~4 MB, the last one partial. */
  function largeDesign() {
    const m = 120_000;
    const p = 9;
    const x = Float64Array.from({ length: m * p }, (_, i) => Math.sin(i) * 1e3 + i * Number.EPSILON);
    const y = Float64Array.from({ length: m }, (_, i) => Math.cos(i));
    return { x, y, m, p, featureNames: Array.from({ length: p }, (_, j) => `f${j}`) };
  }

  it('splits a large design into row blocks and reads it back bit for bit', () => {
    const db = open();
    const store = new DatasetsStore(db);
    const design = largeDesign();
    const stored = store.insertOrReuse({ name: 'big', source: 's', target: 'y', design });
    const blocks = db.prepare('SELECT block, length(x) AS bytes FROM dataset_blocks WHERE dataset_id = ? ORDER BY block').all(stored.id) as { block: number; bytes: number }[];
    expect(blocks.length).toBe(3);
    expect(blocks.map((b) => b.block)).toEqual([0, 1, 2]);
    // Whole rows per block, and together every value.
    blocks.forEach((b) => expect(b.bytes % (8 * design.p)).toBe(0));
    expect(blocks.reduce((n, b) => n + b.bytes, 0)).toBe(design.x.byteLength);
    const loaded = store.loadDesign(stored.id);
    expect(Buffer.from(loaded.x.buffer).equals(Buffer.from(design.x.buffer))).toBe(true);
    expect(Buffer.from(loaded.y.buffer).equals(Buffer.from(design.y.buffer))).toBe(true);
  });

  it('still reads a data set stored inline by an earlier version', () => {
    const db = open();
    const store = new DatasetsStore(db);
    const design = seedExampleDesign();
    const stored = store.insertOrReuse({ name: 'seed', source: 's', target: 'y', design });
    // What schema 5 wrote: x in the datasets row, no blocks.
    db.prepare('DELETE FROM dataset_blocks WHERE dataset_id = ?').run(stored.id);
    db.prepare('UPDATE datasets SET x = ? WHERE id = ?').run(Buffer.from(design.x.buffer, design.x.byteOffset, design.x.byteLength), stored.id);
    expect(Array.from(store.loadDesign(stored.id).x)).toEqual(Array.from(design.x));
  });

  it('refuses a design whose blocks do not add up, naming the data set', () => {
    const db = open();
    const store = new DatasetsStore(db);
    const stored = store.insertOrReuse({ name: 'big', source: 's', target: 'y', design: largeDesign() });
    db.prepare('DELETE FROM dataset_blocks WHERE dataset_id = ? AND block = 1').run(stored.id);
    expect(() => store.loadDesign(stored.id)).toThrow(new RegExp(`data set ${stored.id}: its blocks hold \\d+ of 1080000 values`));
  });
});

describe('runs', () => {
  it('round-trips metric blocks bit for bit, in step order', () => {
    const db = open();
    const { runs, id } = seedRun(db);
    runs.markRunning(id);
    runs.appendMetrics(id, batch(0, 3));
    runs.appendMetrics(id, batch(3, 4));
    const stored = runs.metrics(id);
    expect(stored.count).toBe(7);
    const expected = batch(0, 7);
    expect(Array.from(stored.columns.objective!)).toEqual(Array.from(expected.columns.objective));
    expect(Array.from(stored.columns.gradNorm!)).toEqual(Array.from(expected.columns.gradNorm));
    expect(Number.isNaN(stored.columns.penalty![0])).toBe(true);
    expect(Object.keys(runs.metrics(id, ['objective']).columns)).toEqual(['objective']);
    expect(METRIC_NAMES.length).toBe(Object.keys(stored.columns).length);
  });

  it('finishes a run with its parameters and outcome in one transaction', () => {
    const db = open();
    const { runs, id } = seedRun(db);
    runs.finish(id, {
      status: 'completed',
      statusReason: null,
      resolvedSolver: 'gd',
      iterations: 1000,
      converged: false,
      finalObjective: 0.064,
      finalDataLoss: 0.0637,
      finalPenalty: 0.0003,
      finalNonzero: 1,
      optimumObjective: 0.0426,
      maxStableStep: 1.51,
      loadMs: 1,
      fitMs: 2,
      parameters: [
        { name: '(intercept)', value: 2.79 },
        { name: 'x', value: 2.56 },
      ],
    });
    const detail = runs.get(id);
    expect(detail.status).toBe('completed');
    expect(detail.parameters).toEqual([
      { name: '(intercept)', value: 2.79 },
      { name: 'x', value: 2.56 },
    ]);
    expect(detail.final.suboptimality).toBeCloseTo(0.064 - 0.0426, 15);
    expect(detail.appVersion).toBe('0.0.0-test');
    expect(detail.hyperparams).toEqual(hyperparams);
  });

  it('rejects a run on a missing data set (foreign keys are enforced)', () => {
    const db = open();
    expect(() => new RunsStore(db).create({ datasetId: 'nope', datasetHash: 'x', hyperparams, appVersion: 't', ownerSession: null })).toThrow(/FOREIGN KEY/);
  });
});

describe('sessions', () => {
  it('marks runs of a dead process interrupted and leaves a live owner alone', () => {
    const path = tempDb();
    const db = open(path);
    const live = new SessionsStore(db, 'test');
    live.start();
    const { runs, id: liveRun } = seedRun(db, live.id);
    runs.markRunning(liveRun);
    // A session whose pid cannot exist (beyond pid_max) and whose heartbeat is stale.
    db.prepare('INSERT INTO sessions (id, pid, host, kind, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      'dead',
      2 ** 22 + 12345,
      'elsewhere',
      'test',
      new Date().toISOString(),
      Date.now() - STALE_AFTER_MS - 1000,
    );
    const { id: deadRun } = seedRun(db, 'dead');
    runs.markRunning(deadRun);

    const other = new SessionsStore(open(path), 'test');
    expect(other.start()).toBe(1);
    expect(runs.get(deadRun).status).toBe('interrupted');
    expect(runs.get(deadRun).statusReason).toMatch(/ended without finishing/);
    expect(runs.get(liveRun).status).toBe('running');

    live.stop('stopped by the test');
    expect(runs.get(liveRun).status).toBe('interrupted');
    expect(runs.get(liveRun).statusReason).toBe('stopped by the test');
  });
});

describe('editing and deleting runs', () => {
  it('renames, tags, notes and archives; deletes softly with undo; purges after the undo window', () => {
    const db = open();
    const { runs, id } = seedRun(db);
    expect(() => runs.softDelete([id])).not.toThrow();
    // A queued run cannot be deleted: nothing is deleted while it may still run.
    expect(runs.softDelete([id])).toEqual([]);
    runs.fail(id, 'completed', 'test');
    const edited = runs.edit({ id, name: 'renamed', tags: ['ridge', 'ridge', 'seed'], notes: 'a note', archived: true });
    expect(edited).toMatchObject({ name: 'renamed', tags: ['ridge', 'seed'], notes: 'a note', archived: true });
    expect(runs.edit({ id, archived: false }).name).toBe('renamed');

    expect(runs.softDelete([id, 'run_missing'])).toEqual([id]);
    expect(runs.list()).toEqual([]);
    expect(() => runs.get(id)).toThrow(/no run with id/);
    expect(runs.restore([id])).toEqual([id]);
    expect(runs.get(id).name).toBe('renamed');

    runs.softDelete([id]);
    expect(runs.purgeDeleted(Date.now())).toBe(0); // still inside the undo window
    expect(runs.purgeDeleted(Date.now() + 11 * 60 * 1000)).toBe(1);
    expect(runs.restore([id])).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM run_parameters WHERE run_id = ?').get(id)).toEqual({ n: 0 });
  });
});

describe('data sets: rename, delete and restore', () => {
  it('renames and deletes imported data sets only, keeps a deleted one readable, and restores it', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openStore } = await import('../../electron/core/cliStore.ts');
    const store = openStore(join(mkdtempSync(join(tmpdir(), 'ridgeline-datasets-unit-')), 'd.db'), 'test');
    try {
      const design = { x: Float64Array.from([1, 2, 3, 4]), y: Float64Array.from([1, 0, 1, 0]), m: 4, p: 1, featureNames: ['a'] };
      const imported = store.datasets.insertOrReuse({ name: 'mine.csv', source: 'test', target: 'y', design });
      expect(store.datasets.rename(imported.id, '  Mine  ').name).toBe('Mine');
      expect(() => store.datasets.rename(imported.id, '   ')).toThrow(/needs a name/);
      expect(() => store.datasets.rename('builtin:diabetes', 'x')).toThrow(/built in/);
      expect(() => store.datasets.softDelete('builtin:diabetes')).toThrow(/built in/);
      expect(() => store.datasets.softDelete('ds_missing')).toThrow(/no data set/);
      expect(store.datasets.softDelete(imported.id)).toEqual({ runs: 0 });
      expect(store.datasets.list().map((d) => d.id)).not.toContain(imported.id);
      // Still readable by what uses it, and its values intact.
      expect(store.datasets.get(imported.id)?.name).toBe('Mine');
      expect(Array.from(store.datasets.loadDesign(imported.id).x)).toEqual([1, 2, 3, 4]);
      expect(store.datasets.restore(imported.id).id).toBe(imported.id);
      expect(store.datasets.list().map((d) => d.id)).toContain(imported.id);
      // The same content imported again after a delete brings the stored copy back (one copy, its name).
      store.datasets.softDelete(imported.id);
      const again = store.datasets.insertOrReuse({ name: 'other name.csv', source: 'test', target: 'y', design });
      expect([again.id, again.name]).toEqual([imported.id, 'Mine']);
      expect(store.datasets.list().filter((d) => d.id === imported.id)).toHaveLength(1);
    } finally {
      store.close('test done');
    }
  });
});
