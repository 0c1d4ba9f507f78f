// The curves' axes and legend (issue 15, item 15): a log x axis so that a long run no longer flattens
// short ones against x = 0; the x legend written as a step or in seconds (not "0.145966776"); and no
// value shown for a run past its end.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { runCliAsync, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const SHORT = 40;
const LONG = 400;

describe('curves: log x, legend values, runs of different lengths', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-curves-axes-')), 'runs.db');
    const fit = (name: string, iterations: number) =>
      runCliAsync(['fit', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--standardize', 'true', '--solver', 'gd', '--max-iter', String(iterations), '--tol', '0', '--lambda', '0.01', '--name', name, '--db', dbPath]);
    for (const [name, n] of [['short', SHORT], ['long', LONG]] as const) {
      const result = await fit(name, n);
      expect(result.status, result.stderr).toBe(0);
    }
    serve = await startServe(dbPath);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(serve.url);
    const row = (name: string) => page.locator('[data-testid="run-row"]', { has: page.locator('.run-name', { hasText: new RegExp(`^${name}$`) }) });
    await row('short').click();
    await row('long').click({ modifiers: ['Control'] });
    await page.locator('[data-testid="curves-plot"][data-series="2"] canvas').waitFor();
    await page.waitForFunction((n) => document.querySelector('[data-testid="curves-plot"]')?.getAttribute('data-loaded') === n, String(SHORT + 1 + LONG + 1));
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  const over = () => page.locator('[data-testid="curves-plot"] .u-over');
  /** Hovers at a fraction of the plot's width; returns the legend's values: x, then each run by name. */
  async function hoverAt(fraction: number): Promise<Record<string, string>> {
    const box = (await over().boundingBox())!;
    await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
    return page.locator('[data-testid="curves-plot"] .u-legend .u-series').evaluateAll((rows) =>
      Object.fromEntries(rows.map((row, k) => [k === 0 ? 'x' : (row.querySelector('.u-label')?.textContent ?? ''), row.querySelector('.u-value')?.textContent ?? ''])),
    );
  }

  it('shows no value for a run past its end, and the nearest one within it', async () => {
    const early = await hoverAt(0.05);
    expect(early.short).not.toBe('—');
    expect(early.long).not.toBe('—');
    const late = await hoverAt(0.95);
    expect(Number(late.x.replace(/,/g, ''))).toBeGreaterThan(SHORT);
    expect(late.short).toBe('—');
    expect(late.long).not.toBe('—');
    // Steps are written as whole numbers.
    expect(late.x).toMatch(/^\d{1,3}(,\d{3})*$/);
  });

  it('puts x on a log scale: the middle of the plot is a step near √400, not near 200', async () => {
    const linearMiddle = Number((await hoverAt(0.5)).x.replace(/,/g, ''));
    expect(linearMiddle).toBeGreaterThan(150);
    await page.locator('input[name="logX"]').check();
    await expect.poll(() => page.locator('[data-testid="curves-plot"]').getAttribute('data-log-x')).toBe('true');
    const logMiddle = Number((await hoverAt(0.5)).x.replace(/,/g, ''));
    expect(logMiddle).toBeGreaterThan(5);
    expect(logMiddle).toBeLessThan(60);
    // Past the short run's end on the log axis too.
    expect((await hoverAt(0.97)).short).toBe('—');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'curves-log-x.png') });
    await page.locator('input[name="logX"]').uncheck();
  });

  it('rescales y to what a drag-zoom on x leaves in view', async () => {
    const host = page.locator('[data-testid="curves-plot"] .uplot-host');
    const range = async (): Promise<[number, number]> => [Number(await host.getAttribute('data-y-min')), Number(await host.getAttribute('data-y-max'))];
    const [fullMin, fullMax] = await range();
    const box = (await over().boundingBox())!;
    // The flat end of the long run: its values there are within a fraction of a percent of each other.
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(range).not.toEqual([fullMin, fullMax]);
    const [zoomMin, zoomMax] = await range();
    // Within a decade now (it spanned more than one), and still around the curve's value there.
    expect(zoomMax / zoomMin).toBeLessThan(1.5);
    expect(fullMax / fullMin).toBeGreaterThan(10);
    const value = Number((await hoverAt(0.5)).long.replace(/,/g, ''));
    expect(value).toBeGreaterThan(zoomMin);
    expect(value).toBeLessThan(zoomMax);
    await over().dblclick(); // uPlot's reset of the zoom
  });

  it('writes wall time in seconds to four significant digits', async () => {
    await page.locator('select[name="xAxis"]').selectOption('time');
    await expect.poll(() => page.locator('[data-testid="curves-plot"]').getAttribute('data-axis')).toBe('time');
    const x = (await hoverAt(0.5)).x;
    expect(x).toMatch(/ s$/);
    const digits = x.replace(/ s$/, '').replace(/e.*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '');
    expect(digits.length).toBeLessThanOrEqual(4);
    await page.locator('select[name="xAxis"]').selectOption('step');
  });
});
