// The New run form refuses, in words and before anything starts, runs the engine cannot train (item 10 of
// "What a new user stumbles on"): closed form with α = 1, logistic regression on a target that is not
// 0/1. The words are the engine's own. A run that fails anyway while training (closed form at λ = 0 with
// a constant column, found only by the solve) shows its reason at once, without an internal code, and
// no empty plot.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/domain/datasets.ts';
import { collectPageErrors, launchChromium, openNewRunForm, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.ts';
import { callServe } from '../helpers/serveApi.ts';

/** An error code such as BAD_OPTIONS or BAD_DATA: for programs, never shown. */
const ERROR_CODE = /\b[A-Z]+_[A-Z_]+\b/;

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let form: Locator;
let singularId: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-refusals-'));
  const dbPath = join(dir, 'app.db');
  // x2 is constant: with an intercept and λ = 0 the least-squares problem has no unique solution.
  const csv = join(dir, 'constant-column.csv');
  writeFileSync(csv, `x1,x2,y\n${Array.from({ length: 20 }, (_, i) => `${i},5,${3 * i + (i % 3)}`).join('\n')}\n`);
  const stored = runCli(['fit', '--data', csv, '--target', 'y', '--lambda', '1', '--db', dbPath]);
  expect(stored.status, stored.stderr).toBe(0);
  serve = await startServe(dbPath);
  singularId = (await callServe<DatasetSummary[]>(serve, 'listDatasets')).find((d) => d.name === 'constant-column.csv')!.id;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  pageErrors = collectPageErrors(page);
  await page.goto(serve.url);
  await openNewRunForm(page);
  form = page.locator('[data-testid="new-run-form"]');
  await form.locator(`[name="datasetId"] option[value="${singularId}"]`).waitFor({ state: 'attached' });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

const runCount = async () => (await callServe<unknown[]>(serve, 'listRuns')).length;

async function setForm(datasetId: string, model: string, solver: string, fields: Record<string, string>): Promise<void> {
  // The drawer steps aside after each run it starts.
  await openNewRunForm(page);
  await form.locator('[name="datasetId"]').selectOption(datasetId);
  await form.locator('[name="model"]').selectOption(model);
  await form.locator('[name="solver"]').selectOption(solver);
  for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).fill(value);
}

/** The form says what is wrong before Start, refuses Start with the same words, and no run is made. */
async function expectRefused(reason: RegExp): Promise<void> {
  const runsBefore = await runCount();
  const problems = page.locator('[data-testid="run-problems"]');
  await expect.poll(() => problems.textContent(), { timeout: 10_000 }).toMatch(reason);
  expect(await problems.textContent()).not.toMatch(ERROR_CODE);
  await form.getByRole('button', { name: 'Start run' }).click();
  const error = page.locator('[data-testid="form-error"]');
  await expect.poll(() => error.textContent()).toMatch(reason);
  expect(await error.textContent()).not.toMatch(ERROR_CODE);
  expect(await runCount()).toBe(runsBefore);
}

describe('the New run form', () => {
  it('refuses the closed form with α = 1, in words, before starting', async () => {
    await setForm('builtin:seed', 'linear', 'closed', { lambda: '0.1', alpha: '1' });
    await expectRefused(/the closed-form solver solves ridge only \(α = 0\); got α = 1/);
    await form.screenshot({ path: `${SCREENSHOT_DIR}/new-run-refused.png` });
  });

  it('refuses logistic regression on a target that is not 0/1, naming a row', async () => {
    await setForm('builtin:diabetes', 'logistic', 'cd', { lambda: '0.1', alpha: '1' });
    await expectRefused(/logistic regression needs labels 0 or 1; row \d+ has \d+/);
  });

  it('starts the run once the problem is fixed', async () => {
    const runsBefore = await runCount();
    await setForm('builtin:seed', 'linear', 'closed', { lambda: '0.1', alpha: '0' });
    await expect.poll(() => page.locator('[data-testid="run-problems"]').count()).toBe(0);
    await form.getByRole('button', { name: 'Start run' }).click();
    await expect.poll(runCount).toBe(runsBefore + 1);
    expect(await page.locator('[data-testid="form-error"]').count()).toBe(0);
  });

  it('shows why a run failed while training at once, in words, and draws no empty plot', async () => {
    await setForm(singularId, 'linear', 'closed', { lambda: '0', alpha: '0' });
    await expect.poll(() => page.locator('[data-testid="run-problems"]').count()).toBe(0);
    await form.getByRole('button', { name: 'Start run' }).click();
    const failure = page.locator('[data-testid="run-failure"]');
    await expect.poll(() => failure.textContent(), { timeout: 30_000 }).toMatch(/^\s*This run failed: the least-squares problem has no unique solution/);
    expect(await failure.textContent()).not.toMatch(ERROR_CODE);
    expect(await page.locator('[data-testid="status-reason"]').textContent()).not.toMatch(ERROR_CODE);
    expect(await page.locator('[data-testid="curves-plot"]').count()).toBe(0);
    // Where the eye is after Start: the reason is on screen without scrolling.
    expect(await failure.isVisible()).toBe(true);
    const box = await failure.boundingBox();
    expect((box?.y ?? Infinity) + (box?.height ?? 0)).toBeLessThanOrEqual(1000);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/new-run-failed.png` });
  });

  it('logged no errors in the browser console', () => {
    // Chromium logs each refused start (HTTP 400) itself; nothing else.
    expect(pageErrors.filter((e) => !e.includes('status of 400 (Bad Request)'))).toEqual([]);
  });
});
