import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { RidgelineError } from '../../../shared/errors.ts';
import { hostname } from 'node:os';
import { sessionIsDead, type SessionRow } from './sessionsStore.ts';

/**
 * Damage is looked for before a database is used, never after: a file with a bad page that is opened and
 * written to spreads the damage and fails later somewhere unrelated. SQLite's quick_check reads every
 * page (not the cross-checks of integrity_check), about 60 ms per 100 MB here, so it runs on every
 * open of a database up to QUICK_CHECK_MAX_BYTES, and on larger ones after an unclean shutdown (a
 * session whose process died without closing), when damage is likeliest.
 */
export const QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024;

/** What to tell a user whose database is damaged. */
export function damagedAdvice(path: string): string {
  return `It was not modified. See what is wrong with \`ridgeline db check --db ${path}\`, copy out what can still be read with \`ridgeline db recover --db ${path} --out NEW.db\`, or restore a backup.`;
}

/** True when a process that wrote this database ended without closing its session. */
function uncleanShutdown(probe: Database.Database): boolean {
  const hasSessions = probe.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'").get() !== undefined;
  if (!hasSessions) return false;
  // Databases from before migration 9 have no start times: liveness by pid and heartbeat alone.
  const columns = (probe.prepare('PRAGMA table_info(sessions)').all() as { name: string }[]).map((c) => c.name);
  const rows = probe.prepare(`SELECT pid, host, heartbeat_at, ${columns.includes('pid_start') ? 'pid_start' : 'NULL AS pid_start'} FROM sessions`).all() as SessionRow[];
  const here = hostname();
  const now = Date.now();
  return rows.some((s) => sessionIsDead(s, here, now));
}

/** Problems SQLite's check reports ([] when it says "ok"). */
export function checkProblems(db: Database.Database, full: boolean, limit = 100): string[] {
  const rows = db.pragma(`${full ? 'integrity_check' : 'quick_check'}(${limit})`) as Record<string, string>[];
  // One row may hold several lines, headed by "*** in database main ***".
  const lines = rows
    .flatMap((row) => String(Object.values(row)[0]).split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^\*\*\* in database \w+ \*\*\*$/.test(line));
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
}

/** Refuses a damaged database, from a read-only connection, before anything writes to it. */
export function refuseDamaged(probe: Database.Database, path: string): void {
  let problems: string[];
  try {
    const size = statSync(path).size;
    if (size > QUICK_CHECK_MAX_BYTES && !uncleanShutdown(probe)) return;
    problems = checkProblems(probe, false, 5);
  } catch (error) {
    // Only SQLite's word for damage counts as damage; a full disk or an I/O error is said by the caller.
    const code = String((error as { code?: unknown }).code ?? '');
    if (!code.startsWith('SQLITE_CORRUPT') && code !== 'SQLITE_NOTADB') throw error;
    problems = [(error as Error).message];
  }
  if (problems.length === 0) return;
  throw new RidgelineError('DB_CORRUPT', `the database ${path} is damaged (SQLite's check says: ${problems[0]}). ${damagedAdvice(path)}`);
}
