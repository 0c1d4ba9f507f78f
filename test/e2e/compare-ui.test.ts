// The Compare view in a real browser (serve mode, Debian's Chromium): three lasso runs on the diabetes
// data, started through the HTTP API, alike in every setting but λ, are selected and compared. The
// expected values come from the runs' own records (getRun over the same API), never from constants.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../shared/domain/runs.ts';
import { SCREENSHOT_DIR } from '../helpers/browser.ts';
import type { ServeProcess } from '../helpers/cli.ts';
import { serveTrainedRuns, type RunSpec } from '../helpers/servedRuns.ts';

/** Evenly spaced in log10 λ, so the middle run sits halfway up a logarithmic λ axis (and far below it on a linear one). */
const LAMBDAS = [0.01, 1, 100];

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];
/** The runs' records as the service stores them, in LAMBDAS order. */
let records: RunDetail[] = [];

const view = () => page.locator('[data-testid="compare-view"]');
const row = (key: string) => view().locator(`[data-testid="compare-row"][data-key="${key}"]`);
const runRow = (id: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
const compareButton = () => page.locator('[data-testid="compare-open"]');
const features = (run: RunDetail) => run.parameters.filter((p) => p.name !== '(intercept)');
const center = async (locator: Locator): Promise<{ x: number; y: number }> => {
  const box = await locator.boundingBox();
  if (box === null) throw new Error('not rendered');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

beforeAll(async () => {
  const runs: RunSpec[] = LAMBDAS.map((lambda) => ({ name: `lasso λ=${lambda}`, hyperparams: { model: 'linear', lambda, alpha: 1, solver: 'cd' } }));
  ({ serve, browser, page, pageErrors, records } = await serveTrainedRuns('ridgeline-compare-', runs, { width: 1600, height: 1000 }));
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('the Compare view', () => {
  it('the runs finished, with different sparsity along λ (otherwise the comparison below proves little)', () => {
    expect(records.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    const zeros = records.map((r) => features(r).filter((p) => p.value === 0).length);
    expect(new Set(zeros).size).toBeGreaterThan(1);
  });

  it('opens from the toolbar once two runs are selected, with the differing λ row marked and the same α row not', async () => {
    await runRow(records[0].id).click();
    expect(await compareButton().isDisabled()).toBe(true);
    await runRow(records[1].id).click({ modifiers: ['Control'] });
    await runRow(records[2].id).click({ modifiers: ['Control'] });
    expect(await compareButton().textContent()).toBe('Compare (3)');
    await compareButton().click();
    await expect.poll(() => view().getAttribute('data-runs')).toBe('3');
    expect(await page.locator('[data-testid="curves-plot"]').count()).toBe(0);
    expect(await compareButton().getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('compare-title');

    expect(await row('lambda').getAttribute('data-differs')).toBe('true');
    for (const same of ['alpha', 'model', 'solver', 'dataset']) expect(await row(same).getAttribute('data-differs'), same).toBe('false');
    // The λ cells, column by column, are the λ of the run named in the column's head.
    const heads = await view().locator('[data-testid="compare-hyperparams"] thead th.run-head').allTextContents();
    const cells = await row('lambda').locator('td').allTextContents();
    expect(heads.length).toBe(3);
    heads.forEach((name, k) => expect(Number(cells[k])).toBe(records.find((r) => r.name === name.trim())?.hyperparams.lambda));
  });

  it('"Only differences" hides exactly the rows whose values are the same', async () => {
    const expectedDiffering = Object.keys(records[0].hyperparams).filter(
      (key) => new Set(records.map((r) => JSON.stringify(r.hyperparams[key as keyof RunDetail['hyperparams']]))).size > 1,
    );
    expect(expectedDiffering).toEqual(['lambda']);
    const allRows = view().locator('[data-testid="compare-row"]');
    const total = await allRows.count();
    expect(await view().locator('[data-testid="compare-row"][data-differs="false"]').count()).toBe(total - 1);

    await view().locator('[name="onlyDifferences"]').check();
    await expect.poll(() => allRows.evaluateAll((els) => els.map((el) => el.getAttribute('data-key')))).toEqual(expectedDiffering);
    expect(await view().locator('[data-testid="compare-diff-count"]').textContent()).toContain(`1 of ${total} hyperparameters differ`);
    await view().locator('[name="onlyDifferences"]').uncheck();
    await expect.poll(() => allRows.count()).toBe(total);
  });

  it('ranks none of the training measures of runs with different λ, shows n/a for what cd does not read, and each run’s sparsity', async () => {
    // The runs minimize different objectives: the least penalized has the lowest J and data loss by
    // construction, and J − J* is the solver's accuracy. None of them, nor the iterations, is marked best.
    const lowest = Math.min(...records.map((r) => r.final.dataLoss ?? Infinity));
    expect(records.filter((r) => r.final.dataLoss === lowest).length).toBe(1);
    for (const key of ['objective', 'dataLoss', 'suboptimality', 'iterations']) {
      const row = view().locator(`[data-testid="metric-row"][data-key="${key}"]`);
      expect(await row.locator('td').count(), key).toBe(records.length);
      expect(await row.locator('td[data-best="true"]').count(), key).toBe(0);
    }
    expect(await view().locator('[data-testid="metric-row"][data-key="objective"] th').getAttribute('title')).toMatch(/least penalized one is lowest by construction/);
    // Coordinate descent reads neither a learning rate nor a batch size.
    for (const key of ['learningRate', 'batchSize', 'momentum', 'lrDecay']) expect(await row(key).locator('td').allTextContents(), key).toEqual(['n/a', 'n/a', 'n/a']);

    for (const record of records) {
      const sparsity = view().locator(`[data-testid="sparsity-row"][data-run-id="${record.id}"]`);
      const zeros = features(record).filter((p) => p.value === 0).length;
      expect(await sparsity.getAttribute('data-zeros')).toBe(String(zeros));
      expect(await sparsity.getAttribute('data-total')).toBe(String(features(record).length));
      expect(await sparsity.textContent()).toContain(`${zeros} of ${features(record).length} coefficients zero`);
    }
  });

  it('draws one bar group per feature and one bar per run, in the runs’ colors and to scale', async () => {
    const chart = view().locator('[data-testid="coef-chart"]');
    const names = features(records[0]).map((p) => p.name);
    expect(await chart.locator('[data-testid="coef-group"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-feature')))).toEqual(names);
    const bars: { height: number; value: number }[] = [];
    for (const name of names) {
      const group = chart.locator(`[data-testid="coef-group"][data-feature="${name}"]`);
      const groupBars = group.locator('[data-testid="coef-bar"]');
      expect(await groupBars.count(), name).toBe(records.length);
      for (const record of records) {
        const bar = group.locator(`[data-testid="coef-bar"][data-run-id="${record.id}"]`);
        const value = record.parameters.find((p) => p.name === name)?.value ?? Number.NaN;
        expect(Number(await bar.getAttribute('data-value'))).toBe(value);
        const height = (await bar.boundingBox())?.height ?? 0;
        bars.push({ height, value });
      }
    }
    // Heights are proportional to |coefficient| (bars of exactly zero are drawn as a 2 px mark, tiny ones as 1 px).
    const largest = bars.reduce((a, b) => (Math.abs(b.value) > Math.abs(a.value) ? b : a));
    const pixelsPerUnit = largest.height / Math.abs(largest.value);
    // A chart this tall makes the allowance below (1.5 px: box edges as the browser measures them, and a
    // scale taken from the largest bar's own box) ≤ 1.5 % of the largest bar.
    expect(largest.height).toBeGreaterThan(100);
    for (const { height, value } of bars) expect(Math.abs(height - (value === 0 ? 2 : Math.max(Math.abs(value) * pixelsPerUnit, 1))), `${value}`).toBeLessThan(1.5);

    // A run's bars have the color of its swatch in the runs table (the color of its curve).
    const swatchColor = (id: string) => runRow(id).locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor);
    for (const record of records) {
      const fill = await chart.locator(`[data-testid="coef-bar"][data-run-id="${record.id}"]`).first().evaluate((el) => getComputedStyle(el).fill);
      expect(fill).toBe(await swatchColor(record.id));
    }
  });

  it('draws λ on a logarithmic parallel-coordinates axis, only the varying hyperparameters, and the chosen metric', async () => {
    const plot = view().locator('[data-testid="parallel-coords"]');
    expect(await plot.locator('[data-testid="pc-axis"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-key')))).toEqual(['lambda', 'metric:objective']);
    const lambdaAxis = plot.locator('[data-testid="pc-axis"][data-key="lambda"]');
    expect(await lambdaAxis.getAttribute('data-scale')).toBe('log');

    // Where the middle run must sit on a log axis, from the runs' own λ.
    const logs = records.map((r) => Math.log10(r.hyperparams.lambda));
    const expected = (logs[1] - logs[0]) / (logs[2] - logs[0]);
    const point = (record: RunDetail) => plot.locator(`[data-testid="pc-point"][data-axis="lambda"][data-run-id="${record.id}"]`);
    expect(Number(await point(records[1]).getAttribute('data-position'))).toBeCloseTo(expected, 12);
    const [low, middle, high] = await Promise.all(records.map((r) => center(point(r))));
    // On screen to 1 % of the axis: points sit at fractional pixels and are read back from their boxes.
    expect(Math.abs((low.y - middle.y) / (low.y - high.y) - expected)).toBeLessThan(0.01);

    // Ticks at every power of ten between the smallest and largest λ, evenly spaced on screen.
    const ticks = lambdaAxis.locator('[data-testid="pc-tick"]');
    const values = (await ticks.evaluateAll((els) => els.map((el) => el.getAttribute('data-value')))).map(Number);
    const decades: number[] = [];
    for (let e = Math.round(logs[0]); e <= Math.round(logs[2]); e++) decades.push(10 ** e);
    expect(values.length).toBe(decades.length);
    values.forEach((v, k) => expect(v).toBeCloseTo(decades[k], 12));
    const ys = await Promise.all(Array.from({ length: decades.length }, (_, k) => center(ticks.nth(k).locator('line')).then((c) => c.y)));
    const gaps = ys.slice(1).map((y, k) => ys[k] - y);
    for (const gap of gaps) expect(Math.abs(gap - gaps[0])).toBeLessThan(1); // within a pixel

    // Another metric: its axis replaces the objective's, linear unless the values span two decades.
    await view().locator('[name="pcMetric"]').selectOption('dataLoss');
    const metricAxis = plot.locator('[data-testid="pc-axis"][data-key="metric:dataLoss"]');
    await metricAxis.waitFor();
    const losses = records.map((r) => r.final.dataLoss ?? Number.NaN);
    const [min, max] = [Math.min(...losses), Math.max(...losses)];
    expect(max / min).toBeLessThan(100);
    expect(await metricAxis.getAttribute('data-scale')).toBe('linear');
    for (const [k, record] of records.entries()) {
      const position = Number(await plot.locator(`[data-testid="pc-point"][data-axis="metric:dataLoss"][data-run-id="${record.id}"]`).getAttribute('data-position'));
      expect(position).toBeCloseTo((losses[k] - min) / (max - min), 9);
    }
  });

  it('looks right in the light and the dark theme (screenshots)', async () => {
    // The New run drawer starts closed: the comparison has the curves' place, in view.
    expect(await page.locator('[data-testid="new-run-drawer"]').isHidden()).toBe(true);
    await view().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/compare.png`, fullPage: true });
    // What Compare draws follows the theme: the differing rows' tint is mixed from the theme's accent.
    const differingRow = view().locator('[data-testid="compare-row"][data-differs="true"]').first();
    const tint = () => differingRow.evaluate((el) => getComputedStyle(el).backgroundColor);
    const lightTint = await tint();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(tint).not.toBe(lightTint);
    // The panel is the dark theme's surface (--surface: #171b22 in renderer/src/styles.css).
    expect(await view().evaluate((el) => getComputedStyle(el.closest('.panel') ?? el).backgroundColor)).toBe('rgb(23, 27, 34)');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/compare-dark.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('closes with Escape back to the curves, reopens with Alt+C, and closes when fewer than two runs are selected', async () => {
    await view().locator('[name="onlyDifferences"]').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => view().count()).toBe(0);
    await page.locator('[data-testid="curves-plot"]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compare-open');
    expect(await compareButton().getAttribute('aria-pressed')).toBe('false');

    await page.keyboard.press('Alt+c');
    await expect.poll(() => view().getAttribute('data-runs')).toBe('3');
    await runRow(records[0].id).click();
    await expect.poll(() => view().count()).toBe(0);
    await page.locator('[data-testid="curves-plot"]').waitFor();
    expect(await compareButton().isDisabled()).toBe(true);
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
