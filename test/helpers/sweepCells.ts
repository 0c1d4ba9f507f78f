/** A sweep's stored cells, read from its database, and the check that a queue sweep equals a local one. */
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { CvJson } from './queueWorkers.ts';

/** One row of sweep_cells: the result bytes as stored, and who trained it (a queue worker, or null). */
export interface StoredCell {
  size: number | null;
  errors: Buffer | null;
  nonzero: Buffer;
  intercepts: Buffer | null;
  coefs: Buffer | null;
  computedBy: { worker: string; engineHash: string; v8: string } | null;
}

/** `read` on the database at `db`, opened read-only; undefined while there is no such database. */
export function readDb<T>(db: string, read: (conn: Database.Database) => T): T | undefined {
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return read(conn);
    } finally {
      conn.close();
    }
  } catch {
    return undefined;
  }
}

/** Every cell of the (one) sweep in `db`, by cell index. */
export function storedCells(db: string): Map<number, StoredCell> {
  const rows = (readDb(db, (conn) => conn.prepare('SELECT cell_index, size, errors, nonzero, intercepts, coefs, computed_by FROM sweep_cells ORDER BY cell_index').all()) ?? []) as Record<string, unknown>[];
  return new Map(
    rows.map((r) => [
      r.cell_index as number,
      {
        size: r.size as number | null,
        errors: r.errors as Buffer | null,
        nonzero: r.nonzero as Buffer,
        intercepts: r.intercepts as Buffer | null,
        coefs: r.coefs as Buffer | null,
        computedBy: r.computed_by ? JSON.parse(r.computed_by as string) : null,
      },
    ]),
  );
}

/** The same numbers as the local sweep: the JSON's (every bit of each double) and every cell's stored bytes. */
export function expectSameSweep(json: CvJson, cells: Map<number, StoredCell>, local: { json: CvJson; cells: Map<number, StoredCell> }): void {
  expect(json.lambdas).toEqual(local.json.lambdas);
  expect(json.cvm).toEqual(local.json.cvm);
  expect(json.cvsd).toEqual(local.json.cvsd);
  expect(json.lambdaMin).toBe(local.json.lambdaMin);
  expect(json.lambda1se).toBe(local.json.lambda1se);
  expect([...cells.keys()]).toEqual([...local.cells.keys()]);
  for (const [index, expected] of local.cells) {
    const got = cells.get(index)!;
    expect(got.size, `cell ${index} size`).toBe(expected.size);
    for (const field of ['errors', 'nonzero', 'intercepts', 'coefs'] as const) {
      expect(got[field] === null ? null : Buffer.compare(got[field]!, expected[field]!), `cell ${index} ${field}`).toBe(expected[field] === null ? null : 0);
    }
  }
}
