import { z } from 'zod';

/** Cells read as missing: empty, or one of these spellings (case-sensitive, after trimming). */
export const MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?'];

export type ColumnKind = 'numeric' | 'categorical' | 'empty';

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
}

export interface CsvPreview {
  columns: ColumnProfile[];
  rowsScanned: number;
  /** Whether the file has more rows than were scanned. */
  truncated: boolean;
  totalBytes: number;
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
}

export const ImportOptionsSchema = z
  .object({
    name: z.string().trim().min(1, 'give the data set a name').max(200),
    target: z.string().min(1, 'choose the target column'),
    /** Feature columns; default: every column but the target. */
    features: z.array(z.string().min(1)).max(100_000).optional(),
    /** Columns to one-hot encode; default: the columns detected as categorical. */
    categorical: z.array(z.string()).optional(),
    missing: z.enum(['reject', 'drop', 'mean']).default('reject'),
  })
  .strict();
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;
