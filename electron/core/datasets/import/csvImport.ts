import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { DELIMITER_NAMES, type ColumnProfile, type CsvPreview, type Delimiter, type ImportOptions, type StoredColumn } from '../../../../shared/domain/datasetImport.ts';
import { RidgelineError } from '../../../../shared/errors.ts';
import type { Design } from '../../../../shared/engine/types.ts';
import { ColumnStats, isMissing, parseNumber } from './columnStats.ts';
import { detectDelimiter } from './delimiter.ts';

const PREVIEW_ROWS = 1000;

/**
 * Refuses what is not a text CSV before parsing: empty files, and binary ones (NUL bytes, invalid UTF-8).
 * Answers the file's size and its first 64 KiB as text (where the separator is detected).
 */
function checkTextFile(path: string, label: string): { size: number; head: string } {
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
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length < size ? lastCharBoundary(head) : head.length));
    return { size, head: text };
  } catch {
    throw new RidgelineError('BAD_DATA', `${label} is not UTF-8 text (a binary file, or another encoding: save it as UTF-8 CSV)`);
  }
}

/** The separator to read with: the one asked for, else the one the file's start shows. */
function chooseDelimiter(file: { size: number; head: string }, asked: Delimiter | undefined): { delimiter: Delimiter; detected: boolean } {
  if (asked !== undefined) return { delimiter: asked, detected: false };
  return { delimiter: detectDelimiter(file.head, file.head.length >= file.size), detected: true };
}

function lastCharBoundary(bytes: Buffer): number {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] & 0xc0) === 0x80) end--;
  return end > 0 && bytes[end - 1] >= 0xc0 ? end - 1 : bytes.length;
}

function records(path: string, delimiter: Delimiter, onBytes?: (bytes: number) => void, signal?: AbortSignal) {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, signal });
  if (onBytes) {
    let read = 0;
    stream.on('data', (chunk) => {
      read += chunk.length;
      onBytes(read);
    });
  }
  const parser = parse({ bom: true, delimiter, skip_empty_lines: true, trim: true, relax_column_count: false });
  stream.on('error', (error) => parser.destroy(error));
  return stream.pipe(parser);
}

/**
 * A parser's error in words a person can act on: where (line and column) and what to change. csv-parse
 * counts one record per line, so a record's line is its index + 1 (the header is line 1), as the
 * import's own messages count.
 */
function describeParseError(error: unknown, label: string, delimiter: Delimiter, read: string[] | null, head: string): RidgelineError {
  if (error instanceof RidgelineError) return error;
  // The stream may fail before the loop has taken the header from it: then it is read from the file's start.
  const header = read ?? sampleHeader(head, delimiter);
  const e = error as Error & { code?: string; lines?: number; records?: number; column?: number; record?: unknown[] };
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') return new RidgelineError('CANCELLED', `the import of ${label} was cancelled; nothing was stored`);
  const column = typeof e.column === 'number' && header?.[e.column] !== undefined ? `, column "${header[e.column]}"` : typeof e.column === 'number' ? `, column ${e.column + 1}` : '';
  switch (e.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_DONT_MATCH_COLUMNS_LENGTH':
      return new RidgelineError(
        'BAD_DATA',
        `${label}: line ${e.lines} has ${e.record?.length ?? 'a different number of'} fields, but the header has ${header?.length ?? 'a different number'} (a ragged row: a missing or extra ${DELIMITER_NAMES[delimiter]}, or a cell with a ${DELIMITER_NAMES[delimiter]} that is not in quotes)`,
      );
    case 'CSV_QUOTE_NOT_CLOSED': {
      const line = typeof e.records === 'number' ? e.records + 1 : e.lines;
      return new RidgelineError(
        'BAD_DATA',
        `${label}: line ${line}${column} opens a quoted cell with " that is never closed, so the rest of the file would read as one cell. Add the closing " where the cell ends, or write a quote inside a cell as "".`,
      );
    }
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new RidgelineError(
        'BAD_DATA',
        `${label}: line ${e.lines}${column} has text right after a quoted cell's closing ". Put the whole cell in quotes, and write a quote inside it as "".`,
      );
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_OPENING_QUOTE':
      return new RidgelineError(
        'BAD_DATA',
        `${label}: line ${e.lines}${column} has a " in the middle of a cell. Put the whole cell in quotes and write the quote as "", or remove it.`,
      );
    default:
      return new RidgelineError('BAD_DATA', `${label} cannot be read as CSV${e.lines !== undefined ? ` (at line ${e.lines})` : ''}: ${e.message}`);
  }
}

