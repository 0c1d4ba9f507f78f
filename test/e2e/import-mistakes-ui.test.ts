// What a new user stumbles on when importing (issue 15, item 5), in a real browser (serve mode, Debian's
// Chromium): one typo in a numeric column ("1.2.3" in one cell of x1) keeps x1 numeric, listed by line
// and value, to be corrected in the dialog or imputed by the column median (the stored values checked
// against a median and mean computed here); one-hot encoding a column of many levels asks first;
// semicolon- and tab-separated files are read as such; a stray quote is explained in words.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/domain/datasets.ts';
import { SCREENSHOT_DIR } from '../helpers/browser.ts';
import { openServedPage, type ServedPage } from '../helpers/servedPage.ts';
import type { ServeProcess } from '../helpers/cli.ts';
import { callServe } from '../helpers/serveApi.ts';

const ROWS = 300;
/** The data row (0-based) whose x1 cell is "1.2.3": line TYPO_ROW + 2 of the file. */
const TYPO_ROW = 41;
const TYPO_LINE = TYPO_ROW + 2;

let serve: ServeProcess;
let served: ServedPage;
let page: Page;
let pageErrors: string[];
let dir: string;

/** x1 takes ~300 distinct values (a category per row, were it read as text); x2 cycles 0..6; y depends on both. */
function rows(): { x1: number[]; x2: number[]; y: number[] } {
  const x1: number[] = [];
  const x2: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    x1.push(((i * 7919) % 997) / 100);
    x2.push(i % 7);
    y.push(Number((1 + 2 * x1[i] - 0.5 * x2[i] + (((i * 13) % 11) - 5) / 20).toFixed(6)));
  }
  return { x1, x2, y };
}

/** `yShift` makes the file's data differ from the others' (equal data is stored once, under its first import). */
function write(name: string, delimiter: string, typo: boolean, extra?: (i: number) => [string, string], yShift = 0): string {
  const { x1, x2, y } = rows();
  const header = ['x1', 'x2', ...(extra ? [extra(0)[0]] : []), 'y'];
  const lines = [header.join(delimiter)];
  for (let i = 0; i < ROWS; i++) {
    const cells = [typo && i === TYPO_ROW ? '1.2.3' : String(x1[i]), String(x2[i]), ...(extra ? [extra(i)[1]] : []), String(y[i] + yShift)];
    lines.push(cells.join(delimiter));
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const dialog = (): Locator => page.locator('[data-testid="import-dialog"]');
const preview = (): Locator => page.locator('[data-testid="import-preview"]');

async function openWith(path: string): Promise<void> {
  if (!(await dialog().isVisible())) {
    await page.locator('[data-testid="import-open"]').click();
    await dialog().waitFor({ state: 'visible' });
  } else if ((await dialog().getAttribute('data-step')) !== 'choose') {
    await dialog().getByRole('button', { name: /Import another|Choose another file/ }).click();
  }
  await page.locator('[data-testid="import-file-input"]').setInputFiles(path);
}

async function importAndWait(): Promise<DatasetSummary> {
  await page.locator('[data-testid="import-start"]').click();
  const done = page.locator('[data-testid="import-done"]');
  await done.waitFor({ timeout: 30_000 });
  const id = await done.getAttribute('data-dataset-id');
  const stored = (await callServe<DatasetSummary[]>(serve, 'listDatasets')).find((d) => d.id === id);
  if (!stored) throw new Error(`data set ${id} is not listed`);
  return stored;
}

beforeAll(async () => {
  served = await openServedPage('ridgeline-import-mistakes-', { width: 1400, height: 1100 });
  ({ dir, serve, page, pageErrors } = served);
});

afterAll(async () => {
  await served?.close();
});

describe('a typo in a numeric column', () => {
  it('keeps the column numeric and lists the bad cell by line and value (not 300 categories)', async () => {
    await openWith(write('typo.csv', ',', true));
    await preview().waitFor();
    const x1 = preview().locator('tr[data-column="x1"]');
    expect(await x1.getAttribute('data-kind')).toBe('numeric');
    expect(await x1.locator('[data-testid="bad-cell-count"]').textContent()).toBe('1 not a number');
    // Not encoded, and free to be encoded: a number column.
    const oneHot = preview().locator('input[name="categorical"][value="x1"]');
    expect(await oneHot.isChecked()).toBe(false);
    expect(await oneHot.isDisabled()).toBe(false);
    const bad = page.locator('[data-testid="bad-cells"]');
    expect(await bad.locator('[data-testid="bad-cell"]').count()).toBe(1);
    expect(await bad.locator('[data-testid="bad-cell"]').getAttribute('data-line')).toBe(String(TYPO_LINE));
    expect(await bad.textContent()).toContain(`line ${TYPO_LINE}: 1.2.3`);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/import-bad-cell.png` });
  });

  it('does not import until the cell is corrected or a policy chosen', async () => {
    await page.locator('[data-testid="import-start"]').click();
    await expect.poll(() => page.locator('[data-testid="import-error"]').textContent()).toBe('Some cells of x1 are not numbers: correct them, or choose what the import does with them.');
    expect(await dialog().getAttribute('data-step')).toBe('preview');
  });

  it('imputes the column median, says so, and stores the median computed here', async () => {
    await page.locator('input[name="badCellPolicy"][value="median"]').check();
    const stored = await importAndWait();
    expect(await page.locator('[data-testid="import-summary"]').textContent()).toBe(
      `${ROWS} rows × 2 features, target y, ${ROWS} rows read, 0 dropped, 1 cell that was not a number imputed with the column median.`,
    );
    const others = rows().x1.filter((_, i) => i !== TYPO_ROW);
    const sorted = others.slice().sort((a, b) => a - b);
    const half = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    const expectedMean = (others.reduce((a, b) => a + b, 0) + median) / ROWS;
    const x1 = stored.columns.find((c) => c.name === 'x1');
    expect(stored.features).toEqual(['x1', 'x2']);
    expect(Math.abs((x1?.mean ?? Number.NaN) - expectedMean)).toBeLessThan(1e-12);
    expect(x1?.badCells).toBe(1);
    expect(stored.importDetails).toMatchObject({ badCells: 1, badCellPolicy: 'median', cellsFixed: 0, delimiter: ',' });
  });

  it('takes a correction typed in the dialog instead', async () => {
    await openWith(write('typo-fixed.csv', ',', true));
    const input = page.locator(`[data-testid="bad-cell"][data-line="${TYPO_LINE}"] input[name="fix"]`);
    await input.fill('1.2x');
    await page.locator('[data-testid="import-start"]').click();
    await expect.poll(() => page.locator('[data-testid="import-error"]').textContent()).toBe(`The correction for line ${TYPO_LINE} of x1 is not a number.`);
    await input.fill('1.23');
    // Every listed cell corrected: no policy to choose.
    await page.locator('input[name="badCellPolicy"]').first().waitFor({ state: 'detached' });
    const stored = await importAndWait();
    expect(await page.locator('[data-testid="import-summary"]').textContent()).toContain('1 cell corrected by hand');
    const x1 = rows().x1.map((v, i) => (i === TYPO_ROW ? 1.23 : v));
    const expectedMean = x1.reduce((a, b) => a + b, 0) / ROWS;
    expect(Math.abs((stored.columns.find((c) => c.name === 'x1')?.mean ?? Number.NaN) - expectedMean)).toBeLessThan(1e-12);
    expect(stored.importDetails).toMatchObject({ cellsFixed: 1, badCells: 0 });
  });
});

describe('one-hot encoding many levels', () => {
  it('warns, names the count, and asks to confirm or untick before importing', async () => {
    await openWith(write('ids.csv', ',', false, (i) => ['id', `r${String(i).padStart(4, '0')}`]));
    await preview().waitFor();
    expect(await preview().locator('tr[data-column="id"]').getAttribute('data-kind')).toBe('categorical');
    const warning = page.locator('[data-testid="import-level-warning"]');
    expect(await warning.textContent()).toContain(`id has ${ROWS} distinct values in ${ROWS} rows: one-hot encoding makes ${ROWS} feature columns of it.`);
    await page.locator('[data-testid="import-start"]').click();
    await expect.poll(() => page.locator('[data-testid="import-error"]').textContent()).toMatch(/Confirm the encoding, or untick that column as a feature\.$/);
    expect(await dialog().getAttribute('data-step')).toBe('preview');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/import-many-levels.png` });
    // Unticked as a feature: nothing to confirm, and the import leaves it out.
    await preview().locator('input[name="feature"][value="id"]').uncheck();
    await warning.waitFor({ state: 'detached' });
    const stored = await importAndWait();
    expect(stored.features).toEqual(['x1', 'x2']);
  });
});

