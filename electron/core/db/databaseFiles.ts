import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { RidgelineError } from '../../../shared/errors.ts';

/** SQLite's companions of a database in WAL mode, which belong to it wherever it goes. */
const COMPANIONS = ['-wal', '-shm'];

/**
 * A name beside `path` that no file has: `<name>-<label>-<date>-<time>.db`, with a counter if that is
 * taken too. Nothing is ever written over.
 */
export function freshSibling(path: string, label: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const extension = extname(path) || '.db';
  const stem = basename(path, extname(path));
  for (let n = 1; ; n++) {
    const candidate = join(dirname(path), `${stem}-${label}-${stamp}${n > 1 ? `-${n}` : ''}${extension}`);
    if (!COMPANIONS.some((c) => existsSync(`${candidate}${c}`)) && !existsSync(candidate)) return candidate;
  }
}

/**
 * Puts `replacement` (a closed, complete database file) at `path`; what was there, with its -wal and
 * -shm, is moved to a fresh name beside it first and kept. Returns where it was kept (null if nothing
 * was there). The caller has closed every connection of this process to `path`.
 */
export function replaceDatabaseFile(path: string, replacement: string): string | null {
  if (!existsSync(replacement)) throw new RidgelineError('NOT_FOUND', `the recovered copy ${replacement} is no longer there`);
  if (!existsSync(path)) {
    renameSync(replacement, path);
    return null;
  }
  const keptAt = freshSibling(path, 'replaced');
  const moved = [path, ...COMPANIONS.map((c) => `${path}${c}`)].filter((file) => existsSync(file));
  const aside = (file: string): string => `${keptAt}${file.slice(path.length)}`;
  for (const file of moved) renameSync(file, aside(file));
  try {
    renameSync(replacement, path);
  } catch (error) {
    // Put back what was moved: the database stays as it was.
    for (const file of moved) renameSync(aside(file), file);
    throw error;
  }
  return keptAt;
}
