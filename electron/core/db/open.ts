import { existsSync, mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { RidgelineError } from '../../../shared/errors.ts';
import { damagedAdvice, refuseDamaged } from './integrity.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';

export type Db = Database.Database;

/**
 * Opens (creating if needed) a Ridgeline database: checks its schema version and that it is not damaged
 * (integrity.ts) before touching it, then turns on WAL and foreign keys and applies pending migrations
 * in one transaction. A database from a newer Ridgeline, a foreign file or a damaged one is refused and
 * left byte-for-byte unmodified.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:' && existsSync(path)) refuseNewerOrForeign(path);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, nativeBindingOption());
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Electron's Node has another ABI than the system Node that builds better-sqlite3 on `npm ci`:
 * the desktop launcher builds a second binding for Electron and names it here.
 */
export function nativeBindingOption(): { nativeBinding?: string } {
  const binding = process.env.RIDGELINE_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}

/**
 * Why an existing database could not be read, in words that fit: damage (SQLite says so) is not a
 * full disk or a failing device, and a full disk is said as such.
 */
function openFailure(path: string, error: unknown): RidgelineError {
  const code = String((error as { code?: unknown }).code ?? '');
  const message = (error as Error).message;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new RidgelineError('DB_CORRUPT', `${path} is not a readable SQLite database (${message}). ${damagedAdvice(path)}`);
  }
  if (code === 'SQLITE_FULL' || diskIsFull(dirname(path))) {
    return new RidgelineError('DISK_FULL', `the disk holding ${path} is full, so the database cannot be opened (SQLite needs room for its journal); nothing was changed. Free some space and try again.`);
  }
  return new RidgelineError('DB_CORRUPT', `cannot open the database ${path} (${message}); it was not modified.`);
}

function diskIsFull(dir: string): boolean {
  try {
    const stats = statfsSync(dir);
    return Number(stats.bavail) * Number(stats.bsize) < 64 * 1024;
  } catch {
    return false;
  }
}

function refuseNewerOrForeign(path: string): void {
  let probe: Db;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true, ...nativeBindingOption() });
  } catch (error) {
    throw openFailure(path, error);
  }
  try {
    const version = probe.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new RidgelineError(
        'DB_TOO_NEW',
        `the database ${path} has schema version ${version}, written by a newer Ridgeline; this version understands up to ${SCHEMA_VERSION}. It was not modified: upgrade Ridgeline or use another --db.`,
      );
    }
    if (version === 0) {
      const tables = probe.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
      if (tables.n > 0) {
        throw new RidgelineError('DB_CORRUPT', `${path} is an SQLite database but not a Ridgeline one (it has tables and no schema version); it was not modified.`);
      }
    }
    refuseDamaged(probe, path);
  } catch (error) {
    if (error instanceof RidgelineError) throw error;
    throw openFailure(path, error);
  } finally {
    probe.close();
  }
}

function migrate(db: Db): void {
  // The version is read inside the write lock: two processes opening a new file at once must not
  // both apply the same migrations.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new RidgelineError('DB_TOO_NEW', `the database has schema version ${current}; this Ridgeline understands up to ${SCHEMA_VERSION}`);
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
