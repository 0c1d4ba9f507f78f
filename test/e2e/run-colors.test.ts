// Run colours (issue 15, item 8): they came from a hash of the run id, so unrelated runs shared a
// colour. Now the k-th selected run gets the k-th colour of the one categorical palette
// (shared/palette.ts), the same in the runs table, the curves, Compare and an exported report.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORICAL_PALETTE, categoricalColor } from '../../shared/palette.ts';
import { launchChromium } from '../helpers/browser.ts';
import { mapLimited, runCliAsync, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const NAMES = ['lasso cd', 'lasso fista', 'ridge closed', 'ridge gd'];

/** '#4e79a7' → 'rgb(78, 121, 167)', as the browser reports computed colours. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

describe('run colours follow the selection, in every view', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-colors-')), 'runs.db');
    const fit = (name: string, k: number) =>
      runCliAsync(['fit', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--standardize', 'true', '--solver', k < 2 ? (k === 0 ? 'cd' : 'fista') : k === 2 ? 'closed' : 'gd', '--lambda', String(0.01 * (k + 1)), '--alpha', k < 2 ? '1' : '0', '--name', name, '--db', dbPath]);
    const first = await fit(NAMES[0], 0);
    expect(first.status, first.stderr).toBe(0);
    for (const result of await mapLimited(NAMES.slice(1), 2, (name) => fit(name, NAMES.indexOf(name)))) expect(result.status, result.stderr).toBe(0);
    serve = await startServe(dbPath);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    await page.goto(serve.url);
    await page.locator('[data-testid="run-row"]').nth(NAMES.length - 1).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  const row = (name: string) => page.locator('[data-testid="run-row"]', { has: page.locator('.run-name', { hasText: new RegExp(`^${name}$`) }) });
  const swatch = (name: string) => row(name).locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor);

  it('gives the k-th selected run the k-th palette colour, distinct, and no colour to runs not selected', async () => {
    // Selected in an order that is neither the table's nor the names'.
    const order = ['ridge gd', 'lasso cd', 'lasso fista'];
    await row(order[0]).click();
    for (const name of order.slice(1)) await row(name).click({ modifiers: ['Control'] });
    for (const [k, name] of order.entries()) await expect.poll(() => swatch(name)).toBe(rgb(CATEGORICAL_PALETTE[k]));
    expect(await swatch('ridge closed')).toBe('rgba(0, 0, 0, 0)');
    // The first palette colours are all distinct, and so are the ones after them.
    const many = Array.from({ length: 40 }, (_, k) => categoricalColor(k));
    expect(new Set(many).size).toBe(many.length);
  });

  it('draws the same colours in the curves, in Compare and in the exported report', async () => {
    const order = ['ridge gd', 'lasso cd', 'lasso fista'];
    // Curves: uPlot's legend markers carry each series' stroke.
    const legend = page.locator('[data-testid="curves-plot"] .u-legend .u-series');
    await expect.poll(() => legend.count()).toBeGreaterThanOrEqual(order.length + 1);
    for (const [k, name] of order.entries()) {
      const marker = legend.filter({ hasText: name }).first().locator('.u-marker');
      expect(await marker.evaluate((el) => getComputedStyle(el).borderColor)).toBe(rgb(CATEGORICAL_PALETTE[k]));
    }
    // Compare: the column swatches, in selection order.
    await page.locator('[data-testid="compare-open"]').click();
    const heads = page.locator('th.run-head');
    await expect.poll(() => heads.count()).toBeGreaterThanOrEqual(order.length);
    for (const [k, name] of order.entries()) {
      const head = heads.filter({ hasText: name }).first();
      expect(await head.locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(rgb(CATEGORICAL_PALETTE[k]));
    }
    // The report of the comparison: each run's curve in its colour (the HTML report's SVG strokes).
    const download = page.waitForEvent('download');
    await page.locator('[data-testid="export-report"] button[data-format="html"]').last().click();
    const file = await (await download).path();
    const html = (await import('node:fs')).readFileSync(file!, 'utf8');
    const strokes = [...html.matchAll(/<polyline[^>]*stroke="(#[0-9a-f]{6})"/gi)].map((m) => m[1].toLowerCase());
    for (const k of order.keys()) expect(strokes).toContain(CATEGORICAL_PALETTE[k]);
    expect(strokes).not.toContain(CATEGORICAL_PALETTE[order.length]);
  });
});
