import { createHash } from 'node:crypto';
import type { StoredColumn } from '../../../shared/domain/datasetImport.ts';
import type { DatasetSummary, ImportDetails } from '../../../shared/domain/datasets.ts';
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
  /** Per-column statistics; computed from the design when not given. */
  columns?: StoredColumn[];
  importDetails?: ImportDetails;
}

/**
 * The creation time recorded for built-in data sets. They belong to the app, not to a database, so
 * every database records the same time for them: a report about one then reads the same whichever
 * database it comes from (JSON export → import elsewhere → export gives the same document).
 */
export const BUILTIN_CREATED_AT = '1970-01-01T00:00:00.000Z';

/** Mean, (1/m)-standard deviation, min and max of each column of a design. */
export function columnStatistics(design: Design): StoredColumn[] {
  const { x, m, p, featureNames } = design;
  return featureNames.map((name, j) => {
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < m; i++) {
      const v = x[i * p + j];
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / m;
    let ss = 0;
    for (let i = 0; i < m; i++) ss += (x[i * p + j] - mean) ** 2;
    return { name, source: { column: name }, mean, sd: Math.sqrt(ss / m), min, max, missing: 0 };
  });
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
  columns: string;
  import_details: string | null;
}

const SUMMARY_COLUMNS = 'id, name, source, target, feature_names, rows, cols, hash, builtin, created_at, columns, import_details';

/** SHA-256 over the names and the exact bytes of the values: equal hash, equal data. */
export function hashDesign(target: string, design: Design): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ target, features: design.featureNames, rows: design.m, cols: design.p }));
  hash.update(f64Bytes(design.x));
  hash.update(f64Bytes(design.y));
  return hash.digest('hex');
}

