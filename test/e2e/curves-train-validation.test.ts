// Train and validation loss overlaid (issue 15, item 13): the Curves panel's "train and validation loss"
// draws both losses of every selected run, in the run's colour, the validation one dashed, both named in
// the legend; a run without a validation split gets its train loss alone (no empty legend entry).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCompact } from '../../renderer/src/lib/format.ts';
import { decodeWire, encodeWire } from '../../shared/wire.ts';
import { collectPageErrors, launchChromium, screenshotViews } from '../helpers/browser.ts';
import { runCliAsync, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const STEPS = 150;
const HELD = 'held out';
const PLAIN = 'no split';

interface DrawnLine {
  label: string;
  stroke: string;
  dash: number[] | null;
}

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];
const ids = new Map<string, string>();

const plot = (): Locator => page.locator('[data-testid="curves-plot"]');
const nameCell = (name: string): Locator =>
  page.locator('[data-testid="run-row"]', { has: page.locator('.run-name', { hasText: new RegExp(`^${name}$`) }) }).locator('td.name-cell');
const drawn = async (): Promise<DrawnLine[]> => JSON.parse((await plot().locator('.uplot-host').getAttribute('data-lines-drawn')) ?? '[]');

/** A run's stored columns, as the page gets them. */
async function stored(runId: string, metrics: string[]): Promise<Record<string, Float64Array>> {
  const response = await fetch(`${serve.origin}/api/getRunMetrics`, { method: 'POST', headers: { Authorization: `Bearer ${serve.token}` }, body: encodeWire({ ids: [runId], metrics }) });
  const body = decodeWire<{ ok: boolean; value: { columns: Record<string, Float64Array> }[] }>(await response.text());
  return body.value[0].columns;
}

/** Hovers at a fraction of the plot's width; returns the legend: each row's label, value and marker's border style. */
async function legendAt(fraction: number): Promise<{ label: string; value: string; marker: string }[]> {
  const box = (await plot().locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
  return plot()
    .locator('.u-legend .u-series')
    .evaluateAll((rows) =>
      rows.map((row) => ({
        label: row.querySelector('.u-label')?.textContent ?? '',
        value: row.querySelector('.u-value')?.textContent ?? '',
        marker: row.querySelector<HTMLElement>('.u-marker') ? getComputedStyle(row.querySelector<HTMLElement>('.u-marker')!).borderTopStyle : '',
      })),
    );
}

beforeAll(async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-train-val-')), 'runs.db');
  const fit = (name: string, extra: string[]) =>
    runCliAsync(['fit', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--standardize', 'true', '--solver', 'gd', '--max-iter', String(STEPS), '--tol', '0', '--lambda', '0.01', '--name', name, '--db', dbPath, '--json', ...extra]);
  for (const [name, extra] of [[HELD, ['--validation-fraction', '0.25', '--seed', '3']], [PLAIN, []]] as const) {
    const result = await fit(name, [...extra]);
    expect(result.status, result.stderr).toBe(0);
    ids.set(name, JSON.parse(result.stdout).runId);
  }
  serve = await startServe(dbPath);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pageErrors = collectPageErrors(page);
  await page.goto(serve.url);
  await nameCell(HELD).click();
  await nameCell(PLAIN).click({ modifiers: ['Control'] });
  await plot().locator('canvas').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('train and validation loss in the Curves panel', () => {
  it('draws both losses of a run with a validation split, in its colour, the validation one dashed; the train loss alone for a run without', async () => {
    await page.locator('select[name="metric"]').selectOption('trainValidation');
    await expect.poll(() => plot().getAttribute('data-metric')).toBe('trainValidation');
    await expect.poll(() => plot().getAttribute('data-lines')).toBe('3');
    await expect.poll(async () => (await drawn()).map((line) => line.label)).toEqual([`${HELD} · train`, `${HELD} · validation`, `${PLAIN} · train`]);
    const [train, validation, plain] = await drawn();
    expect(validation.stroke).toBe(train.stroke);
    expect(plain.stroke).not.toBe(train.stroke);
    expect(train.dash).toBeNull();
    expect(validation.dash).toEqual([6, 4]);
    expect(plain.dash).toBeNull();
    // The runs table's swatch is the run's colour too.
    const swatch = await page
      .locator(`[data-testid="run-row"][data-run-id="${ids.get(HELD)}"] .swatch`)
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await page.evaluate((color) => { const probe = document.createElement('span'); probe.style.color = color; document.body.append(probe); const rgb = getComputedStyle(probe).color; probe.remove(); return rgb; }, train.stroke)).toBe(swatch);
  });

  it('names both in the legend, the validation marker dashed, with the stored values at the hovered step', async () => {
    await plot().scrollIntoViewIfNeeded();
    await page.waitForFunction((n) => document.querySelector('[data-testid="curves-plot"]')?.getAttribute('data-points') === n, String(STEPS + 1));
    const legend = await legendAt(0.6);
    expect(legend.slice(1).map((row) => row.label)).toEqual([`${HELD} · train`, `${HELD} · validation`, `${PLAIN} · train`]);
    expect(legend.slice(1).map((row) => row.marker)).toEqual(['solid', 'dashed', 'solid']);
    const step = Number(legend[0].value.replace(/,/g, ''));
    expect(step).toBeGreaterThan(0);
    const held = await stored(ids.get(HELD)!, ['dataLoss', 'validationLoss']);
    const plain = await stored(ids.get(PLAIN)!, ['dataLoss', 'validationLoss']);
    expect(legend[1].value).toBe(formatCompact(held.dataLoss[step], 6));
    expect(legend[2].value).toBe(formatCompact(held.validationLoss[step], 6));
    expect(legend[3].value).toBe(formatCompact(plain.dataLoss[step], 6));
    // Two different curves: the held-out rows' loss is not the training rows'.
    expect(held.validationLoss[step]).not.toBe(held.dataLoss[step]);
    expect(Number.isNaN(plain.validationLoss[step])).toBe(true);
  });

  it('smooths both (each over its faint raw curve), and goes back to one line per run for one column', async () => {
    await page.locator('input[name="smoothing"]').fill('0.5');
    await expect.poll(() => plot().getAttribute('data-lines')).toBe('6');
    expect((await drawn()).map((line) => [line.label, line.dash])).toEqual([
      [`${HELD} · train (raw)`, null],
      [`${HELD} · train`, null],
      [`${HELD} · validation (raw)`, [6, 4]],
      [`${HELD} · validation`, [6, 4]],
      [`${PLAIN} · train (raw)`, null],
      [`${PLAIN} · train`, null],
    ]);
    await page.locator('input[name="smoothing"]').fill('0');
    await page.locator('select[name="metric"]').selectOption('dataLoss');
    await expect.poll(() => plot().getAttribute('data-lines')).toBe('2');
    expect((await drawn()).map((line) => [line.label, line.dash])).toEqual([
      [HELD, null],
      [PLAIN, null],
    ]);
    await page.locator('select[name="metric"]').selectOption('trainValidation');
    await expect.poll(() => plot().getAttribute('data-lines')).toBe('3');
  });

  it('looks right at 1400×900 and 1024×700, light and dark (screenshots)', async () => {
    await page.mouse.move(0, 0);
    await screenshotViews(page, 'curves-train-validation', {
      prepare: async () => {
        await page.mouse.move(0, 0);
      },
    });
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
