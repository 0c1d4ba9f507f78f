// The Sweeps tab in a real browser (serve mode, Debian's Chromium): launch a cross-validation sweep on
// the built-in diabetes data from the form, watch it finish, read the CV plot and the coefficient path,
// and open the λ_1se refit on the Runs tab. Expected λ_max is glmnet's (test/fixtures/diabetes_glmnet.json,
// cv.glmnet 4.1.6 on the same data, standardize on); the other numbers the UI shows are checked against
// what the service answers over HTTP, so the test proves the views show the service's results.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepDetail } from '../../shared/domain/sweeps.ts';
import { collectPageErrors, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { startServe, type ServeProcess } from '../helpers/cli.ts';
import { readJsonFixture, relativeError } from '../helpers/fixtures.ts';

const glmnet = readJsonFixture<{ cv: { lambda: number[] } }>('diabetes_glmnet.json');
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let launcher: Locator;
let firstSweep: SweepDetail;

beforeAll(async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-sweeps-ui-')), 'ui.db');
  serve = await startServe(dbPath);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  pageErrors = collectPageErrors(page);
  launcher = page.locator('[data-testid="sweep-launcher"]');
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** The service's own answer, over the same HTTP API the page uses. */
async function getSweep(id: string): Promise<SweepDetail> {
  const response = await fetch(`${serve.origin}/api/getSweep`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id }),
  });
  const body = (await response.json()) as { ok: boolean; value: SweepDetail };
  expect(body.ok).toBe(true);
  return body.value;
}

