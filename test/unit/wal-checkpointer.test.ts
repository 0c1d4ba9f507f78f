// The serving connection's checkpoints happen on a worker thread: commits only append to the log, and
// the worker moves it into the database file within about a second; stopping it leaves the serving
// connection the last one, whose close removes the log as before.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/db/open.ts';
import { startWalCheckpointer } from '../../electron/core/db/walCheckpointer.ts';
import { sleep } from '../helpers/wait.ts';

describe('the WAL checkpoint worker', () => {
  it('moves committed pages into the database file off the serving thread, and stops cleanly', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ridgeline-wal-')), 'w.db');
    const db = openDatabase(path);
    const stop = startWalCheckpointer(db, path);
    // 2 MB of commits: under the serving connection's own (backstop) threshold, so only the worker moves them.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(2 * 1024 * 1024 / 4096);
    db.exec('CREATE TABLE blobs (data BLOB)');
    const insert = db.prepare('INSERT INTO blobs VALUES (?)');
    const before = statSync(path).size;
    for (let k = 0; k < 32; k++) insert.run(Buffer.alloc(64 * 1024, k));
    expect(statSync(path).size).toBe(before); // in the log only
    let grown = false;
    for (let t = 0; t < 50 && !grown; t++) {
      await sleep(100);
      grown = statSync(path).size >= before + 2 * 1024 * 1024;
    }
    expect(grown).toBe(true);
    stop();
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
