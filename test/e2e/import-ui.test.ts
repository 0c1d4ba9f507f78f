// The dataset import dialog in a real browser (serve mode, Debian's Chromium): a CSV with a categorical
// column and one missing numeric cell is uploaded, previewed (kinds detected, the missing-value prompt
// shown), refused under "reject" with its line and column named, imported under mean-impute (the same
// File uploaded again, since a failed import consumes its upload), selected in the New run form with its
// one-hot features, and trained on. A binary file gets a precise message in the dialog.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/domain/datasets.ts';
import { SCREENSHOT_DIR } from '../helpers/browser.ts';
import { openServedPage, type ServedPage } from '../helpers/servedPage.ts';
import type { ServeProcess } from '../helpers/cli.ts';

const COLORS = ['red', 'green', 'blue'] as const;
const ROWS = 30;
/** The data row (0-based) whose x2 cell is left empty: line MISSING_ROW + 2 of the file (after the header). */
const MISSING_ROW = 3;

let serve: ServeProcess;
let served: ServedPage;
let page: Page;
let pageErrors: string[];
let dir: string;
let csvPath: string;
/** The x2 values present in the file, for an independent check of the stored mean. */
const x2Present: number[] = [];

/** A small deterministic regression problem: y depends on x1, x2 and the color. */
function writeCsv(): string {
  const lines = ['x1,color,x2,y'];
  for (let i = 0; i < ROWS; i++) {
    const x1 = ((i * 7) % 11) / 4 - 1;
    const color = COLORS[i % 3];
    const x2 = ((i * 5) % 13) / 6;
    const y = 1.5 + 2 * x1 - 0.75 * x2 + (color === 'red' ? 0.5 : color === 'green' ? -0.25 : 0) + (((i * 3) % 7) - 3) / 50;
    if (i !== MISSING_ROW) x2Present.push(x2);
    lines.push(`${x1},${color},${i === MISSING_ROW ? '' : x2},${y.toFixed(6)}`);
  }
  const path = join(dir, 'paint.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function listDatasets(): Promise<DatasetSummary[]> {
  const response = await fetch(`${serve.origin}/api/listDatasets`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  const body = (await response.json()) as { ok: boolean; value: DatasetSummary[] };
  expect(body.ok).toBe(true);
  return body.value;
}

beforeAll(async () => {
  served = await openServedPage('ridgeline-import-ui-', { width: 1400, height: 1000 });
  ({ dir, serve, page, pageErrors } = served);
  csvPath = writeCsv();
});

afterAll(async () => {
  await served?.close();
});

async function openDialog(): Promise<Locator> {
  await page.locator('[data-testid="import-open"]').click();
  const dialog = page.locator('[data-testid="import-dialog"]');
  await dialog.waitFor({ state: 'visible' });
  return dialog;
}

describe('the import dialog in serve mode', () => {
  it('uploads a CSV and previews it: kinds detected, defaults chosen, the missing-value prompt shown', async () => {
    const dialog = await openDialog();
    expect(await dialog.getAttribute('aria-labelledby')).toBeTruthy();
    await page.locator('[data-testid="import-file-input"]').setInputFiles(csvPath);
    const preview = page.locator('[data-testid="import-preview"]');
    await preview.waitFor();
    const kinds = Object.fromEntries(
      await Promise.all(
        ['x1', 'color', 'x2', 'y'].map(async (name) => [name, await preview.locator(`tr[data-column="${name}"]`).getAttribute('data-kind')] as const),
      ),
    );
    expect(kinds).toEqual({ x1: 'numeric', color: 'categorical', x2: 'numeric', y: 'numeric' });
    expect(await preview.locator('tr[data-column="x2"] td.num').first().textContent()).toBe('1');
    // Defaults: the last column is the target, every other a feature, the categorical one encoded.
    expect(await page.locator('[data-testid="import-target"]').inputValue()).toBe('y');
    expect(await page.locator('[data-testid="import-name"]').inputValue()).toBe('paint');
    for (const name of ['x1', 'color', 'x2']) expect(await preview.locator(`input[name="feature"][value="${name}"]`).isChecked()).toBe(true);
    expect(await preview.locator('input[name="categorical"][value="color"]').isChecked()).toBe(true);
    expect(await preview.locator('input[name="categorical"][value="x1"]').isChecked()).toBe(false);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/import-preview.png` });

    // The prompt names the column with missing cells, and follows the columns used.
    const policy = page.locator('[data-testid="missing-policy"]');
    expect(await policy.textContent()).toContain('x2 (1)');
    await preview.locator('input[name="feature"][value="x2"]').uncheck();
    await policy.waitFor({ state: 'detached' });
    await preview.locator('input[name="feature"][value="x2"]').check();
    await policy.waitFor();
  });

  it('refuses the file under "reject" with the line and column named, keeping the choices', async () => {
    await page.locator('input[name="missingPolicy"][value="reject"]').check();
    await page.locator('[data-testid="import-start"]').click();
    const error = page.locator('[data-testid="import-error"]');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toMatch(`paint.csv: line ${MISSING_ROW + 2}, column "x2" is missing`);
    await page.locator('[data-testid="missing-policy"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/import-missing-prompt.png` });
    expect(await page.locator('[data-testid="import-name"]').inputValue()).toBe('paint');
    expect(await page.locator('[data-testid="import-target"]').inputValue()).toBe('y');
    expect((await listDatasets()).some((d) => d.name === 'paint')).toBe(false);
  });

  it('imports under mean-impute (uploading the file again) and reports what was stored', async () => {
    await page.locator('input[name="missingPolicy"][value="mean"]').check();
    await page.locator('[data-testid="import-start"]').click();
    const done = page.locator('[data-testid="import-done"]');
    await done.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);
    expect(await done.textContent()).toMatch(new RegExp(`${ROWS} rows × 5 features, target y, ${ROWS} rows read, 0 dropped`));
    await page.screenshot({ path: `${SCREENSHOT_DIR}/import-done.png` });

    const datasetId = await done.getAttribute('data-dataset-id');
    const stored = (await listDatasets()).find((d) => d.id === datasetId);
    expect(stored?.features).toEqual(['x1', 'color=blue', 'color=green', 'color=red', 'x2']);
    expect(stored?.rows).toBe(ROWS);
    expect(stored?.importDetails).toMatchObject({ fileName: 'paint.csv', rowsRead: ROWS, rowsDropped: 0, missingPolicy: 'mean' });
    // Imputing the mean leaves the column mean as it was over the cells present.
    const x2 = stored?.columns.find((c) => c.name === 'x2');
    const expectedMean = x2Present.reduce((a, b) => a + b, 0) / x2Present.length;
    expect(Math.abs((x2?.mean ?? Number.NaN) - expectedMean)).toBeLessThan(1e-12);
    expect(x2?.missing).toBe(1);
  });

  it('"Use it" selects the data set in the New run form, where a run trains on it', async () => {
    const datasetId = await page.locator('[data-testid="import-done"]').getAttribute('data-dataset-id');
    await page.locator('[data-testid="import-use"]').click();
    await page.locator('[data-testid="import-dialog"]').waitFor({ state: 'hidden' });
    const form = page.locator('[data-testid="new-run-form"]');
    await expect.poll(() => form.locator('[name="datasetId"]').inputValue()).toBe(datasetId);
    expect(await form.locator('[name="datasetId"] option:checked').textContent()).toBe('paint');
    await expect.poll(() => form.locator('.help').first().textContent()).toContain('features: x1, color=blue, color=green, color=red, x2 · target: y');

    await form.locator('[name="name"]').fill('on paint');
    await form.locator('[name="model"]').selectOption('linear');
    await form.locator('[name="solver"]').selectOption('closed');
    await form.locator('[name="lambda"]').fill('0.1');
    await form.locator('[name="alpha"]').fill('0');
    await page.getByRole('button', { name: 'Start run' }).click();
    const row = page.locator('[data-testid="run-row"]', { hasText: 'on paint' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');

    // The Data sets panel lists it, selected, with its stored columns' statistics.
    await page.locator('button[aria-controls="datasets-body"]').click();
    const item = page.locator(`[data-testid="dataset-row"][data-dataset-id="${datasetId}"]`);
    expect(await item.getAttribute('aria-pressed')).toBe('true');
    expect(await item.textContent()).toContain(`${ROWS} × 5`);
    const stats = page.locator('[data-testid="dataset-columns"] tbody th');
    expect(await stats.allTextContents()).toEqual(['x1', 'color=blue', 'color=green', 'color=red', 'x2']);
  });

  it('shows a binary file’s precise error in the dialog, and Escape closes it', async () => {
    const binary = join(dir, 'blob.csv');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    const dialog = await openDialog();
    expect(await dialog.getAttribute('data-step')).toBe('choose');
    await page.locator('[data-testid="import-file-input"]').setInputFiles(binary);
    await expect.poll(() => page.locator('[data-testid="import-error"]').textContent()).toBe('blob.csv is not a text CSV file (it contains NUL bytes: a binary file?)');
    expect(await page.locator('[data-testid="import-preview"]').count()).toBe(0);
    // The refused preview is the one HTTP error the page saw (Chromium logs it itself).
    expect(pageErrors.splice(0)).toEqual(['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('import-open');
  });

  it('logged no other errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