async function callApi<T>(method: string, input: unknown): Promise<T> {
  const response = await fetch(`${serve.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value;
}

/** Pids of the serve process's children: its trainer processes. */
function trainerPids(): number[] {
  const out = spawnSync('pgrep', ['-P', String(serve.pid)], { encoding: 'utf8' }).stdout.trim();
  return out === '' ? [] : out.split('\n').map(Number);
}

async function fillLauncher(values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) await launcher.locator(`[name="${name}"]`).fill(value);
}

/** A canvas that uPlot drew into, with a real size on screen. */
async function expectSizedCanvas(plot: Locator): Promise<void> {
  const canvas = plot.locator('canvas').first();
  await canvas.waitFor();
  const box = await canvas.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(400);
  expect(box?.height ?? 0).toBeGreaterThan(200);
}

async function waitForCompletedSweep(cells: number): Promise<string> {
  const detail = page.locator('[data-testid="sweep-detail"]');
  await expect.poll(() => detail.getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
  const progress = page.locator('[data-testid="sweep-progress"]');
  expect(await progress.getAttribute('value')).toBe(String(cells));
  expect(await progress.getAttribute('max')).toBe(String(cells));
  expect(await page.locator('[data-testid="sweep-progress-text"]').textContent()).toContain(`${cells}/${cells}`);
  return (await detail.getAttribute('data-sweep-id')) ?? '';
}

describe('the Sweeps tab in serve mode', () => {
  it('switches views with the keyboard and remembers the tab across a reload', async () => {
    await page.goto(serve.url);
    const runsTab = page.getByRole('tab', { name: 'Runs' });
    const sweepsTab = page.getByRole('tab', { name: 'Sweeps' });
    expect(await runsTab.getAttribute('aria-selected')).toBe('true');
    await runsTab.focus();
    await page.keyboard.press('ArrowRight');
    expect(await sweepsTab.getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-sweeps');
    await launcher.waitFor();
    expect(await page.locator('#panel-runs').isHidden()).toBe(true);
    await page.reload();
    await launcher.waitFor();
    expect(await page.getByRole('tab', { name: 'Sweeps' }).getAttribute('aria-selected')).toBe('true');
  });

  it('previews glmnet’s λ grid and the work, and shows a refused spec next to the form', async () => {
    expect(await launcher.locator('[name="datasetId"]').inputValue()).toBe('builtin:diabetes');
    await launcher.locator('[name="model"]').selectOption('linear');
    await launcher.locator('[name="lambdaMode"][value="grid"]').check();
    await fillLauncher({ alphas: '1', nLambda: '30', folds: '5' });
    const estimate = page.locator('[data-testid="sweep-estimate"]');
    await expect.poll(() => estimate.textContent()).toMatch(/6\s+cells · ≈ [\d.]+ (s|min) on \d+ process(es)?/);
    const lambdaMax = Number(await page.locator('[data-testid="preview-lambda-max"]').getAttribute('title'));
    const lambdaMin = Number(await page.locator('[data-testid="preview-lambda-min"]').getAttribute('title'));
    expect(relativeError(lambdaMax, glmnet.cv.lambda[0])).toBeLessThan(1e-10);
    // glmnet's rule with more rows than features: λ_min = 1e-4 · λ_max.
    expect(relativeError(lambdaMin, 1e-4 * glmnet.cv.lambda[0])).toBeLessThan(1e-10);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/sweeps-launcher.png` });

    await fillLauncher({ folds: '1' });
    await expect.poll(() => page.locator('[data-testid="sweep-problems"]').textContent()).toMatch(/at least 2 folds/);
    await launcher.getByRole('button', { name: 'Start sweep' }).click();
    await expect.poll(() => page.locator('[data-testid="sweep-form-error"]').textContent()).toMatch(/at least 2 folds/);
    expect(await launcher.locator('[name="nLambda"]').inputValue()).toBe('30');
    expect(await page.locator('[data-testid="sweep-row"]').count()).toBe(0);
    // Chromium logs the refused request (HTTP 400) itself; that one line is expected, nothing else.
    expect(pageErrors.splice(0)).toEqual(['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  it('launches a lasso sweep, shows its progress reach 6/6 and its CV plot', async () => {
    await fillLauncher({ folds: '5' });
    await launcher.getByRole('button', { name: 'Start sweep' }).click();
    const row = page.locator('[data-testid="sweep-row"]');
    await row.first().waitFor();
    const id = await waitForCompletedSweep(6);
    expect(await row.first().getAttribute('data-sweep-id')).toBe(id);
    await expect.poll(() => row.first().getAttribute('data-status')).toBe('completed');
    expect(await row.first().textContent()).toContain('6/6');
    expect(await page.locator('[data-testid="sweep-form-error"]').count()).toBe(0);

    firstSweep = await getSweep(id);
    const result = firstSweep.results[0];
    expect(result).not.toBeNull();
    const cvPlot = page.locator('[data-testid="cv-plot"]');
    await expectSizedCanvas(cvPlot);
    expect(await cvPlot.getAttribute('data-points')).toBe('30');
    expect(Number(await page.locator('[data-testid="lambda-min-value"]').getAttribute('title'))).toBe(result?.lambdaMin);
    expect(Number(await page.locator('[data-testid="lambda-1se-value"]').getAttribute('title'))).toBe(result?.lambda1se);
    // log λ grows to the right, as in glmnet's plot: the cursor at the right edge reads the null model
    // (λ_max, nothing nonzero), at the left edge the full one (all 10 features).
    const over = cvPlot.locator('.u-over');
    const box = await over.boundingBox();
    if (box === null) throw new Error('the CV plot has no plotting area');
    const readout = cvPlot.locator('.u-legend .u-series').nth(1).locator('.u-value');
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
    await expect.poll(() => readout.textContent()).toMatch(/ · 0 nonzero$/);
    await page.mouse.move(box.x + 1, box.y + box.height / 2);
    await expect.poll(() => readout.textContent()).toMatch(/ · 10 nonzero$/);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('[data-testid="sweep-detail"]').screenshot({ path: `${SCREENSHOT_DIR}/sweeps-cv-plot.png` });
  });

  it('draws the coefficient path and names the features under the cursor', async () => {
    const pathPlot = page.locator('[data-testid="path-plot"]');
    await pathPlot.scrollIntoViewIfNeeded();
    await expectSizedCanvas(pathPlot);
    expect(await pathPlot.getAttribute('data-series')).toBe('10');
    const over = pathPlot.locator('.u-over');
    const box = await over.boundingBox();
    if (box === null) throw new Error('the path plot has no plotting area');
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2);
    const legend = pathPlot.locator('.u-legend');
    // With the cursor on the plot the legend reads out each feature's coefficient (a number, not "—").
    await expect.poll(async () => legend.locator('tr', { hasText: 'bmi' }).locator('.u-value').textContent()).toMatch(/^-?\d/);
    await pathPlot.screenshot({ path: `${SCREENSHOT_DIR}/sweeps-path.png` });
    await page.mouse.move(0, 0);
  });

  it('opens the λ_1se refit on the Runs tab with its coefficients', async () => {
    const refitId = firstSweep.refits.lambda1se;
    expect(refitId).not.toBeNull();
    await page.locator('[data-testid="open-lambda-1se"]').click();
    await expect.poll(() => page.getByRole('tab', { name: 'Runs' }).getAttribute('aria-selected')).toBe('true');
    const details = page.locator(`[data-testid="run-details"][data-run-id="${refitId}"]`);
    await details.waitFor();
    expect(await page.locator(`[data-testid="run-row"][data-run-id="${refitId}"]`).getAttribute('aria-selected')).toBe('true');
    expect(await details.textContent()).toMatch(/λ_1se/);
    // The refit's coefficients are the full-data path at λ_1se: the same numbers the path plot drew.
    const path = firstSweep.path;
    const index1se = firstSweep.results[0]?.index1se ?? -1;
    expect(path).not.toBeNull();
    for (const [j, name] of firstSweep.featureNames.entries()) {
      const shown = Number(await page.locator(`[data-testid="param-${name}"]`).getAttribute('title'));
      expect(shown).toBe(path?.coef[index1se][j]);
    }
    // Read off the path, it has no per-step history, and the Runs tab says so rather than plot nothing.
    expect(await page.locator('[data-testid="curves-no-history"]').count()).toBe(1);
    await details.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/sweeps-refit-run.png` });
  });

  it('shows a heat map of cvm over α × λ for an α grid', async () => {
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await fillLauncher({ alphas: '0.5, 1', nLambda: '20', folds: '3' });
    await expect.poll(() => page.locator('[data-testid="sweep-estimate"]').textContent()).toMatch(/^\s*8\s+cells/);
    await launcher.getByRole('button', { name: 'Start sweep' }).click();
    await expect.poll(() => page.locator('[data-testid="sweep-row"]').count()).toBe(2);
    const id = await waitForCompletedSweep(8);
    expect(id).not.toBe(firstSweep.id);
    const heatmap = page.locator('[data-testid="cv-heatmap"]');
    await heatmap.waitFor();
    expect(await heatmap.getAttribute('data-rows')).toBe('2');
    expect(await heatmap.locator('rect[data-testid="cv-heatmap-best"]').count()).toBe(1);
    const detail = await getSweep(id);
    const best = detail.results[detail.bestAlphaIndex ?? -1];
    expect(await heatmap.textContent()).toContain(`Best: ${best?.label}`);
    await page.locator('[data-testid="sweep-detail"]').screenshot({ path: `${SCREENSHOT_DIR}/sweeps-heatmap.png` });
  });

  it('shows a cell whose trainer was killed mid-cell as retried, and the sweep completes', async () => {
    // Plain gradient descent without a tolerance makes each cell take a second or two, so both trainers
    // are busy when they are killed.
    const { sweepId } = await callApi<{ sweepId: string }>('startSweep', {
      name: 'killed trainers',
      datasetId: 'builtin:correlated',
      model: 'linear',
      grid: { solver: ['gd'], maxIter: [4000] },
      nLambda: 10,
      folds: 5,
      tol: 0,
      poolSize: 2,
    });
    const row = page.locator(`[data-testid="sweep-row"][data-sweep-id="${sweepId}"]`);
    await row.click();
    await expect.poll(async () => (await getSweep(sweepId)).cells.filter((c) => c.status === 'running').length, { timeout: 60_000 }).toBe(2);
    const victims = trainerPids();
    expect(victims.length).toBeGreaterThan(0);
    for (const pid of victims) process.kill(pid, 'SIGKILL');

    const detail = page.locator('[data-testid="sweep-detail"]');
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 120_000 }).toBe('completed');
    const stored = await getSweep(sweepId);
    // A retry is a cell whose attempt failed (its error is recorded) and that was started again.
    const retried = stored.cells.filter((c) => c.error !== null);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((c) => c.attempts === 2)).toBe(true);
    expect(stored.cells.every((c) => c.status === 'completed')).toBe(true);
    // Collapsed to one line with the count; opened, one line per retried cell.
    const box = page.locator('[data-testid="sweep-cell-issues"]');
    const summary = page.locator('[data-testid="sweep-cell-issues-summary"]');
    await expect.poll(() => summary.textContent()).toBe(`${retried.length} cell${retried.length === 1 ? '' : 's'} retried after a failure`);
    const issues = box.locator('li');
    expect(await box.getAttribute('open')).toBeNull();
    expect(await issues.first().isVisible()).toBe(false);
    await summary.click();
    await expect.poll(() => issues.first().isVisible()).toBe(true);
    expect(await issues.count()).toBe(retried.length);
    for (const cell of retried) expect(await box.textContent()).toContain(`cell ${cell.index} `);
    // The status arrives by event before the cells are read again: the line settles on "retried".
    await expect.poll(() => issues.first().textContent()).toMatch(/retried after: the trainer process exited unexpectedly/);
    await detail.screenshot({ path: `${SCREENSHOT_DIR}/sweeps-retried-cell.png` });
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
