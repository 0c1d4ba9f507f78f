import { createHash } from 'node:crypto';
import type { DatasetSummary } from '../../../shared/domain/datasets.ts';
import { RidgelineError } from '../../../shared/errors.ts';
import type { Design } from '../../../shared/engine/types.ts';
import type { Db } from './open.ts';

export interface NewDataset {
  name: string;
  source: string;
  target: string;
  design: Design;
  builtin?: boolean;
  id?: string;
}

interface DatasetRow {
  id: string;
  name: string;
  source: string;
  target: string;
  feature_names: string;
  rows: number;
  cols: number;
  hash: string;
  builtin: number;
  created_at: string;
}

const SUMMARY_COLUMNS = 'id, name, source, target, feature_names, rows, cols, hash, builtin, created_at';

/** SHA-256 over the names and the exact bytes of the values: equal hash, equal data. */
export function hashDesign(target: string, design: Design): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ target, features: design.featureNames, rows: design.m, cols: design.p }));
  hash.update(f64Bytes(design.x));
  hash.update(f64Bytes(design.y));
  return hash.digest('hex');
}

export function f64Bytes(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function bytesToF64(bytes: Buffer): Float64Array {
  // Copy: SQLite's buffer is not guaranteed to be 8-byte aligned.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}

export class DatasetsStore {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly byHashStmt;
  private readonly listStmt;
  private readonly valuesStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO datasets (id, name, source, target, feature_names, rows, cols, x, y, hash, builtin, created_at)
       VALUES (@id, @name, @source, @target, @feature_names, @rows, @cols, @x, @y, @hash, @builtin, @created_at)`,
    );
    this.byIdStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets WHERE id = ?`);
    this.byHashStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets WHERE hash = ? AND builtin = 0 ORDER BY created_at LIMIT 1`);
    this.listStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets ORDER BY builtin DESC, created_at`);
    this.valuesStmt = db.prepare('SELECT x, y, rows, cols, feature_names FROM datasets WHERE id = ?');
  }

  list(): DatasetSummary[] {
    return (this.listStmt.all() as DatasetRow[]).map(toSummary);
  }

  get(id: string): DatasetSummary | null {
    const row = this.byIdStmt.get(id) as DatasetRow | undefined;
    return row ? toSummary(row) : null;
  }

  /** Stores a data set, or returns the stored one with the same content (imports are immutable). */
  insertOrReuse(dataset: NewDataset): DatasetSummary {
    const hash = hashDesign(dataset.target, dataset.design);
    if (dataset.id) {
      const existing = this.get(dataset.id);
      if (existing) return existing;
    } else {
      const existing = this.byHashStmt.get(hash) as DatasetRow | undefined;
      if (existing) return toSummary(existing);
    }
    const id = dataset.id ?? `ds_${hash.slice(0, 16)}`;
    this.insertStmt.run({
      id,
      name: dataset.name,
      source: dataset.source,
      target: dataset.target,
      feature_names: JSON.stringify(dataset.design.featureNames),
      rows: dataset.design.m,
      cols: dataset.design.p,
      x: f64Bytes(dataset.design.x),
      y: f64Bytes(dataset.design.y),
      hash,
      builtin: dataset.builtin ? 1 : 0,
      created_at: new Date().toISOString(),
    });
    return this.get(id)!;
  }

  loadDesign(id: string): Design {
    const row = this.valuesStmt.get(id) as { x: Buffer; y: Buffer; rows: number; cols: number; feature_names: string } | undefined;
    if (!row) throw new RidgelineError('NOT_FOUND', `no data set with id ${id}`);
    return { x: bytesToF64(row.x), y: bytesToF64(row.y), m: row.rows, p: row.cols, featureNames: JSON.parse(row.feature_names) as string[] };
  }
}

function toSummary(row: DatasetRow): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    rows: row.rows,
    features: JSON.parse(row.feature_names) as string[],
    target: row.target,
    hash: row.hash,
    builtin: row.builtin === 1,
    createdAt: row.created_at,
  };
}
