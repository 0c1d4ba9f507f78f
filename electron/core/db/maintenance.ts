import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { RidgelineError } from '../../../shared/errors.ts';
import { checkProblems } from './integrity.ts';
import { openDatabase } from './open.ts';

/** What `db check` found: SQLite's full integrity_check, from a read-only connection. */
export interface CheckResult {
  path: string;
  bytes: number;
  ok: boolean;
  problems: string[];
  schemaVersion: number | null;
}

function readOnly(path: string): Database.Database {
  if (!existsSync(path)) throw new RidgelineError('NOT_FOUND', `no database at ${path}`);
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new RidgelineError('DB_CORRUPT', `cannot open ${path}: ${(error as Error).message}`);
  }
}

export function checkDatabase(path: string): CheckResult {
  const bytes = statSync(path).size;
  let db: Database.Database;
  try {
    db = readOnly(path);
  } catch (error) {
    return { path, bytes, ok: false, problems: [(error as Error).message], schemaVersion: null };
  }
  try {
    let schemaVersion: number | null = null;
    try {
      schemaVersion = db.pragma('user_version', { simple: true }) as number;
    } catch {
      // The header is unreadable: integrity_check says more.
    }
    let problems: string[];
    try {
      problems = checkProblems(db, true);
    } catch (error) {
      problems = [(error as Error).message];
    }
    return { path, bytes, ok: problems.length === 0, problems, schemaVersion };
  } finally {
    db.close();
  }
}

function refuseExisting(out: string): void {
  if (existsSync(out)) throw new RidgelineError('BAD_REQUEST', `${out} exists already: name a new file (nothing is overwritten)`);
}

/**
 * A consistent copy through SQLite's online backup API, while other processes may write; written
 * beside the target and renamed, so a failed backup leaves nothing under its name. An existing file is
 * refused unless `replace` says the user confirmed replacing it (the desktop's save dialog asks).
 */
