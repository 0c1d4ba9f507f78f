// Sweep time estimates from measured costs (item 7 of "What a new user stumbles on"), in the app
// (serve mode, Debian's Chromium), on a data set large enough for the estimate to matter (20,000 × 20,
// logistic): the launcher's estimate before the first sweep (a probe of its cells on a sample of the
// rows) and before the second (the first sweep's measured cells), and the Remaining time of a running
// sweep (its own finished cells), each against the time the sweep then takes. Times on this shared
// machine vary with what else runs, so each must fall within a factor of 3 of what happened, 4 for the
// probe (it times the cells' code in one process, the sweep runs two while the machine may be busy);
// the old estimate was 6× low on an idle machine.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/domain/datasets.ts';
import type { SweepDetail } from '../../shared/domain/sweeps.ts';
import { collectPageErrors, launchChromium } from '../helpers/browser.ts';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.ts';
import { callServe } from '../helpers/serveApi.ts';
import { writeCorrelatedCsv } from '../helpers/syntheticCsv.ts';
import { sleep } from '../helpers/wait.ts';

const FACTOR = 3;
const PROBE_FACTOR = 4;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let launcher: Locator;
let datasetId: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-estimate-'));
  const csv = join(dir, 'classes.csv');
  writeCorrelatedCsv(csv, 20_000, 20, 11, 0.5, true);
  const dbPath = join(dir, 'app.db');
  const stored = runCli(['fit', '--data', csv, '--target', 'y', '--model', 'logistic', '--lambda', '0.01', '--db', dbPath]);
  expect(stored.status, stored.stderr).toBe(0);
  serve = await startServe(dbPath);
  datasetId = (await callServe<DatasetSummary[]>(serve, 'listDatasets')).find((d) => d.name === 'classes.csv')!.id;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  pageErrors = collectPageErrors(page);
  await page.goto(serve.url);
  await page.getByRole('tab', { name: 'Sweeps' }).click();
  launcher = page.locator('[data-testid="sweep-launcher"]');
  await launcher.locator(`[name="datasetId"] option[value="${datasetId}"]`).waitFor({ state: 'attached' });
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** Sets the launcher to a logistic lasso sweep and returns its estimate (seconds) once previewed. */
async function estimateFor(nLambda: number, folds: number): Promise<number> {
  await launcher.locator('[name="datasetId"]').selectOption(datasetId);
  await launcher.locator('[name="model"]').selectOption('logistic');
  for (const [name, value] of Object.entries({ alphas: '1', nLambda: String(nLambda), folds: String(folds), poolSize: '2' })) await launcher.locator(`[name="${name}"]`).fill(value);
  const cells = folds + 1;
  await expect.poll(() => page.locator('[data-testid="sweep-estimate"]').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^\\s*${cells}\\s+cells · ≈`));
  return Number(await page.locator('[data-testid="sweep-estimate-time"]').getAttribute('data-seconds'));
}

/** Starts the launcher's sweep; while it runs, `during` is called with it; returns its id once completed. */
async function runSweep(during: (sweepId: string) => Promise<void> = async () => undefined): Promise<SweepDetail> {
  const before = new Set((await callServe<{ id: string }[]>(serve, 'listSweeps')).map((s) => s.id));
  await launcher.getByRole('button', { name: 'Start sweep' }).click();
  let sweepId = '';
  await expect.poll(async () => (sweepId = (await callServe<{ id: string }[]>(serve, 'listSweeps')).find((s) => !before.has(s.id))?.id ?? '')).not.toBe('');
  await during(sweepId);
  await expect.poll(async () => (await callServe<SweepDetail>(serve, 'getSweep', { id: sweepId })).status, { timeout: 120_000 }).toBe('completed');
  return callServe<SweepDetail>(serve, 'getSweep', { id: sweepId });
}

function expectWithinFactor(estimated: number, actual: number, what: string, factor = FACTOR): void {
  expect(estimated, `${what}: estimated ${estimated} s, took ${actual} s`).toBeGreaterThan(actual / factor);
  expect(estimated, `${what}: estimated ${estimated} s, took ${actual} s`).toBeLessThan(actual * factor);
}

describe('sweep time estimates', () => {
  it('estimates the first sweep on new data from a probe of its cells', async () => {
    const estimate = await estimateFor(100, 5);
    const done = await runSweep();
    expectWithinFactor(estimate, done.elapsedMs! / 1000, 'first sweep', PROBE_FACTOR);
  });

  it('estimates the next from the measured cells, and counts a running sweep down from its own cells', async () => {
    const estimate = await estimateFor(50, 10);
    let remaining: { seconds: number; at: number } | null = null;
    const done = await runSweep(async (sweepId) => {
      // Once a few cells have finished, the service estimates the rest from them, and the page shows it.
      for (let i = 0; i < 600 && remaining === null; i++) {
        const detail = await callServe<SweepDetail>(serve, 'getSweep', { id: sweepId });
        if (detail.status !== 'running') break;
        if (detail.cellsDone >= 3 && detail.cellsDone <= 7 && detail.remainingSeconds !== null) remaining = { seconds: detail.remainingSeconds, at: Date.now() };
        else await sleep(50);
      }
      await expect.poll(() => page.locator('[data-testid="sweep-remaining"]').textContent()).toMatch(/^≈ /);
    });
    const doneAt = Date.now();
    expectWithinFactor(estimate, done.elapsedMs! / 1000, 'second sweep');
    expect(remaining, 'a remaining time while cells were left').not.toBeNull();
    // The sweep's end is seen up to a poll (~0.5 s) late.
    expectWithinFactor(remaining!.seconds + 0.5, (doneAt - remaining!.at) / 1000, 'remaining time');
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