describe('separators and quotes', () => {
  for (const [name, delimiter, label, yShift] of [
    ['semicolons.csv', ';', 'semicolon', 1],
    ['tabs.tsv', '\t', 'tab', 2],
  ] as const) {
    it(`detects a ${label}-separated file and imports it like the comma one`, async () => {
      await openWith(write(name, delimiter, false, undefined, yShift));
      await preview().waitFor();
      const select = page.locator('[data-testid="import-delimiter"]');
      expect(await select.inputValue()).toBe(delimiter);
      expect(await select.locator('option:checked').textContent()).toBe(`${label} (detected)`);
      expect(await preview().locator('tbody tr').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-column'), r.getAttribute('data-kind')]))).toEqual([
        ['x1', 'numeric'],
        ['x2', 'numeric'],
        ['y', 'numeric'],
      ]);
      const stored = await importAndWait();
      expect(await page.locator('[data-testid="import-summary"]').textContent()).toContain(`read as ${label}-separated`);
      const expectedMean = rows().x1.reduce((a, b) => a + b, 0) / ROWS;
      expect(Math.abs((stored.columns.find((c) => c.name === 'x1')?.mean ?? Number.NaN) - expectedMean)).toBeLessThan(1e-12);
    });
  }

  it('reads the file again with the separator the user picks', async () => {
    await openWith(write('picked.csv', ';', false));
    await preview().waitFor();
    await page.locator('[data-testid="import-delimiter"]').selectOption(',');
    await expect.poll(() => preview().locator('tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-column')))).toEqual(['x1;x2;y']);
    expect(await page.locator('[data-testid="import-delimiter"] option:checked').textContent()).toBe('comma');
    await page.locator('[data-testid="import-delimiter"]').selectOption(';');
    await expect.poll(() => preview().locator('tbody tr').count()).toBe(3);
  });

  it('explains an unclosed quote in plain words, with its line and column', async () => {
    const path = join(dir, 'quote.csv');
    writeFileSync(path, 'x1,note,y\n1,fine,2\n2,"oops,3\n3,ok,4\n');
    await openWith(path);
    const error = page.locator('[data-testid="import-error"]');
    await expect.poll(() => error.textContent()).toBe(
      'quote.csv: line 3, column "note" opens a quoted cell with " that is never closed, so the rest of the file would read as one cell. Add the closing " where the cell ends, or write a quote inside a cell as "".',
    );
    expect(await error.textContent()).not.toMatch(/Quote Not Closed|parsing is finished/);
    // The refused preview is the one HTTP error the page saw (Chromium logs it itself).
    expect(pageErrors.splice(0)).toEqual(['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  });

  it('logged no other errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
