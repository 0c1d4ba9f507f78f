// CSV import: preview, one-hot encoding, the missing-value policies, and a precise refusal for each
// kind of bad file. Expected values are computed by hand from the small files written here.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCsv, previewCsv } from '../../electron/core/datasets/import/csvImport.ts';
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

describe('bad files get precise messages', () => {
  const cases: [string, string | Buffer, Record<string, unknown>, RegExp][] = [
    ['ragged.csv', 'a,b,y\n1,2,3\n4,5\n6,7,8\n', { target: 'y' }, /line 3 has 2 fields.*ragged/],
    ['text-in-numeric.csv', 'a,y\n1,2\n2,3\nabc,4\n', { target: 'y' }, /line 4, column "a": "abc" is not a number/],
    ['empty.csv', '', { target: 'y' }, /is empty/],
    ['header-only.csv', 'a,y\n', { target: 'y' }, /has a header but no data rows/],
    ['binary.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00]), { target: 'y' }, /not a text CSV file \(it contains NUL bytes/],
    ['latin1.csv', Buffer.from([0x61, 0x2c, 0x79, 0x0a, 0xe9, 0x2c, 0x31, 0x0a]), { target: 'y' }, /not UTF-8 text/],
    ['constant.csv', 'x,y\n1,3\n2,3\n3,3\n', { target: 'y' }, /the target "y" is constant \(every row is 3\)/],
    ['no-target.csv', 'x,z\n1,2\n', { target: 'y' }, /no column named "y" for the target/],
    ['dup.csv', 'x,x,y\n1,2,3\n', { target: 'y' }, /names column "x" twice/],
  ];
  for (const [name, content, o, pattern] of cases) {
    it(name, async () => {
      const path = file(name, content);
      await expect(importCsv(path, opts(o))).rejects.toThrow(pattern);
    });
  }
});