/** The first record of the file's start, or null when even that cannot be parsed. */
function sampleHeader(head: string, delimiter: Delimiter): string[] | null {
  try {
    const [first] = parseSync(head, { bom: true, delimiter, skip_empty_lines: true, trim: true, to_line: 1, relax_quotes: true }) as string[][];
    return first ?? null;
  } catch {
    return null;
  }
}

/** The header and the first rows: the separator, column kinds, missing and bad cells, levels, samples. */
export async function previewCsv(path: string, label = basename(path), asked?: Delimiter): Promise<CsvPreview> {
  const file = checkTextFile(path, label);
  const { delimiter, detected } = chooseDelimiter(file, asked);
  let header: string[] | null = null;
  let stats: ColumnStats[] = [];
  let rows = 0;
  let truncated = false;
  const parser = records(path, delimiter);
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = checkHeader(record, label);
        stats = header.map(() => new ColumnStats());
        continue;
      }
      if (rows === PREVIEW_ROWS) {
        truncated = true;
        break;
      }
      rows++;
      const line = rows + 1;
      record.forEach((cell, c) => stats[c].add(cell, line));
    }
  } catch (error) {
    throw describeParseError(error, label, delimiter, header, file.head);
  } finally {
    parser.destroy();
  }
  if (!header) throw new RidgelineError('BAD_DATA', `${label} is empty: a header row and at least one data row are needed`);
  if (rows === 0) throw new RidgelineError('BAD_DATA', `${label} has a header but no data rows`);
  const columns: ColumnProfile[] = header.map((name, c) => stats[c].profile(name));
  return { columns, rowsScanned: rows, truncated, totalBytes: file.size, delimiter, delimiterDetected: detected };
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
  delimiter: Delimiter;
  /** Cells replaced by the options' corrections. */
  cellsFixed: number;
  /** Cells of the numeric columns used that were not numbers (after the corrections); the policy dropped or imputed them. */
  badCells: number;
}

const shorten = (cell: string): string => (cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);

/**
 * Streams a CSV into a design: the user's corrections of single cells applied first, numeric features
 * as they are, categorical ones one-hot encoded (one column per level, named "column=level", levels
 * sorted), a categorical target with two levels coded 0/1, and two policies applied. Missing cells:
 * reject names the first; drop removes their rows; mean imputes the column mean of the rows present.
 * Cells of numeric columns that are not numbers: reject names the first; drop removes their rows; mean
 * and median impute that statistic of the column's numbers in the rows kept. A target is never imputed.
 * Memory stays near twice the stored size: the columns while reading, then the row-major matrix.
 */
