// A run's details (issue 15, item 12), in a real browser (serve mode, Debian's Chromium): they show the
// hyperparameters (only those the solver reads) and the final training, validation and test losses,
// every number as the runs table shows it, with the full value on hover. Expected values come from the
// runs' records over the same HTTP API, and the table's own cells for the same runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../shared/domain/runs.ts';
import { collectPageErrors, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { startServe, type ServeProcess } from '../helpers/cli.ts';
import { trainRun } from '../helpers/servedRuns.ts';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let lasso: RunDetail;
let adam: RunDetail;

const details = (): Locator => page.locator('[data-testid="run-details"]');
const value = (key: string): Locator => details().locator(`dd[data-key="${key}"]`);

/** The runs table's cell of `run` under the column headed `label`. */
async function tableCell(run: RunDetail, label: string): Promise<string> {
  const headers = await page.locator('table[aria-label="Runs"] thead th').evaluateAll((ths) => ths.map((th) => th.textContent?.trim() ?? ''));
  const index = headers.findIndex((text) => text === label || text.startsWith(`${label} `) || text.startsWith(`${label}▲`) || text.startsWith(`${label}▼`));
  if (index < 0) throw new Error(`no column "${label}" among ${headers.join(' | ')}`);
  return ((await page.locator(`[data-testid="run-row"][data-run-id="${run.id}"] td`).nth(index).textContent()) ?? '').trim();
}

async function open(run: RunDetail): Promise<void> {
  await page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`).click();
  await page.locator(`[data-testid="run-details"][data-run-id="${run.id}"]`).waitFor();
}

beforeAll(async () => {
  serve = await startServe(join(mkdtempSync(join(tmpdir(), 'ridgeline-details-')), 'details.db'));
  lasso = await trainRun(serve, { name: 'held-out lasso', hyperparams: { model: 'linear', lambda: 0.05, alpha: 1, solver: 'cd', validationFraction: 0.2, testFraction: 0.1, seed: 4 } });
  adam = await trainRun(serve, { name: 'adam ridge', hyperparams: { model: 'linear', lambda: 0.1, alpha: 0, solver: 'adam', learningRate: 0.01, batchSize: 16, maxIter: 30 } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
  pageErrors = collectPageErrors(page);
  await page.goto(serve.url);
  await page.locator(`[data-testid="run-row"][data-run-id="${adam.id}"]`).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('run details', () => {
  it('the runs finished with every loss to show (otherwise the checks below prove little)', () => {
    expect(lasso.status).toBe('completed');
    expect(lasso.final.dataLoss).toBeGreaterThan(0);
    expect(lasso.final.validationLoss).toBeGreaterThan(0);
    expect(lasso.final.testLoss).toBeGreaterThan(0);
    // Long enough that the table rounds them: the details must round them the same way.
    for (const v of [lasso.final.objective, lasso.final.dataLoss, lasso.final.validationLoss, lasso.final.testLoss]) expect(String(v).replace(/\D/g, '').length).toBeGreaterThan(8);
  });

  it('show the final training, validation and test losses, as the table shows them, the full value on hover', async () => {
    await open(lasso);
    const expected: [string, number | null | undefined, string | null][] = [
      ['objective', lasso.final.objective, 'Final J'],
      ['trainLoss', lasso.final.dataLoss, null],
      ['validationLoss', lasso.final.validationLoss, 'Val. loss'],
      ['testLoss', lasso.final.testLoss, null],
    ];
    for (const [key, number, column] of expected) {
      const shown = value(key);
      expect(await shown.getAttribute('title'), key).toBe(String(number));
      const text = (await shown.textContent())?.trim() ?? '';
      // Six significant digits, as the table's loss columns: close to the value, and not all of its digits.
      expect(Math.abs(Number(text) - (number as number)) / (number as number), key).toBeLessThan(5e-6);
      expect(text.length, key).toBeLessThan(String(number).length);
      if (column) expect(text, key).toBe(await tableCell(lasso, column));
    }
    expect(await details().locator('dt', { hasText: 'Training loss' }).count()).toBe(1);
    // Fit time as the table's Duration column says it (not "46,545 ms" beside "46.5 s"), the milliseconds on hover.
    expect((await value('fitMs').textContent())?.trim()).toBe(await tableCell(lasso, 'Duration'));
    expect(await value('fitMs').getAttribute('title')).toMatch(/^[\d,.]+ ms$/);
  });

  it('show the hyperparameters the solver reads, and not those it does not (no learning rate for cd)', async () => {
    const hyper = details().locator('[data-testid="run-hyperparams"]');
    expect(await hyper.locator('[data-testid="hp-lambda"]').textContent()).toBe(await tableCell(lasso, 'λ'));
    expect(await hyper.locator('[data-testid="hp-lambda"]').getAttribute('title')).toBe(String(lasso.hyperparams.lambda));
    expect(await hyper.locator('[data-testid="hp-alpha"]').textContent()).toBe('1');
    expect(await hyper.locator('[data-testid="hp-solver"]').textContent()).toBe('cd');
    expect(await hyper.locator('[data-testid="hp-validationFraction"]').textContent()).toBe('20 %');
    expect(await hyper.locator('[data-testid="hp-testFraction"]').textContent()).toBe('10 %');
    expect(await hyper.locator('[data-testid="run-seed"]').textContent()).toBe('4');
    expect(await hyper.locator('[data-testid="hp-learningRate"]').count()).toBe(0);
    expect(await hyper.locator('[data-testid="hp-batchSize"]').count()).toBe(0);
    // Parameters: as short as the table's numbers, every digit on hover.
    const intercept = lasso.parameters.find((p) => p.name === '(intercept)')!.value;
    expect(Number(await details().locator('[data-testid="param-(intercept)"]').getAttribute('title'))).toBe(intercept);
    await details().scrollIntoViewIfNeeded();
    await details().screenshot({ path: `${SCREENSHOT_DIR}/run-details.png` });
  });

  it('show the learning rate and batch size of a stochastic run, and no held-out losses where none were held out', async () => {
    await open(adam);
    const hyper = details().locator('[data-testid="run-hyperparams"]');
    expect(await hyper.locator('[data-testid="hp-learningRate"]').textContent()).toBe('0.01');
    expect(await hyper.locator('[data-testid="hp-batchSize"]').textContent()).toBe('16');
    expect(await hyper.locator('[data-testid="hp-maxIter"]').textContent()).toBe('30');
    expect(await value('validationLoss').count()).toBe(0);
    expect(await value('testLoss').count()).toBe(0);
    expect(await value('trainLoss').getAttribute('title')).toBe(String(adam.final.dataLoss));
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
