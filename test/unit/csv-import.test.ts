// CSV import: preview, one-hot encoding, the missing-value policies, and a precise refusal for each
// kind of bad file. Expected values are computed by hand from the small files written here.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCsv, previewCsv } from '../../electron/core/datasets/import/csvImport.ts';
import { isMostlyNumeric } from '../../electron/core/datasets/import/columnStats.ts';
import { detectDelimiter } from '../../electron/core/datasets/import/delimiter.ts';
import { ImportOptionsSchema } from '../../shared/domain/datasetImport.ts';

const dir = mkdtempSync(join(tmpdir(), 'ridgeline-import-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const opts = (o: Record<string, unknown>) => ImportOptionsSchema.parse({ name: 'test', ...o });

const mixed = file('mixed.csv', 'size,color,price\n1,red,10\n2,blue,20\n,red,30\n4,green,40\n');

describe('preview', () => {
  it('detects numeric and categorical columns, missing cells and levels', async () => {
    const preview = await previewCsv(mixed);
    expect(preview.rowsScanned).toBe(4);
    expect(preview.truncated).toBe(false);
    expect(preview.columns.map((c) => [c.name, c.kind, c.missing])).toEqual([
      ['size', 'numeric', 1],
      ['color', 'categorical', 0],
      ['price', 'numeric', 0],
    ]);
    expect(preview.columns[1].levels).toEqual(['blue', 'green', 'red']);
  });
});

describe('import', () => {
  it('one-hot encodes categorical columns with named, sorted levels', async () => {
    const r = await importCsv(mixed, opts({ target: 'price', categorical: ['color'], missing: 'drop' }));
    expect(r.design.featureNames).toEqual(['size', 'color=blue', 'color=green', 'color=red']);
    expect(r.rowsDropped).toBe(1);
    expect(Array.from(r.design.y)).toEqual([10, 20, 40]);
    expect(Array.from(r.design.x)).toEqual([1, 0, 0, 1, 2, 1, 0, 0, 4, 0, 1, 0]);
    expect(r.columns[0]).toMatchObject({ name: 'size', mean: 7 / 3, min: 1, max: 4, missing: 1 });
  });

  it('imputes the mean of the present cells', async () => {
    const r = await importCsv(mixed, opts({ target: 'price', categorical: ['color'], missing: 'mean' }));
    expect(r.design.m).toBe(4);
    expect(r.design.x[2 * 4]).toBe(7 / 3);
  });

  it('rejects a missing cell by default, naming line and column', async () => {
    await expect(importCsv(mixed, opts({ target: 'price', categorical: ['color'] }))).rejects.toThrow(/line 4, column "size" is missing/);
  });

  it('codes a two-level categorical target 0/1', async () => {
    const path = file('cls.csv', 'x,label\n1,yes\n2,no\n3,yes\n');
    const r = await importCsv(path, opts({ target: 'label', categorical: ['label'] }));
    expect(Array.from(r.design.y)).toEqual([1, 0, 1]);
    expect(r.positiveLevel).toBe('yes');
  });

  it('reports progress in bytes and can be cancelled', async () => {
    const rows = Array.from({ length: 20000 }, (_, i) => `${i},${i % 7},${(i * 37) % 101}`).join('\n');
    const path = file('big.csv', `a,b,y\n${rows}\n`);
    const seen: number[] = [];
    const r = await importCsv(path, opts({ target: 'y' }), { onBytes: (read, total) => seen.push(read / total) });
    expect(r.design.m).toBe(20000);
    expect(seen.at(-1)).toBe(1);
    const controller = new AbortController();
    const cancelled = importCsv(path, opts({ target: 'y' }), { signal: controller.signal, onBytes: () => controller.abort() });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

/** 40 rows of x1 = i/4, x2 = i mod 7, y = 2·x1 − x2 + 1; `typo` replaces the x1 cell of data row `row` (line row + 2). */
function numericFile(name: string, typos: Record<number, string> = {}, delimiter = ','): { path: string; x1: number[]; y: number[] } {
  const lines = [['x1', 'x2', 'y'].join(delimiter)];
  const x1: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 40; i++) {
    x1.push(i / 4);
    y.push(2 * (i / 4) - (i % 7) + 1);
    lines.push([typos[i] ?? String(i / 4), String(i % 7), String(y[i])].join(delimiter));
  }
  return { path: file(name, `${lines.join('\n')}\n`), x1, y };
}

describe('a numeric column with a typo', () => {
  it('stays numeric in the preview, its bad cell listed by line and value', async () => {
    const { path } = numericFile('typo.csv', { 5: '1.2.3' });
    const preview = await previewCsv(path);
    const x1 = preview.columns[0];
    expect(x1.kind).toBe('numeric');
    expect(x1.badCells).toEqual({ count: 1, cells: [{ line: 7, value: '1.2.3' }] });
    expect(x1.levels).toEqual([]);
    expect(preview.columns[1].badCells.count).toBe(0);
  });

  it('is categorical when more than 1 cell in 20 is not a number', () => {
    expect(isMostlyNumeric(19, 1)).toBe(true);
    expect(isMostlyNumeric(18, 1)).toBe(false);
    expect(isMostlyNumeric(38, 2)).toBe(true);
    expect(isMostlyNumeric(0, 1)).toBe(false);
    expect(isMostlyNumeric(5, 0)).toBe(true);
  });

  it('rejects the bad cell by default, naming its line, column and value', async () => {
    const { path } = numericFile('typo-reject.csv', { 5: '1.2.3' });
    await expect(importCsv(path, opts({ target: 'y' }))).rejects.toThrow(/line 7, column "x1": "1.2.3" is not a number/);
  });

  it('drops the rows of bad cells', async () => {
    const { path, y } = numericFile('typo-drop.csv', { 5: '1.2.3', 9: 'oops' });
    const r = await importCsv(path, opts({ target: 'y', badCells: 'drop' }));
    expect(r.design.m).toBe(38);
    expect(r.rowsDropped).toBe(2);
    expect(r.badCells).toBe(2);
    expect(Array.from(r.design.y)).toEqual(y.filter((_, i) => i !== 5 && i !== 9));
    expect(r.columns[0]).toMatchObject({ name: 'x1', badCells: 2 });
  });

  it('imputes the mean, or the median, of the column’s numbers in the rows kept', async () => {
    const { path, x1 } = numericFile('typo-impute.csv', { 5: '1.2.3', 6: '' });
    const others = x1.filter((_, i) => i !== 5 && i !== 6);
    const mean = others.reduce((a, b) => a + b, 0) / others.length;
    // 38 numbers: the median is the mean of the 19th and 20th smallest.
    const sorted = others.slice().sort((a, b) => a - b);
    const median = (sorted[18] + sorted[19]) / 2;
    expect(median).not.toBe(mean);
    const byMean = await importCsv(path, opts({ target: 'y', badCells: 'mean', missing: 'mean' }));
    expect(byMean.design.x[5 * 2]).toBe(mean);
    expect(byMean.design.x[6 * 2]).toBe(mean);
    const byMedian = await importCsv(path, opts({ target: 'y', badCells: 'median', missing: 'mean' }));
    // The bad cell gets the median; the missing one still the mean (the missing-value policy).
    expect(byMedian.design.x[5 * 2]).toBe(median);
    expect(byMedian.design.x[6 * 2]).toBe(mean);
    expect(byMedian.badCells).toBe(1);
    expect(byMedian.columns[0].missing).toBe(1);
  });

  it('applies the user’s corrections before anything else reads the cells', async () => {
    const { path, x1 } = numericFile('typo-fix.csv', { 5: '1.2.3' });
    const r = await importCsv(path, opts({ target: 'y', fixes: [{ line: 7, column: 'x1', value: ' 1.23 ' }] }));
    expect(r.cellsFixed).toBe(1);
    expect(r.badCells).toBe(0);
    expect(r.design.x[5 * 2]).toBe(1.23);
    expect(r.design.x[4 * 2]).toBe(x1[4]);
    await expect(importCsv(path, opts({ target: 'y', fixes: [{ line: 7, column: 'x1', value: '1' }, { line: 99, column: 'x1', value: '1' }] }))).rejects.toThrow(/a correction names line 99, but the file ends at line 41/);
    await expect(importCsv(path, opts({ target: 'y', fixes: [{ line: 7, column: 'nope', value: '1' }] }))).rejects.toThrow(/correction names column "nope"/);
  });

  it('never imputes the target', async () => {
    const lines = ['x,y', ...Array.from({ length: 30 }, (_, i) => `${i},${i === 4 ? 'n.a.' : i * 2}`)];
    const path = file('bad-target.csv', `${lines.join('\n')}\n`);
    await expect(importCsv(path, opts({ target: 'y', badCells: 'median' }))).rejects.toThrow(/target "y" has cells that are not numbers \(the first on line 6: "n.a."\); a target is never imputed/);
    const dropped = await importCsv(path, opts({ target: 'y', badCells: 'drop' }));
    expect(dropped.design.m).toBe(29);
  });
});

describe('separators', () => {
  it('detects comma, semicolon, tab and vertical bar from the first lines', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n', true)).toBe(',');
    expect(detectDelimiter('a;b;c\n1,5;2,5;3\n', true)).toBe(';');
    expect(detectDelimiter('a\tb\tc\n1\t2\t3\n', true)).toBe('\t');
    expect(detectDelimiter('a|b\n1|2\n', true)).toBe('|');
    // Separators inside quotes do not count; a cut-off last line does not spoil the pattern.
    expect(detectDelimiter('name,note\n"x","a;b;c"\n"y","d;e"\n"z","f;', false)).toBe(',');
    expect(detectDelimiter('\uFEFFa;b\r\n1;2\r\n', true)).toBe(';');
    expect(detectDelimiter('single\n1\n2\n', true)).toBe(',');
  });

  it('reads a semicolon file and a tab file like the comma file', async () => {
    const comma = await importCsv(numericFile('sep-comma.csv').path, opts({ target: 'y' }));
    for (const [name, delimiter] of [['sep-semicolon.csv', ';'], ['sep-tab.tsv', '\t']] as const) {
      const { path } = numericFile(name, {}, delimiter);
      const preview = await previewCsv(path);
      expect(preview.delimiter).toBe(delimiter);
      expect(preview.delimiterDetected).toBe(true);
      expect(preview.columns.map((c) => [c.name, c.kind])).toEqual([['x1', 'numeric'], ['x2', 'numeric'], ['y', 'numeric']]);
      const r = await importCsv(path, opts({ target: 'y' }));
      expect(r.delimiter).toBe(delimiter);
      expect(Array.from(r.design.x)).toEqual(Array.from(comma.design.x));
    }
    // The separator asked for wins over the detected one.
    const forced = await previewCsv(numericFile('sep-forced.csv', {}, ';').path, 'sep-forced.csv', ',');
    expect(forced).toMatchObject({ delimiter: ',', delimiterDetected: false });
    expect(forced.columns.map((c) => c.name)).toEqual(['x1;x2;y']);
  });
});

describe('bad files get precise messages', () => {
  const cases: [string, string | Buffer, Record<string, unknown>, RegExp][] = [
    ['ragged.csv', 'a,b,y\n1,2,3\n4,5\n6,7,8\n', { target: 'y' }, /line 3 has 2 fields, but the header has 3 \(a ragged row/],
    ['text-in-numeric.csv', 'a,y\n1,2\n2,3\nabc,4\n', { target: 'y' }, /line 4, column "a": "abc" is not a number \(correct the cell, drop or impute such cells, or mark the column categorical\)/],
    ['empty.csv', '', { target: 'y' }, /is empty/],
    ['header-only.csv', 'a,y\n', { target: 'y' }, /has a header but no data rows/],
    ['binary.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00]), { target: 'y' }, /not a text CSV file \(it contains NUL bytes/],
    ['latin1.csv', Buffer.from([0x61, 0x2c, 0x79, 0x0a, 0xe9, 0x2c, 0x31, 0x0a]), { target: 'y' }, /not UTF-8 text/],
    ['constant.csv', 'x,y\n1,3\n2,3\n3,3\n', { target: 'y' }, /the target "y" is constant \(every row is 3\)/],
    ['no-target.csv', 'x,z\n1,2\n', { target: 'y' }, /no column named "y" for the target/],
    ['dup.csv', 'x,x,y\n1,2,3\n', { target: 'y' }, /names column "x" twice/],
    // Quote mistakes, in words: where, and what to change (not the parser's "Quote Not Closed: the parsing is finished…").
    ['unclosed.csv', 'a,b,y\n1,2,3\n4,"5,6\n7,8,9\n', { target: 'y' }, /^unclosed\.csv: line 3, column "b" opens a quoted cell with " that is never closed/],
    ['after-quote.csv', 'a,b,y\n1,2,3\n4,"5"x,6\n', { target: 'y' }, /^after-quote\.csv: line 3, column "b" has text right after a quoted cell's closing "/],
    ['inch.csv', 'a,b,y\n1,2,3\n4,5" screen,6\n', { target: 'y' }, /^inch\.csv: line 3, column "b" has a " in the middle of a cell/],
  ];
  for (const [name, content, o, pattern] of cases) {
    it(name, async () => {
      const path = file(name, content);
      await expect(importCsv(path, opts(o))).rejects.toThrow(pattern);
    });
  }
});
