import type { BadCellPolicy, Delimiter, StoredColumn } from './datasetImport.ts';

/** How an imported data set was read (absent for built-in and CLI data sets). */
export interface ImportDetails {
  fileName: string;
  bytes: number;
  rowsRead: number;
  rowsDropped: number;
  missingPolicy: 'reject' | 'drop' | 'mean';
  /** A categorical target's level coded 1. */
  positiveLevel: string | null;
  /** The separator the file was read with (absent on data sets imported before it was recorded). */
  delimiter?: Delimiter;
  /** Cells corrected by hand in the import dialog. */
  cellsFixed?: number;
  /** Cells of numeric columns that were not numbers (after the corrections), and what became of them. */
  badCells?: number;
  badCellPolicy?: BadCellPolicy;
}

export interface DatasetSummary {
  id: string;
  name: string;
  /** Where the data come from, with a citation for real data. */
  source: string;
  rows: number;
  features: readonly string[];
  target: string;
  /** SHA-256 of the stored values (hex). */
  hash: string;
  builtin: boolean;
  createdAt: string;
  /** Summary statistics per stored column. */
  columns: StoredColumn[];
  importDetails: ImportDetails | null;
}
