import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import { MISSING_TOKENS, type ColumnProfile, type CsvPreview, type ImportOptions, type StoredColumn } from '../../../../shared/domain/datasetImport.ts';
import { RidgelineError } from '../../../../shared/errors.ts';
import type { Design } from '../../../../shared/engine/types.ts';

const MISSING = new Set(MISSING_TOKENS);
const PREVIEW_ROWS = 1000;

/** Refuses what is not a text CSV before parsing: empty files, and binary ones (NUL bytes, invalid UTF-8). */
function checkTextFile(path: string, label: string): number {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new RidgelineError('BAD_DATA', `cannot read ${label}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (size === 0) throw new RidgelineError('BAD_DATA', `${label} is empty: a header row and at least one data row are needed`);
  const head = Buffer.alloc(Math.min(size, 64 * 1024));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.includes(0)) throw new RidgelineError('BAD_DATA', `${label} is not a text CSV file (it contains NUL bytes: a binary file?)`);
  try {
    // A multi-byte character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length < size ? lastCharBoundary(head) : head.length));
  } catch {
    throw new RidgelineError('BAD_DATA', `${label} is not UTF-8 text (a binary file, or another encoding: save it as UTF-8 CSV)`);
  }
  return size;
}

function lastCharBoundary(bytes: Buffer): number {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] & 0xc0) === 0x80) end--;
  return end > 0 && bytes[end - 1] >= 0xc0 ? end - 1 : bytes.length;
}

function records(path: string, onBytes?: (bytes: number) => void, signal?: AbortSignal) {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, signal });
  if (onBytes) {
    let read = 0;
    stream.on('data', (chunk) => {
      read += chunk.length;
      onBytes(read);
    });
  }
  const parser = parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  stream.on('error', (error) => parser.destroy(error));
  return stream.pipe(parser);
}

function describeParseError(error: unknown, label: string): RidgelineError {
  if (error instanceof RidgelineError) return error;
  const e = error as Error & { code?: string; lines?: number; record?: unknown[] };
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') return new RidgelineError('CANCELLED', `the import of ${label} was cancelled; nothing was stored`);
  if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || e.code === 'CSV_RECORD_DONT_MATCH_COLUMNS_LENGTH') {
    return new RidgelineError('BAD_DATA', `${label}: line ${e.lines} has ${e.record?.length ?? 'a different number of'} fields, but the header has a different count (a ragged row)`);
  }
  return new RidgelineError('BAD_DATA', `${label}: ${e.message}`);
}

function isNumber(cell: string): boolean {
  return cell !== '' && Number.isFinite(Number(cell));
}

/** The header and the first rows: column kinds, missing counts, levels, samples. */
export async function previewCsv(path: string, label = basename(path)): Promise<CsvPreview> {
  const totalBytes = checkTextFile(path, label);
  let header: string[] | null = null;
  let stats: { missing: number; numeric: boolean; values: Set<string>; sample: string[] }[] = [];
  let rows = 0;
  let truncated = false;
  const parser = records(path);
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = checkHeader(record, label);
        stats = header.map(() => ({ missing: 0, numeric: true, values: new Set<string>(), sample: [] }));
        continue;
      }
      if (rows === PREVIEW_ROWS) {
        truncated = true;
        break;
      }
      rows++;
      record.forEach((cell, c) => {
        const s = stats[c];
        if (MISSING.has(cell)) {
          s.missing++;
          return;
        }
        if (!isNumber(cell)) s.numeric = false;
        if (s.values.size < 1000) s.values.add(cell);
        if (s.sample.length < 5) s.sample.push(cell);
      });
    }
  } catch (error) {
    throw describeParseError(error, label);
  } finally {
    parser.destroy();
  }
  if (!header) throw new RidgelineError('BAD_DATA', `${label} is empty: a header row and at least one data row are needed`);
  if (rows === 0) throw new RidgelineError('BAD_DATA', `${label} has a header but no data rows`);
  const columns: ColumnProfile[] = header.map((name, c) => {
    const s = stats[c];
    const kind = s.values.size === 0 ? 'empty' : s.numeric ? 'numeric' : 'categorical';
    return { name, kind, missing: s.missing, distinct: s.values.size, levels: kind === 'categorical' ? [...s.values].sort().slice(0, 50) : [], sample: s.sample };
  });
  return { columns, rowsScanned: rows, truncated, totalBytes };
}

function checkHeader(record: string[], label: string): string[] {
  const seen = new Set<string>();
  record.forEach((name, c) => {
    if (name === '') throw new RidgelineError('BAD_DATA', `${label}: column ${c + 1} of the header has no name`);
    if (seen.has(name)) throw new RidgelineError('BAD_DATA', `${label}: the header names column "${name}" twice`);
    seen.add(name);
  });
  return record;
}

/** A growable column of doubles (NaN = missing) or of level indices. */
/**
 * A column being read. It grows by 1/4 (not 2×) when full, so a finished column holds at most 25 % of
 * slack: the import's peak memory is these columns plus the design they become (issue 5 asks for under
 * 3× the stored size); the extra copying is a few memcpy passes in all.
 */
class GrowingColumn {
  values = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(Math.ceil(this.values.length * 1.25));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }
}

export interface ImportResult {
  design: Design;
  target: string;
  columns: StoredColumn[];
  rowsRead: number;
  rowsDropped: number;
  /** For a categorical target: the level coded 1 (the other is 0). */
  positiveLevel: string | null;
}

/**
 * Streams a CSV into a design: numeric features as they are, categorical ones one-hot encoded (one
 * column per level, named "column=level", levels sorted), a categorical target with two levels coded
 * 0/1, and the missing-value policy applied (reject names the first missing cell; drop removes rows;
 * mean imputes the column mean of the rows present). Memory stays near twice the stored size: the
 * columns while reading, then the row-major matrix.
 */
export async function importCsv(
  path: string,
  options: ImportOptions,
  progress?: { onBytes?: (read: number, total: number) => void; signal?: AbortSignal },
  label = basename(path),
): Promise<ImportResult> {
  const total = checkTextFile(path, label);
  let header: string[] | null = null;
  let columns: GrowingColumn[] = [];
  let levelMaps: (Map<string, number> | null)[] = [];
  let missingCounts: number[] = [];
  let rowsRead = 0;
  let targetIndex = -1;
  let used: number[] = [];
  const categorical = new Set(options.categorical ?? []);
  const parser = records(path, progress?.onBytes ? (read) => progress.onBytes!(read, total) : undefined, progress?.signal);
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = checkHeader(record, label);
        targetIndex = header.indexOf(options.target);
        if (targetIndex < 0) throw new RidgelineError('BAD_DATA', `${label}: no column named "${options.target}" for the target (the header has ${header.map((h) => `"${h}"`).join(', ')})`);
        const features = options.features ?? header.filter((h) => h !== options.target);
        for (const f of features) {
          if (!header.includes(f)) throw new RidgelineError('BAD_DATA', `${label}: no feature column named "${f}"`);
          if (f === options.target) throw new RidgelineError('BAD_DATA', `${label}: "${f}" cannot be both the target and a feature`);
        }
        for (const c of categorical) if (!header.includes(c)) throw new RidgelineError('BAD_DATA', `${label}: no column named "${c}" to encode`);
        used = [targetIndex, ...features.map((f) => header!.indexOf(f))];
        columns = header.map(() => new GrowingColumn());
        levelMaps = header.map((name) => (categorical.has(name) ? new Map<string, number>() : null));
        missingCounts = header.map(() => 0);
        continue;
      }
      const line = rowsRead + 2;
      rowsRead++;
      for (const c of used) {
        const cell = record[c];
        const column = columns[c];
        if (MISSING.has(cell)) {
          missingCounts[c]++;
          if (options.missing === 'reject') {
            throw new RidgelineError('BAD_DATA', `${label}: line ${line}, column "${header[c]}" is missing; choose to drop such rows or impute the column mean`);
          }
          column.push(Number.NaN);
          continue;
        }
        const levels = levelMaps[c];
        if (levels) {
          let code = levels.get(cell);
          if (code === undefined) {
            code = levels.size;
            levels.set(cell, code);
          }
          column.push(code);
        } else {
          const value = Number(cell);
          if (!Number.isFinite(value)) {
            throw new RidgelineError(
              'BAD_DATA',
              `${label}: line ${line}, column "${header[c]}": "${cell.length > 40 ? `${cell.slice(0, 40)}…` : cell}" is not a number (mark the column categorical, or fix the cell)`,
            );
          }
          column.push(value);
        }
      }
    }
  } catch (error) {
    throw describeParseError(error, label);
  } finally {
    parser.destroy();
  }
  if (!header) throw new RidgelineError('BAD_DATA', `${label} is empty: a header row and at least one data row are needed`);
  if (rowsRead === 0) throw new RidgelineError('BAD_DATA', `${label} has a header but no data rows`);
  return assemble(header, used, columns, levelMaps, missingCounts, rowsRead, options, label);
}

function assemble(
  header: string[],
  used: number[],
  columns: GrowingColumn[],
  levelMaps: (Map<string, number> | null)[],
  missingCounts: number[],
  rowsRead: number,
  options: ImportOptions,
  label: string,
): ImportResult {
  const [targetIndex, ...featureIndices] = used;
  // Rows kept: with 'drop', those with no missing cell in the used columns.
  const keep = new Uint8Array(rowsRead).fill(1);
  if (options.missing === 'drop') {
    for (const c of used) for (let i = 0; i < rowsRead; i++) if (Number.isNaN(columns[c].values[i])) keep[i] = 0;
  }
  const kept: number[] = [];
  for (let i = 0; i < rowsRead; i++) if (keep[i]) kept.push(i);
  if (kept.length === 0) throw new RidgelineError('BAD_DATA', `${label}: every row has a missing cell; dropping them leaves no data`);
  const m = kept.length;

  // The target: numeric, or categorical with exactly two levels (coded 0/1 in sorted order).
  const targetLevels = levelMaps[targetIndex];
  let positiveLevel: string | null = null;
  const y = new Float64Array(m);
  if (targetLevels) {
    const sorted = [...targetLevels.keys()].sort();
    if (sorted.length !== 2) throw new RidgelineError('BAD_DATA', `${label}: the categorical target "${header[targetIndex]}" has ${sorted.length} levels; classification needs exactly 2`);
    positiveLevel = sorted[1];
    const positiveCode = targetLevels.get(positiveLevel)!;
    kept.forEach((row, i) => (y[i] = columns[targetIndex].values[row] === positiveCode ? 1 : 0));
  } else {
    kept.forEach((row, i) => (y[i] = columns[targetIndex].values[row]));
  }
  if (y.some(Number.isNaN)) {
    throw new RidgelineError('BAD_DATA', `${label}: the target "${header[targetIndex]}" has missing values; a target is never imputed (drop those rows instead)`);
  }
  if (y.every((v) => v === y[0])) {
    throw new RidgelineError('BAD_DATA', `${label}: the target "${header[targetIndex]}" is constant (every row is ${targetLevels ? positiveLevel ?? y[0] : y[0]}): there is nothing to learn`);
  }

  // Output columns: numeric features as they are, categorical ones one column per level.
  const outputs: { source: { column: string; level?: string }; value: (row: number) => number; missing: number }[] = [];
  for (const c of featureIndices) {
    const values = columns[c].values;
    const levels = levelMaps[c];
    if (levels) {
      for (const [level, code] of [...levels.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        outputs.push({ source: { column: header[c], level }, value: (row) => (Number.isNaN(values[row]) ? Number.NaN : values[row] === code ? 1 : 0), missing: missingCounts[c] });
      }
    } else {
      outputs.push({ source: { column: header[c] }, value: (row) => values[row], missing: missingCounts[c] });
    }
  }
  const p = outputs.length;
  const x = new Float64Array(m * p);
  const stored: StoredColumn[] = outputs.map((out, j) => {
    let sum = 0;
    let present = 0;
    for (const row of kept) {
      const v = out.value(row);
      if (!Number.isNaN(v)) {
        sum += v;
        present++;
      }
    }
    const fill = present > 0 ? sum / present : 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let mean = 0;
    kept.forEach((row, i) => {
      const raw = out.value(row);
      const v = Number.isNaN(raw) ? fill : raw;
      x[i * p + j] = v;
      mean += v;
      if (v < min) min = v;
      if (v > max) max = v;
    });
    mean /= m;
    let ss = 0;
    for (let i = 0; i < m; i++) ss += (x[i * p + j] - mean) ** 2;
    const name = out.source.level === undefined ? out.source.column : `${out.source.column}=${out.source.level}`;
    return { name, source: out.source, mean, sd: Math.sqrt(ss / m), min, max, missing: out.missing };
  });
  return {
    design: { x, y, m, p, featureNames: stored.map((s) => s.name) },
    target: header[targetIndex],
    columns: stored,
    rowsRead,
    rowsDropped: rowsRead - m,
    positiveLevel,
  };
}
