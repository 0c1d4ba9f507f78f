import { z } from 'zod';

/** Cells read as missing: empty, or one of these spellings (case-sensitive, after trimming). */
export const MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?'];

/** The separators an import reads (detected from the file's first lines unless the user picks one). */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];
export const DelimiterSchema = z.enum(DELIMITERS);
export const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'vertical bar' };

/**
 * A column is read as numbers with a few bad cells (a typo such as "1.2.3") rather than as categories
 * when at most this share of its present cells are not numbers.
 */
export const MOSTLY_NUMERIC_SHARE = 0.05;
/** How many of a column's non-numeric cells a preview lists by line and value. */
export const LISTED_BAD_CELLS = 20;
/** One-hot encoding a column with more levels than this asks the user to confirm. */
export const MANY_LEVELS = 20;

export type ColumnKind = 'numeric' | 'categorical' | 'empty';

/** A cell of a numeric column that is not a number (nor a missing-value token). */
export interface BadCell {
  /** The file's line as imports count it: the header is line 1, data row k is line k + 1. */
  line: number;
  value: string;
}

/** What a preview knows of a column from the rows it scanned. */
export interface ColumnProfile {
  name: string;
  kind: ColumnKind;
  missing: number;
  /** Distinct non-missing values seen (capped at 1000). */
  distinct: number;
  /** Categorical columns: the levels seen, sorted (at most 50 listed). */
  levels: string[];
  sample: string[];
  /** A numeric column's cells that are not numbers: how many, and the first LISTED_BAD_CELLS of them. */
  badCells: { count: number; cells: BadCell[] };
}

export interface CsvPreview {
  columns: ColumnProfile[];
  rowsScanned: number;
  /** Whether the file has more rows than were scanned. */
  truncated: boolean;
  totalBytes: number;
  /** The separator the preview read the file with. */
  delimiter: Delimiter;
  /** Whether that separator was detected (true) or chosen by the user (false). */
  delimiterDetected: boolean;
}

/** Summary statistics of a stored column (after encoding and the missing-value policy). */
export interface StoredColumn {
  name: string;
  /** Where it came from: a numeric column, or one level of a categorical one ("color=red"). */
  source: { column: string; level?: string };
  mean: number;
  sd: number;
  min: number;
  max: number;
  /** Missing cells in the file (before the policy acted). */
  missing: number;
  /** Cells that were not numbers (after the user's corrections), before the policy acted; absent on older data sets. */
  badCells?: number;
}

/** What an import does with cells that are not numbers in a numeric column (after the user's corrections). */
export const BAD_CELL_POLICIES = ['reject', 'drop', 'mean', 'median'] as const;
export type BadCellPolicy = (typeof BAD_CELL_POLICIES)[number];

export const CellFixSchema = z
  .object({
    line: z.number().int('a line is a whole number').min(2, 'line 1 is the header'),
    column: z.string().min(1),
    /** The cell's new text, read like any other cell ("" or NA make it missing). */
    value: z.string().max(200),
  })
  .strict();
export type CellFix = z.infer<typeof CellFixSchema>;

export const ImportOptionsSchema = z
  .object({
    name: z.string().trim().min(1, 'give the data set a name').max(200),
    target: z.string().min(1, 'choose the target column'),
    /** Feature columns; default: every column but the target. */
    features: z.array(z.string().min(1)).max(100_000).optional(),
    /** Columns to one-hot encode; default: the columns detected as categorical. */
    categorical: z.array(z.string()).optional(),
    missing: z.enum(['reject', 'drop', 'mean']).default('reject'),
    /** The separator; default: detected from the file's first lines. */
    delimiter: DelimiterSchema.optional(),
    /** Corrections of single cells, applied before anything else reads them. */
    fixes: z.array(CellFixSchema).max(10_000).default([]),
    /** Cells of numeric columns that are not numbers: stop at the first, drop their rows, or impute the column's mean or median. */
    badCells: z.enum(BAD_CELL_POLICIES).default('reject'),
  })
  .strict();
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;