export async function importCsv(
  path: string,
  options: ImportOptions,
  progress?: { onBytes?: (read: number, total: number) => void; signal?: AbortSignal },
  label = basename(path),
): Promise<ImportResult> {
  const file = checkTextFile(path, label);
  const total = file.size;
  const { delimiter } = chooseDelimiter(file, options.delimiter);
  const badPolicy = options.badCells ?? 'reject';
  let header: string[] | null = null;
  let columns: GrowingColumn[] = [];
  let levelMaps: (Map<string, number> | null)[] = [];
  let missingCounts: number[] = [];
  /** Per column: the rows (0-based) whose cell was not a number. */
  let badRows: (number[] | null)[] = [];
  let firstBad: ({ line: number; value: string } | null)[] = [];
  /** The corrections by line, then by column index. */
  const fixes = new Map<number, Map<number, string>>();
  let cellsFixed = 0;
  let rowsRead = 0;
  let targetIndex = -1;
  let used: number[] = [];
  const categorical = new Set(options.categorical ?? []);
  const parser = records(path, delimiter, progress?.onBytes ? (read) => progress.onBytes!(read, total) : undefined, progress?.signal);
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
        for (const fix of options.fixes ?? []) {
          const c = header.indexOf(fix.column);
          if (c < 0) throw new RidgelineError('BAD_DATA', `${label}: a correction names column "${fix.column}", which the header does not have`);
          let byColumn = fixes.get(fix.line);
          if (!byColumn) fixes.set(fix.line, (byColumn = new Map()));
          byColumn.set(c, fix.value.trim());
        }
        used = [targetIndex, ...features.map((f) => header!.indexOf(f))];
        columns = header.map(() => new GrowingColumn());
        levelMaps = header.map((name) => (categorical.has(name) ? new Map<string, number>() : null));
        missingCounts = header.map(() => 0);
        badRows = header.map(() => null);
        firstBad = header.map(() => null);
        continue;
      }
      const line = rowsRead + 2;
      const row = rowsRead;
      rowsRead++;
      const rowFixes = fixes.size > 0 ? fixes.get(line) : undefined;
      for (const c of used) {
        let cell = record[c];
        if (rowFixes !== undefined) {
          const fixed = rowFixes.get(c);
          if (fixed !== undefined) {
            cell = fixed;
            cellsFixed++;
          }
        }
        const column = columns[c];
        if (isMissing(cell)) {
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
          continue;
        }
        const value = parseNumber(cell);
        if (value !== null) {
          column.push(value);
          continue;
        }
        if (badPolicy === 'reject') {
          throw new RidgelineError(
            'BAD_DATA',
            `${label}: line ${line}, column "${header[c]}": "${shorten(cell)}" is not a number (correct the cell, drop or impute such cells, or mark the column categorical)`,
          );
        }
        (badRows[c] ??= []).push(row);
        firstBad[c] ??= { line, value: cell };
        column.push(Number.NaN);
      }
    }
  } catch (error) {
    throw describeParseError(error, label, delimiter, header, file.head);
  } finally {
    parser.destroy();
  }
  if (!header) throw new RidgelineError('BAD_DATA', `${label} is empty: a header row and at least one data row are needed`);
  if (rowsRead === 0) throw new RidgelineError('BAD_DATA', `${label} has a header but no data rows`);
  const lastLine = rowsRead + 1;
  for (const line of fixes.keys()) {
    if (line > lastLine) throw new RidgelineError('BAD_DATA', `${label}: a correction names line ${line}, but the file ends at line ${lastLine}`);
  }
  const bad = { rows: badRows, first: firstBad, policy: badPolicy };
  return { ...assemble(header, used, columns, levelMaps, missingCounts, bad, rowsRead, options, label), delimiter, cellsFixed };
}

interface BadCells {
  /** Per column: the rows whose cell was not a number, or null. */
  rows: (number[] | null)[];
  first: ({ line: number; value: string } | null)[];
  policy: ImportOptions['badCells'];
}

