/**
 * What the import dialog must ask before an import starts, from the preview and the user's choices
 * (pure: no DOM, no Svelte): cells of numeric columns that are not numbers (corrected by hand, or left to
 * a policy), and columns whose one-hot encoding would make many features.
 */
import {
  MANY_LEVELS,
  MISSING_TOKENS,
  type BadCell,
  type BadCellPolicy,
  type CellFix,
  type ColumnProfile,
  type CsvPreview,
} from '../../../shared/domain/datasetImport.ts';

export interface ImportChoiceState {
  target: string;
  features: readonly string[];
  categorical: readonly string[];
  /** The user's corrections as typed, by fixKey(column, line). */
  fixes: Readonly<Record<string, string>>;
}

export const fixKey = (column: string, line: number): string => `${column}\u0000${line}`;

/** A correction as typed: blank (none yet), a number, or text the import would not read as one. */
export function readFix(text: string | undefined): { kind: 'none' } | { kind: 'number'; value: number } | { kind: 'invalid' } {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return { kind: 'none' };
  const value = Number(trimmed);
  return Number.isFinite(value) && !MISSING_TOKENS.includes(trimmed) ? { kind: 'number', value } : { kind: 'invalid' };
}

export interface BadColumn {
  column: ColumnProfile;
  isTarget: boolean;
  /** The listed cells, each with what the user typed for it. */
  cells: (BadCell & { fix: ReturnType<typeof readFix> })[];
  /** Bad cells no valid correction covers (the listed ones left, and those not listed). */
  unresolved: number;
}

/** The columns read as numbers (target and ticked features, not one-hot encoded) that have bad cells. */
export function badColumns(preview: CsvPreview | null, state: ImportChoiceState): BadColumn[] {
  if (preview === null) return [];
  return preview.columns
    .filter((c) => (c.name === state.target || state.features.includes(c.name)) && !state.categorical.includes(c.name) && c.badCells.count > 0)
    .map((column) => {
      const cells = column.badCells.cells.map((cell) => ({ ...cell, fix: readFix(state.fixes[fixKey(column.name, cell.line)]) }));
      const fixed = cells.filter((cell) => cell.fix.kind === 'number').length;
      return { column, isTarget: column.name === state.target, cells, unresolved: column.badCells.count - fixed };
    });
}

/** The corrections to send: the valid ones, of the columns still read as numbers. */
export function fixesToSend(bad: readonly BadColumn[]): CellFix[] {
  return bad.flatMap((b) => b.cells.flatMap((cell) => (cell.fix.kind === 'number' ? [{ line: cell.line, column: b.column.name, value: String(cell.fix.value) }] : [])));
}

export interface ManyLevels {
  column: string;
  /** Distinct values in the rows scanned (a lower bound when the preview was capped). */
  levels: number;
  rows: number;
}

/** Feature columns to be one-hot encoded into more than MANY_LEVELS columns. */
export function manyLevelColumns(preview: CsvPreview | null, state: ImportChoiceState): ManyLevels[] {
  if (preview === null) return [];
  return preview.columns
    .filter((c) => c.name !== state.target && state.features.includes(c.name) && state.categorical.includes(c.name) && c.distinct > MANY_LEVELS)
    .map((c) => ({ column: c.name, levels: c.distinct, rows: preview.rowsScanned }));
}

/** "x1 has 294 distinct values in 300 rows: one-hot encoding makes 294 feature columns of it." */
export function describeManyLevels(many: ManyLevels, truncated: boolean): string {
  const seen = truncated ? `in the first ${many.rows.toLocaleString()} rows` : `in ${many.rows.toLocaleString()} rows`;
  const idLike = many.levels >= many.rows / 2 ? ' Nearly every row has its own value: an id, or numbers with a typo?' : '';
  return `${many.column} has ${many.levels.toLocaleString()}${many.levels >= 1000 ? '+' : ''} distinct values ${seen}: one-hot encoding makes ${many.levels.toLocaleString()}${many.levels >= 1000 ? '+' : ''} feature columns of it.${idLike}`;
}

/** What blocks the import among these checks (null when nothing does). */
export function badCellProblem(bad: readonly BadColumn[], policy: BadCellPolicy | null): string | null {
  for (const b of bad) {
    const invalid = b.cells.find((cell) => cell.fix.kind === 'invalid');
    if (invalid) return `The correction for line ${invalid.line} of ${b.column.name} is not a number.`;
  }
  const unresolved = bad.filter((b) => b.unresolved > 0);
  if (unresolved.length === 0) return null;
  if (policy === null) return `Some cells of ${unresolved.map((b) => b.column.name).join(', ')} are not numbers: correct them, or choose what the import does with them.`;
  const target = unresolved.find((b) => b.isTarget);
  if (target && (policy === 'mean' || policy === 'median')) return `The target ${target.column.name} is never imputed: correct its cells that are not numbers, or drop their rows.`;
  return null;
}

export const BAD_CELL_POLICY_TEXT: Record<BadCellPolicy, { label: string; help: string }> = {
  reject: { label: 'Stop the import', help: 'and name the first such cell, to correct it in the file' },
  drop: { label: 'Drop those rows', help: 'leave out every row with such a cell in the columns used' },
  mean: { label: 'Impute the column’s mean', help: 'replace each such cell by the mean of the column’s numbers (never the target)' },
  median: { label: 'Impute the column’s median', help: 'replace each such cell by the median of the column’s numbers (never the target)' },
};
