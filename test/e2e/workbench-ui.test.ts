// The foundation's vertical slice in a real browser: serve mode in Debian's Chromium. A run stored
// by the CLI shows up; the seed run is created from the form; its curve grows live; after a reload
// the run is there with the reference parameters (test/fixtures/seed_gd.json).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, openNewRunForm, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath, readJsonFixture, relativeError, type SeedGdReference } from '../helpers/fixtures.ts';

const reference = readJsonFixture<SeedGdReference>('seed_gd.json');
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let cliRunId: string;

beforeAll(async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-ui-')), 'ui.db');
  const stored = runCli(['fit', '--data', fixturePath('seed_linear.csv'), '--target', 'y', '--lambda', '0.01', '--solver', 'closed', '--name', 'from the CLI', '--db', dbPath, '--json']);
  expect(stored.status).toBe(0);
  cliRunId = JSON.parse(stored.stdout).runId;
  serve = await startServe(dbPath);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

async function fillForm(values: Record<string, string>): Promise<void> {
  await openNewRunForm(page);
  for (const [name, value] of Object.entries(values)) await page.locator(`[name="${name}"]`).fill(value);
}

async function api<T>(method: string, input: unknown): Promise<T> {
  const response = await fetch(`${serve.origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
  const body = (await response.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value;
}

const listRuns = () => api<{ id: string; name: string; iterations: number }[]>('listRuns', {});

describe('the workbench in serve mode', () => {
  it('opens with the token, hides it from the address bar, and lists the CLI run', async () => {
    await page.goto(serve.url);
    await expect.poll(() => page.url()).not.toContain('token=');
    await page.locator(`[data-testid="run-row"][data-run-id="${cliRunId}"]`).waitFor();
    expect(await page.locator(`[data-run-id="${cliRunId}"]`).textContent()).toContain('from the CLI');
    expect(await page.locator('[data-testid="app-version"]').textContent()).toMatch(/\d+\.\d+\.\d+/);
  });

  it('shows a service validation error next to the form without losing its input', async () => {
    expect(pageErrors).toEqual([]);
    await fillForm({ name: 'bad one', lambda: '-1' });
    await page.getByRole('button', { name: 'Start run' }).click();
    await expect.poll(() => page.locator('[data-testid="form-error"]').textContent()).toMatch(/λ must be ≥ 0/);
    expect(await page.locator('[name="name"]').inputValue()).toBe('bad one');
    // The service's check found the problem before any start was sent: no refused request either.
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('trains a long run with a curve that grows while it runs', async () => {
    await fillForm({ name: 'long seed', lambda: '0.0001', learningRate: '0.01', maxIter: '800000', tol: '0' });
    await page.getByRole('button', { name: 'Start run' }).click();
    const row = page.locator('[data-testid="run-row"]', { hasText: 'long seed' });
    await row.waitFor();
    const plot = page.locator('[data-testid="curves-plot"]');
    const seen: number[] = [];
    for (let i = 0; i < 400 && (await row.getAttribute('data-status')) !== 'completed'; i++) {
      const points = Number(await plot.getAttribute('data-points'));
      if (seen.length === 0 || points !== seen[seen.length - 1]) seen.push(points);
      await page.waitForTimeout(50);
    }
    await page.screenshot({ path: `${SCREENSHOT_DIR}/foundation-live-curve.png` });
    expect(await row.getAttribute('data-status')).toBe('completed');
    // At least three distinct, increasing sizes were drawn before completion.
    expect(seen.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    await expect.poll(async () => Number(await plot.getAttribute('data-points'))).toBe(800_001);
  });

  it('creates the seed run from the form, and after a reload finds it with the reference parameters', async () => {
    await fillForm({ name: 'seed run', lambda: '0.0001', learningRate: '0.01', maxIter: '1000', tol: '0' });
    await page.getByRole('button', { name: 'Start run' }).click();
    const row = page.locator('[data-testid="run-row"]', { hasText: 'seed run' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');

    await page.reload();
    await expect.poll(() => page.url()).not.toContain('token=');
    const reloaded = page.locator('[data-testid="run-row"]', { hasText: 'seed run' });
    await reloaded.click();
    const details = page.locator('[data-testid="run-details"]');
    await details.waitFor();
    // Values show as the runs table shows numbers; every digit is on hover (the title).
    const intercept = Number(await page.locator('[data-testid="param-(intercept)"]').getAttribute('title'));
    const w = Number(await page.locator('[data-testid="param-x"]').getAttribute('title'));
    expect(relativeError(intercept, reference.intercept)).toBeLessThan(1e-9);
    expect(relativeError(w, reference.coef.x)).toBeLessThan(1e-9);
    expect(relativeError(Number(await page.locator('[data-testid="final-objective"]').getAttribute('title')), reference.objective_before_iteration['1000'])).toBeLessThan(1e-9);
    // J − J* is shown, positive: gradient descent has not converged after 1000 iterations.
    expect(Number(await page.locator('[data-testid="suboptimality"]').getAttribute('title'))).toBeGreaterThan(0.02);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/foundation-run-details.png` });
  });

  it('overlays the curves of several selected runs, with a log-scale toggle', async () => {
    await page.locator('[data-testid="run-row"]', { hasText: 'long seed' }).click({ modifiers: ['Control'] });
    await expect.poll(() => page.locator('[data-testid="curves-plot"]').getAttribute('data-series')).toBe('2');
    const logScale = page.locator('[name="logScale"]');
    expect(await logScale.isChecked()).toBe(true);
    await logScale.uncheck();
    expect(await logScale.isChecked()).toBe(false);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/foundation-overlay.png` });
  });

  it('smooths the overlaid curves with the raw ones faint behind, and plots them by wall time', async () => {
    const plot = page.locator('[data-testid="curves-plot"]');
    // Both runs' stored curves fetched: as many points as the longer run has steps (+ step 0).
    const listed = await listRuns();
    const stepPoints = 1 + Math.max(...listed.filter((run) => run.name === 'long seed' || run.name === 'seed run').map((run) => run.iterations));
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 20_000 }).toBe(stepPoints);
    await page.locator('[name="smoothing"]').fill('0.9');
    await expect.poll(() => plot.getAttribute('data-lines')).toBe('4');
    await expect.poll(() => page.locator('.u-legend').textContent()).toContain('long seed (raw)');
    await page.locator('[name="xAxis"]').selectOption('time');
    await expect.poll(() => plot.getAttribute('data-axis')).toBe('time');
    // Two runs' instants never coincide after t = 0: the union of their wall times has more points than
    // either. The stored times are fetched on switching to this axis (800,001 steps: as long as the first fetch).
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(stepPoints);
    expect(await plot.textContent()).toContain('wall time (s)');
    await page.locator('[aria-labelledby="curves-title"]').screenshot({ path: `${SCREENSHOT_DIR}/curves-smoothed-wall-time.png` });
    await page.locator('[name="xAxis"]').selectOption('step');
    await page.locator('[name="smoothing"]').fill('0');
    await expect.poll(() => plot.getAttribute('data-lines')).toBe('2');
    await expect.poll(async () => Number(await plot.getAttribute('data-points'))).toBe(stepPoints);
  });

  it('plots J − J* on a log axis for a finished run', async () => {
    await page.locator('[data-testid="run-row"]', { hasText: 'seed run' }).click();
    await page.locator('[name="metric"]').selectOption('suboptimality');
    await expect.poll(() => page.locator('[data-testid="curves-plot"]').getAttribute('data-points')).toBe('1001');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/foundation-suboptimality.png` });
    await page.locator('[name="metric"]').selectOption('objective');
  });

  it('warns before starting gradient descent with a step above 2/L, and starts only on a second click', async () => {
    await fillForm({ name: 'too big a step', lambda: '0.0001', learningRate: '2', maxIter: '1000', tol: '0' });
    const warning = page.locator('[data-testid="run-warning"]');
    await expect.poll(() => warning.textContent()).toMatch(/learning rate 2 is above the largest stable step 2\/L = 1\.51154.*will diverge/);
    expect(await page.locator('[data-testid="step-bound"]').textContent()).toMatch(/2\/L = 1\.5115/);
    const before = await page.locator('[data-testid="run-row"]').count();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('button', { name: 'Start anyway' }).waitFor();
    expect(await page.locator('[data-testid="run-row"]').count()).toBe(before);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/guard-warning.png` });
    await page.getByRole('button', { name: 'Start anyway' }).click();
    const row = page.locator('[data-testid="run-row"]', { hasText: 'too big a step' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('diverged');
    await row.click();
    await expect.poll(() => page.locator('[data-testid="status-reason"]').textContent()).toMatch(/rose at iteration \d+: learning rate 2 is above 2\/L/);
  });

  it('runs the seed run again and shows its parameters reproduced bit for bit', async () => {
    const listed = await listRuns();
    const original = listed.find((run) => run.name === 'seed run')!;
    await page.locator(`[data-testid="run-row"][data-run-id="${original.id}"]`).click();
    const again = page.locator('[data-testid="run-again"]');
    await again.getByRole('button', { name: 'Run again' }).click();
    const result = page.locator('[data-testid="run-again-result"]');
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).toMatch(/identical bit for bit/);
    expect(await result.getAttribute('data-identical')).toBe(await result.getAttribute('data-total'));
    // Checked independently of the view: the stored parameters of both runs, as doubles.
    const rerun = (await listRuns()).find((run) => run.name === 'seed run (again)')!;
    const [a, b] = await Promise.all([original.id, rerun.id].map((id) => api<{ parameters: { name: string; value: number }[] }>('getRun', { id })));
    expect(b.parameters.length).toBe(2);
    expect(b.parameters).toEqual(a.parameters);
    await page.locator('[data-testid="run-details"]').screenshot({ path: `${SCREENSHOT_DIR}/run-detail-run-again.png` });
  });

  it('holds out a test set from the form and shows its loss in the run details', async () => {
    await fillForm({ name: 'held out', lambda: '0.0001', learningRate: '0.01', maxIter: '500', tol: '0', validationFraction: '0.1', testFraction: '0.25', seed: '3' });
    await page.getByRole('button', { name: 'Start run' }).click();
    const row = page.locator('[data-testid="run-row"]', { hasText: 'held out' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
    await row.click();
    const shown = page.locator('[data-testid="test-loss"]');
    await shown.waitFor();
    const id = (await listRuns()).find((run) => run.name === 'held out')!.id;
    const stored = await api<{ hyperparams: { testFraction: number; validationFraction: number }; final: { testLoss: number } }>('getRun', { id });
    expect(stored.hyperparams).toMatchObject({ testFraction: 0.25, validationFraction: 0.1 });
    expect(stored.final.testLoss).toBeGreaterThan(0);
    expect(Number(await shown.getAttribute('title'))).toBe(stored.final.testLoss);
    await fillForm({ validationFraction: '0', testFraction: '0', seed: '0' });
  });

  it('logged no other errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