/** The median of the non-NaN values of `values` at `rows` (NaN when there are none). */
function medianAt(values: Float64Array, rows: readonly number[]): number {
  const present = Float64Array.from(rows.map((row) => values[row]).filter((v) => !Number.isNaN(v))).sort();
  const n = present.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? present[(n - 1) / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
}

function assemble(
  header: string[],
  used: number[],
  columns: GrowingColumn[],
  levelMaps: (Map<string, number> | null)[],
  missingCounts: number[],
  bad: BadCells,
  rowsRead: number,
  options: ImportOptions,
  label: string,
): Omit<ImportResult, 'delimiter' | 'cellsFixed'> {
  const [targetIndex, ...featureIndices] = used;
  // Rows kept: with 'drop', those with no missing cell in the used columns; with a 'drop' for bad cells, none of those either.
  const keep = new Uint8Array(rowsRead).fill(1);
  if (options.missing === 'drop') {
    for (const c of used) for (let i = 0; i < rowsRead; i++) if (Number.isNaN(columns[c].values[i])) keep[i] = 0;
  }
  if (bad.policy === 'drop') {
    for (const c of used) for (const row of bad.rows[c] ?? []) keep[row] = 0;
  }
  const kept: number[] = [];
  for (let i = 0; i < rowsRead; i++) if (keep[i]) kept.push(i);
  if (kept.length === 0) throw new RidgelineError('BAD_DATA', `${label}: every row has a missing cell or one that is not a number; dropping them leaves no data`);
  const m = kept.length;
  const badCells = used.reduce((n, c) => n + (bad.rows[c]?.length ?? 0), 0);

  // The target: numeric, or categorical with exactly two levels (coded 0/1 in sorted order).
  const targetLevels = levelMaps[targetIndex];
  const targetName = header[targetIndex];
  let positiveLevel: string | null = null;
  const y = new Float64Array(m);
  if (targetLevels) {
    const sorted = [...targetLevels.keys()].sort();
    if (sorted.length !== 2) throw new RidgelineError('BAD_DATA', `${label}: the categorical target "${targetName}" has ${sorted.length} levels; classification needs exactly 2`);
    positiveLevel = sorted[1];
    const positiveCode = targetLevels.get(positiveLevel)!;
    kept.forEach((row, i) => (y[i] = columns[targetIndex].values[row] === positiveCode ? 1 : 0));
  } else {
    kept.forEach((row, i) => (y[i] = columns[targetIndex].values[row]));
  }
  const targetBad = bad.first[targetIndex];
  if (targetBad !== null && bad.policy !== 'drop') {
    throw new RidgelineError(
      'BAD_DATA',
      `${label}: the target "${targetName}" has cells that are not numbers (the first on line ${targetBad.line}: "${shorten(targetBad.value)}"); a target is never imputed: correct them or drop those rows`,
    );
  }
  if (y.some(Number.isNaN)) {
    throw new RidgelineError('BAD_DATA', `${label}: the target "${targetName}" has missing values; a target is never imputed (drop those rows instead)`);
  }
  if (y.every((v) => v === y[0])) {
    throw new RidgelineError('BAD_DATA', `${label}: the target "${targetName}" is constant (every row is ${targetLevels ? positiveLevel ?? y[0] : y[0]}): there is nothing to learn`);
  }

  // Output columns: numeric features as they are, categorical ones one column per level.
  interface Output {
    source: { column: string; level?: string };
    value: (row: number) => number;
    missing: number;
    /** Rows whose cell was not a number (imputed with `badFill`, unless dropped). */
    badRows: ReadonlySet<number> | null;
    badFill: (() => number) | null;
  }
  const outputs: Output[] = [];
  for (const c of featureIndices) {
    const values = columns[c].values;
    const levels = levelMaps[c];
    if (levels) {
      for (const [level, code] of [...levels.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        outputs.push({ source: { column: header[c], level }, value: (row) => (Number.isNaN(values[row]) ? Number.NaN : values[row] === code ? 1 : 0), missing: missingCounts[c], badRows: null, badFill: null });
      }
    } else {
      const rows = bad.rows[c];
      const imputed = rows !== null && bad.policy !== 'drop';
      outputs.push({
        source: { column: header[c] },
        value: (row) => values[row],
        missing: missingCounts[c],
        badRows: imputed ? new Set(rows) : null,
        badFill: imputed && bad.policy === 'median' ? () => medianAt(values, kept) : null,
      });
    }
  }
  const p = outputs.length;
  const x = new Float64Array(m * p);
  const stored: StoredColumn[] = outputs.map((out, j) => {
    // The mean of the cells present (neither missing nor bad) in the rows kept: the fill for missing cells, and for bad ones under 'mean'.
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
    const badFill = out.badFill ? out.badFill() : fill;
    if (out.badRows !== null && (present === 0 || Number.isNaN(badFill))) {
      throw new RidgelineError('BAD_DATA', `${label}: column "${out.source.column}" has no number in the rows kept, so its cells that are not numbers cannot be imputed`);
    }
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let mean = 0;
    kept.forEach((row, i) => {
      const raw = out.value(row);
      const v = Number.isNaN(raw) ? (out.badRows?.has(row) ? badFill : fill) : raw;
      x[i * p + j] = v;
      mean += v;
      if (v < min) min = v;
      if (v > max) max = v;
    });
    mean /= m;
    let ss = 0;
    for (let i = 0; i < m; i++) ss += (x[i * p + j] - mean) ** 2;
    const name = out.source.level === undefined ? out.source.column : `${out.source.column}=${out.source.level}`;
    const badCount = out.source.level === undefined ? (bad.rows[header.indexOf(out.source.column)]?.length ?? 0) : 0;
    return { name, source: out.source, mean, sd: Math.sqrt(ss / m), min, max, missing: out.missing, ...(badCount > 0 ? { badCells: badCount } : {}) };
  });
  return {
    design: { x, y, m, p, featureNames: stored.map((s) => s.name) },
    target: targetName,
    columns: stored,
    rowsRead,
    rowsDropped: rowsRead - m,
    positiveLevel,
    badCells,
  };
}