/** Rows per stored block are chosen so that a block is about this large. */
const BLOCK_BYTES = 4 * 1024 * 1024;

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
  private readonly insertBlockStmt;
  private readonly blocksStmt;
  private readonly renameStmt;
  private readonly deleteStmt;
  private readonly restoreStmt;
  private readonly usesStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO datasets (id, name, source, target, feature_names, rows, cols, x, y, hash, builtin, created_at, columns, import_details)
       VALUES (@id, @name, @source, @target, @feature_names, @rows, @cols, @x, @y, @hash, @builtin, @created_at, @columns, @import_details)`,
    );
    this.byIdStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets WHERE id = ?`);
    this.byHashStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets WHERE hash = ? AND builtin = 0 ORDER BY created_at LIMIT 1`);
    this.listStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM datasets WHERE deleted_at IS NULL ORDER BY builtin DESC, created_at, rowid`);
    this.renameStmt = db.prepare('UPDATE datasets SET name = ? WHERE id = ? AND builtin = 0 AND deleted_at IS NULL');
    this.deleteStmt = db.prepare('UPDATE datasets SET deleted_at = ? WHERE id = ? AND builtin = 0 AND deleted_at IS NULL');
    this.restoreStmt = db.prepare('UPDATE datasets SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL');
    this.usesStmt = db.prepare('SELECT count(*) FROM runs WHERE dataset_id = ? AND deleted_at IS NULL').pluck();
    this.valuesStmt = db.prepare('SELECT x, y, rows, cols, feature_names FROM datasets WHERE id = ?');
    this.insertBlockStmt = db.prepare('INSERT INTO dataset_blocks (dataset_id, block, x) VALUES (?, ?, ?)');
    this.blocksStmt = db.prepare('SELECT x FROM dataset_blocks WHERE dataset_id = ? ORDER BY block').pluck();
  }

  /** The data sets people choose from: deleted ones (see softDelete) are left out. */
  list(): DatasetSummary[] {
    return (this.listStmt.all() as DatasetRow[]).map(toSummary);
  }

  /** Renames an imported data set (built-ins keep their names). */
  rename(id: string, name: string): DatasetSummary {
    const trimmed = name.trim();
    if (trimmed === '') throw new RidgelineError('BAD_REQUEST', 'a data set needs a name');
    const dataset = this.get(id);
    if (dataset === null) throw new RidgelineError('NOT_FOUND', `no data set with id ${id}`);
    if (dataset.builtin) throw new RidgelineError('BAD_REQUEST', `"${dataset.name}" is built in: it keeps its name`);
    this.renameStmt.run(trimmed, id);
    return this.get(id)!;
  }

  /**
   * Takes an imported data set out of the lists; restore() brings it back. Nothing is erased: runs and
   * sweeps trained on it keep reading its values (their reports and reproduce commands too). Returns how
   * many runs use it, for the message.
   */
  softDelete(id: string): { runs: number } {
    const dataset = this.get(id);
    if (dataset === null) throw new RidgelineError('NOT_FOUND', `no data set with id ${id}`);
    if (dataset.builtin) throw new RidgelineError('BAD_REQUEST', `"${dataset.name}" is built in and cannot be deleted`);
    this.deleteStmt.run(new Date().toISOString(), id);
    return { runs: this.usesStmt.get(id) as number };
  }

  restore(id: string): DatasetSummary {
    this.restoreStmt.run(id);
    const dataset = this.get(id);
    if (dataset === null) throw new RidgelineError('NOT_FOUND', `no data set with id ${id}`);
    return dataset;
  }

  get(id: string): DatasetSummary | null {
    const row = this.byIdStmt.get(id) as DatasetRow | undefined;
    return row ? toSummary(row) : null;
  }

  /** Stores a data set, or returns the stored one with the same content (imports are immutable). */
  insertOrReuse(dataset: NewDataset): DatasetSummary {
    const hash = hashDesign(dataset.target, dataset.design);
    // Check and insert under one write lock: two processes importing the same data at once store it once.
    return this.db.transaction(() => this.insertUnlocked(dataset, hash)).immediate();
  }

  private insertUnlocked(dataset: NewDataset, hash: string): DatasetSummary {
    if (dataset.id) {
      const existing = this.get(dataset.id);
      if (existing) return existing;
    } else {
      const existing = this.byHashStmt.get(hash) as DatasetRow | undefined;
      if (existing) {
        // The same data imported again after a delete: the stored copy comes back (under its old name).
        this.restoreStmt.run(existing.id);
        return toSummary(existing);
      }
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
      x: Buffer.alloc(0),
      y: f64Bytes(dataset.design.y),
      hash,
      builtin: dataset.builtin ? 1 : 0,
      created_at: dataset.builtin ? BUILTIN_CREATED_AT : new Date().toISOString(),
      columns: JSON.stringify(dataset.columns ?? columnStatistics(dataset.design)),
      import_details: dataset.importDetails ? JSON.stringify(dataset.importDetails) : null,
    });
    this.insertBlocks(id, dataset.design.x, dataset.design.p, dataset.design.m);
    return this.get(id)!;
  }

  /** Stores a design's values (row-major m × p) as the row blocks of data set `id` (inside the caller's transaction). */
  insertBlocks(id: string, x: Float64Array, p: number, m: number): void {
    const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / (8 * Math.max(p, 1))));
    for (let start = 0, block = 0; start < m; start += rowsPerBlock, block++) {
      this.insertBlockStmt.run(id, block, f64Bytes(x.subarray(start * p, Math.min(m, start + rowsPerBlock) * p)));
    }
  }

  loadDesign(id: string): Design {
    const row = this.valuesStmt.get(id) as { x: Buffer; y: Buffer; rows: number; cols: number; feature_names: string } | undefined;
    if (!row) throw new RidgelineError('NOT_FOUND', `no data set with id ${id}`);
    const design = { x: row.x.byteLength > 0 ? bytesToF64(row.x) : this.blockValues(id, row.rows * row.cols), y: bytesToF64(row.y), m: row.rows, p: row.cols, featureNames: JSON.parse(row.feature_names) as string[] };
    if (design.x.length !== row.rows * row.cols || design.y.length !== row.rows) {
      throw new RidgelineError('DB_CORRUPT', `data set ${id}: ${design.x.length} stored values for ${row.rows} × ${row.cols} and ${design.y.length} targets`);
    }
    return design;
  }

  /** The design's values from its blocks, copied straight into one array (no intermediate concatenation). */
  private blockValues(id: string, count: number): Float64Array {
    const out = new Float64Array(count);
    const bytes = new Uint8Array(out.buffer);
    let offset = 0;
    for (const block of this.blocksStmt.iterate(id) as IterableIterator<Buffer>) {
      if (offset + block.byteLength > bytes.byteLength) throw new RidgelineError('DB_CORRUPT', `data set ${id}: its blocks hold more than ${count} values`);
      bytes.set(block, offset);
      offset += block.byteLength;
    }
    if (offset !== bytes.byteLength) throw new RidgelineError('DB_CORRUPT', `data set ${id}: its blocks hold ${offset / 8} of ${count} values`);
    return out;
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
    columns: JSON.parse(row.columns) as StoredColumn[],
    importDetails: row.import_details ? (JSON.parse(row.import_details) as ImportDetails) : null,
  };
}
