/**
 * The CLI's fast CSV path (electron/core/datasets/csvDesign.ts plainRecords): on plain numeric CSVs it
 * gives exactly csv-parse's records (with the options loadCsvDesign uses), and on anything else it
 * declines, so that csv-parse reads the file with its own rules and errors.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvTextToDesign, plainRecords } from '../../electron/core/datasets/csvDesign.ts';

const csvParse = (text: string): string[][] => parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];

describe('plain CSV records', () => {
  const plain: Record<string, string> = {
    'LF, trailing newline': 'x1,x2,y\n1,2,3\n-4.5,1e-7,6\n',
    'CRLF, no trailing newline': 'x1,x2,y\r\n1,2,3\r\n4,5,6',
    'a BOM and blank lines': '\uFEFFa,b\n\n1,2\n\r\n3,4\n\n',
    'one column': 'y\n1\n2\n',
    'empty and odd fields (read as csv-parse does; the design rejects them later)': 'a,b,c\n,,\n1,NaN,Infinity\n0x10,+5,.5\n',
    'a header only': 'a,b\n',
    'nothing': '',
  };
  for (const [what, text] of Object.entries(plain)) {
    it(`gives csv-parse's records: ${what}`, () => {
      const records = plainRecords(text);
      expect(records).not.toBeNull();
      expect(records).toEqual(csvParse(text));
    });
  }

  const other: Record<string, string> = {
    quotes: '"x1",y\n1,2\n',
    'spaces around fields': 'x1, y\n1, 2\n',
    tabs: 'x1\ty\n1\t2\n',
    'a lone carriage return (old Mac line ends)': 'x1,y\r1,2\r',
    'a ragged row': 'x1,y\n1,2,3\n',
    'a no-break space': 'x1,y\n1,\u00a02\n',
  };
  for (const [what, text] of Object.entries(other)) {
    it(`leaves to csv-parse: ${what}`, () => expect(plainRecords(text)).toBeNull());
  }

  it('loads a design with the same numbers and errors either way', () => {
    const text = 'x1,x2,y\n1,2,3\n4,5,6\n';
    const fast = csvTextToDesign(text, 'plain.csv', { target: 'y' });
    const slow = csvTextToDesign(text.replace('x1', '"x1"'), 'quoted.csv', { target: 'y' });
    expect(Array.from(fast.design.x)).toEqual(Array.from(slow.design.x));
    expect(Array.from(fast.design.y)).toEqual([3, 6]);
    expect(() => csvTextToDesign('x1,y\n1,\n', 'bad.csv', { target: 'y' })).toThrow('bad.csv: line 2, column "y": empty is not a finite number');
    expect(() => csvTextToDesign('x1,y\n1,2,3\n', 'ragged.csv', { target: 'y' })).toThrow(/ragged\.csv: Invalid Record Length/);
  });
});
