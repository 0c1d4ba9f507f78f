import { LISTED_BAD_CELLS, MISSING_TOKENS, MOSTLY_NUMERIC_SHARE, type BadCell, type ColumnProfile } from '../../../../shared/domain/datasetImport.ts';

const MISSING = new Set(MISSING_TOKENS);
const MAX_DISTINCT = 1000;
const LISTED_LEVELS = 50;

export function isMissing(cell: string): boolean {
  return MISSING.has(cell);
}

/** A cell read as a number: finite, and not empty (Number('') is 0). */
export function parseNumber(cell: string): number | null {
  if (cell === '') return null;
  const value = Number(cell);
  return Number.isFinite(value) ? value : null;
}

/**
 * A column's cells as a preview sees them. A column whose present cells are all numbers is numeric; one
 * where at most MOSTLY_NUMERIC_SHARE of them are not (a typo like "1.2.3", a stray "n.a.") is still
 * numeric, with those cells listed by line so the user can correct, drop or impute them; otherwise it is
 * categorical. Reading one typo as a category would one-hot encode every distinct number of the column.
 */
export class ColumnStats {
  missing = 0;
  numbers = 0;
  private readonly bad: BadCell[] = [];
  private badCount = 0;
  private readonly values = new Set<string>();
  private readonly sample: string[] = [];

  add(cell: string, line: number): void {
    if (isMissing(cell)) {
      this.missing++;
      return;
    }
    if (parseNumber(cell) !== null) this.numbers++;
    else {
      this.badCount++;
      if (this.bad.length < LISTED_BAD_CELLS) this.bad.push({ line, value: cell.length > 80 ? `${cell.slice(0, 80)}…` : cell });
    }
    if (this.values.size < MAX_DISTINCT) this.values.add(cell);
    if (this.sample.length < 5) this.sample.push(cell);
  }

  profile(name: string): ColumnProfile {
    const present = this.numbers + this.badCount;
    const kind = present === 0 ? 'empty' : isMostlyNumeric(this.numbers, this.badCount) ? 'numeric' : 'categorical';
    return {
      name,
      kind,
      missing: this.missing,
      distinct: this.values.size,
      levels: kind === 'categorical' ? [...this.values].sort().slice(0, LISTED_LEVELS) : [],
      sample: this.sample,
      badCells: kind === 'numeric' ? { count: this.badCount, cells: this.bad.slice() } : { count: 0, cells: [] },
    };
  }
}

/** Numbers with no bad cell, or with bad cells making at most MOSTLY_NUMERIC_SHARE of the present ones. */
export function isMostlyNumeric(numbers: number, bad: number): boolean {
  return numbers > 0 && bad <= MOSTLY_NUMERIC_SHARE * (numbers + bad);
}