export async function backupDatabase(path: string, out: string, options: { replace?: boolean } = {}): Promise<{ out: string; bytes: number }> {
  if (!options.replace) refuseExisting(out);
  const db = readOnly(path);
  const partial = `${out}.partial`;
  try {
    await db.backup(partial);
    renameSync(partial, out);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new RidgelineError('INTERNAL', `backup of ${path} failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  return { out, bytes: statSync(out).size };
}

/** Columns that hold JSON (migrations.ts says which): a row whose JSON does not parse is a damaged row. */
const JSON_COLUMNS: Record<string, string[]> = {
  datasets: ['feature_names', 'columns', 'import_details'],
  runs: ['hyperparams', 'tags'],
  run_metric_blocks: ['metrics'],
  sweeps: ['spec', 'result'],
};

/** The columns a table's rows are ordered by in its b-tree: its primary key, else its rowid. */
function keyColumns(db: Database.Database, table: string): string[] {
  const info = db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; pk: number }[];
  const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => `"${c.name}"`);
  const withoutRowid = /WITHOUT\s+ROWID/i.test((db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string }).sql);
  return withoutRowid ? pk : ['rowid'];
}

/**
 * Rows of one table that can still be read: its b-tree walked forward until a damaged page stops the
 * walk, then backward from the other end until one stops it again. What lies between is lost; every
 * row read is whole (SQLite checks each page it reads).
 */
function readableRows(db: Database.Database, table: string, columns: string[]): { rows: unknown[][]; lost: boolean } {
  const key = keyColumns(db, table);
  const list = columns.map((c) => `"${c}"`).join(', ');
  const seen = new Set<string>();
  const rows: unknown[][] = [];
  let lost = false;
  for (const direction of ['ASC', 'DESC']) {
    const statement = db.prepare(`SELECT ${key.join(', ')}, ${list} FROM "${table}" ORDER BY ${key.map((k) => `${k} ${direction}`).join(', ')}`).raw(true);
    try {
      for (const row of statement.iterate() as Iterable<unknown[]>) {
        const id = JSON.stringify(row.slice(0, key.length));
        if (seen.has(id)) return { rows, lost };
        seen.add(id);
        rows.push(row.slice(key.length));
      }
      return { rows, lost };
    } catch {
      lost = true;
    }
  }
  return { rows, lost };
}

/**
 * What can still be read of a damaged database, into a new file. (SQLite's own `.recover` needs its
 * sqlite_dbpage table, which neither better-sqlite3's SQLite nor Debian's sqlite3 shell is built with.)
 * The new file is a fresh Ridgeline database at this version's schema; each of its tables takes the
 * readable rows of the same table in the damaged one (the columns both have), parents before
 * children. Rows whose parent was lost are dropped, so the copy is consistent, and it is checked in
 * full before it takes its name.
 */
export function recoverDatabase(path: string, out: string): { out: string; bytes: number; runs: number; datasets: number; sweeps: number; tablesWithLoss: string[] } {
  refuseExisting(out);
  const damaged = readOnly(path);
  const partial = `${out}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  let fresh: Database.Database | null = null;
  try {
    let names: string[];
    try {
      names = (damaged.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    } catch (error) {
      throw new RidgelineError('DB_CORRUPT', `nothing can be recovered from ${path}: its list of tables is unreadable (${(error as Error).message})`);
    }
    fresh = openDatabase(partial);
    const target = fresh;
    // Parents first, so that foreign keys can be checked once at the end.
    const order = ['datasets', 'dataset_blocks', 'sessions', 'runs', 'run_metric_blocks', 'run_parameters', 'sweeps', 'sweep_cells'];
    const tables = (target.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[])
      .map((r) => r.name)
      .filter((name) => names.includes(name) && name !== 'sessions')
      .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
    const tablesWithLoss: string[] = [];
    target.pragma('foreign_keys = OFF');
    target.transaction(() => {
      // The fresh database has the built-in data sets already; the damaged one's copies replace them.
      for (const table of [...tables].reverse()) target.exec(`DELETE FROM "${table}"`);
      for (const table of tables) {
        const have = (damaged.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
        const want = (target.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
        const columns = want.filter((c) => have.includes(c));
        const { rows, lost } = readableRows(damaged, table, columns);
        if (lost) tablesWithLoss.push(table);
        const insert = target.prepare(`INSERT OR IGNORE INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
        for (const row of rows) insert.run(...row);
      }
      const lostFrom = (table: string): void => void (tablesWithLoss.includes(table) || tablesWithLoss.push(table));
      // SQLite checks the structure of the pages it reads, not what a row holds: garbage inside a long
      // value (an overflow page) reads back without error. A JSON column that no longer parses shows such
      // a row; it goes, as a lost row.
      for (const table of tables) {
        const present = (target.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
        const columns = (JSON_COLUMNS[table] ?? []).filter((c) => present.includes(c));
        if (columns.length === 0) continue;
        const broken = columns.map((c) => `("${c}" IS NOT NULL AND NOT json_valid("${c}"))`).join(' OR ');
        if (target.prepare(`DELETE FROM "${table}" WHERE ${broken}`).run().changes > 0) lostFrom(table);
      }
      // Children of lost parents go too, parents first so that a dropped row's own children follow it:
      // what is left is consistent.
      for (const table of tables) {
        const keys = target.pragma(`foreign_key_list("${table}")`) as { table: string; from: string; to: string }[];
        for (const fk of keys) {
          if (target.prepare(`DELETE FROM "${table}" WHERE "${fk.from}" NOT IN (SELECT "${fk.to}" FROM "${fk.table}")`).run().changes > 0) lostFrom(table);
        }
      }
    })();
    target.pragma('foreign_keys = ON');
    const orphans = target.pragma('foreign_key_check') as unknown[];
    if (orphans.length > 0) throw new RidgelineError('DB_CORRUPT', `the recovered copy still has ${orphans.length} rows whose parent is missing`);
    const count = (table: string) => (target.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const result = { runs: count('runs'), datasets: count('datasets'), sweeps: count('sweeps') };
    const problems = checkProblems(target, true);
    if (problems.length > 0) throw new RidgelineError('DB_CORRUPT', `the recovered copy is not sound either: ${problems[0]}`);
    target.close();
    fresh = null;
    renameSync(partial, out);
    return { out, bytes: statSync(out).size, ...result, tablesWithLoss };
  } catch (error) {
    if (fresh?.open) fresh.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
    throw error instanceof RidgelineError ? error : new RidgelineError('DB_CORRUPT', `recovering ${path} failed: ${(error as Error).message}`);
  } finally {
    damaged.close();
  }
}
