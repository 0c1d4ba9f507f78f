// What the import dialog asks before an import starts (renderer/src/lib/importChecks.ts): bad cells of
// numeric columns, corrected by hand or left to a policy (never imputed in the target), and one-hot
// encodings of many levels. The previews are written out here by hand.
import { describe, expect, it } from 'vitest';
import type { ColumnProfile, CsvPreview } from '../../shared/domain/datasetImport.ts';
import { badCellProblem, badColumns, describeManyLevels, fixesToSend, fixKey, manyLevelColumns, readFix } from '../../renderer/src/lib/importChecks.ts';

const column = (name: string, extra: Partial<ColumnProfile> = {}): ColumnProfile => ({
  name,
  kind: 'numeric',
  missing: 0,
  distinct: 10,
  levels: [],
  sample: [],
  badCells: { count: 0, cells: [] },
  ...extra,
});

const preview = (columns: ColumnProfile[], rows = 300, truncated = false): CsvPreview => ({ columns, rowsScanned: rows, truncated, totalBytes: 1000, delimiter: ',', delimiterDetected: true });

const typo = column('x1', { distinct: 294, badCells: { count: 2, cells: [{ line: 7, value: '1.2.3' }, { line: 40, value: '4..5' }] } });
const file = preview([typo, column('x2'), column('y')]);
const state = (extra: Partial<Parameters<typeof badColumns>[1]> = {}) => ({ target: 'y', features: ['x1', 'x2'], categorical: [], fixes: {}, ...extra });

describe('corrections', () => {
  it('reads a typed correction as blank, a number, or not a number (missing tokens included)', () => {
    expect(readFix(undefined)).toEqual({ kind: 'none' });
    expect(readFix('  ')).toEqual({ kind: 'none' });
    expect(readFix(' 1.23 ')).toEqual({ kind: 'number', value: 1.23 });
    expect(readFix('-4e-3')).toEqual({ kind: 'number', value: -0.004 });
    expect(readFix('1.2.3')).toEqual({ kind: 'invalid' });
    expect(readFix('NaN')).toEqual({ kind: 'invalid' });
    expect(readFix('Infinity')).toEqual({ kind: 'invalid' });
  });
});

describe('bad cells', () => {
  it('lists the numeric columns used that have bad cells, with what is left unresolved', () => {
    const bad = badColumns(file, state());
    expect(bad.map((b) => [b.column.name, b.unresolved, b.isTarget])).toEqual([['x1', 2, false]]);
    expect(badCellProblem(bad, null)).toMatch(/Some cells of x1 are not numbers/);
    expect(badCellProblem(bad, 'median')).toBeNull();
    // Unticked, or one-hot encoded (every value a level): nothing to ask.
    expect(badColumns(file, state({ features: ['x2'] }))).toEqual([]);
    expect(badColumns(file, state({ categorical: ['x1'] }))).toEqual([]);
  });

  it('needs no policy once every bad cell has a numeric correction, and sends only those', () => {
    const partly = badColumns(file, state({ fixes: { [fixKey('x1', 7)]: '1.23' } }));
    expect(partly[0].unresolved).toBe(1);
    expect(badCellProblem(partly, null)).not.toBeNull();
    const all = badColumns(file, state({ fixes: { [fixKey('x1', 7)]: '1.23', [fixKey('x1', 40)]: ' 4.5' } }));
    expect(all[0].unresolved).toBe(0);
    expect(badCellProblem(all, null)).toBeNull();
    expect(fixesToSend(all)).toEqual([
      { line: 7, column: 'x1', value: '1.23' },
      { line: 40, column: 'x1', value: '4.5' },
    ]);
    const wrong = badColumns(file, state({ fixes: { [fixKey('x1', 7)]: '1,23' } }));
    expect(badCellProblem(wrong, 'drop')).toBe('The correction for line 7 of x1 is not a number.');
    expect(fixesToSend(wrong)).toEqual([]);
  });

  it('counts the cells the preview did not list as unresolved', () => {
    const many = preview([column('x', { badCells: { count: 25, cells: Array.from({ length: 20 }, (_, i) => ({ line: i + 2, value: 'x' })) } }), column('y')]);
    const fixes = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [fixKey('x', i + 2), '1']));
    expect(badColumns(many, { target: 'y', features: ['x'], categorical: [], fixes })[0].unresolved).toBe(5);
  });

  it('never imputes the target: only corrections or dropping its rows', () => {
    const target = preview([column('x'), column('y', { badCells: { count: 1, cells: [{ line: 9, value: 'n.a.' }] } })]);
    const bad = badColumns(target, { target: 'y', features: ['x'], categorical: [], fixes: {} });
    expect(bad[0].isTarget).toBe(true);
    expect(badCellProblem(bad, 'mean')).toMatch(/The target y is never imputed/);
    expect(badCellProblem(bad, 'median')).toMatch(/never imputed/);
    expect(badCellProblem(bad, 'drop')).toBeNull();
  });
});

describe('many levels', () => {
  it('flags features one-hot encoded into more than 20 columns, never the target', () => {
    const colors = column('color', { kind: 'categorical', distinct: 3 });
    const ids = column('id', { kind: 'categorical', distinct: 290 });
    const codes = column('code', { kind: 'categorical', distinct: 21 });
    const p = preview([colors, ids, codes, column('y', { kind: 'categorical', distinct: 2 })]);
    const flagged = manyLevelColumns(p, { target: 'y', features: ['color', 'id', 'code'], categorical: ['color', 'id', 'code', 'y'], fixes: {} });
    expect(flagged).toEqual([
      { column: 'id', levels: 290, rows: 300 },
      { column: 'code', levels: 21, rows: 300 },
    ]);
    expect(manyLevelColumns(p, { target: 'y', features: ['color', 'code'], categorical: ['color', 'id', 'code'], fixes: {} }).map((m) => m.column)).toEqual(['code']);
    // A numeric column ticked for one-hot encoding counts its distinct numbers.
    expect(manyLevelColumns(file, state({ categorical: ['x1'] }))).toEqual([{ column: 'x1', levels: 294, rows: 300 }]);
  });

  it('says how many columns the encoding makes, and when a column looks like an id', () => {
    expect(describeManyLevels({ column: 'id', levels: 290, rows: 300 }, false)).toBe(
      'id has 290 distinct values in 300 rows: one-hot encoding makes 290 feature columns of it. Nearly every row has its own value: an id, or numbers with a typo?',
    );
    expect(describeManyLevels({ column: 'code', levels: 1000, rows: 1000 }, true)).toMatch(/^code has 1,000\+ distinct values in the first 1,000 rows: one-hot encoding makes 1,000\+ feature columns/);
    expect(describeManyLevels({ column: 'zip', levels: 40, rows: 1000 }, true)).not.toMatch(/id/);
  });
});
