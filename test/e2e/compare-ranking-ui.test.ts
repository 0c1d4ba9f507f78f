// What Compare ranks (issue 15, item 6), in a real browser (serve mode, Debian's Chromium): runs on the
// diabetes data with different λ and solvers, all holding out the same validation rows, one also a test
// set. Only the held-out losses are ranked (the validation loss here, even with one run's other test
// share), never the training objective, data loss or J − J*; fields a solver does not read show n/a;
// another validation share un-ranks the validation loss, and says why. Expected values come from the
// runs' own records over the same HTTP API.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail, RunMetrics } from '../../shared/domain/runs.ts';
import { SCREENSHOT_DIR } from '../helpers/browser.ts';
import type { ServeProcess } from '../helpers/cli.ts';
import { callServeWire } from '../helpers/serveApi.ts';
import { serveTrainedRuns, type RunSpec } from '../helpers/servedRuns.ts';

const RUNS: RunSpec[] = [
  { name: 'cd λ=0.01', hyperparams: { model: 'linear', lambda: 0.01, alpha: 1, solver: 'cd', validationFraction: 0.2 } },
  { name: 'cd λ=1', hyperparams: { model: 'linear', lambda: 1, alpha: 1, solver: 'cd', validationFraction: 0.2 } },
  { name: 'closed λ=0.1 +test', hyperparams: { model: 'linear', lambda: 0.1, alpha: 0, solver: 'closed', validationFraction: 0.2, testFraction: 0.1 } },
  { name: 'adam λ=0.1', hyperparams: { model: 'linear', lambda: 0.1, alpha: 0, solver: 'adam', learningRate: 0.01, maxIter: 20, validationFraction: 0.2 } },
  { name: 'cd λ=1 v0.3', hyperparams: { model: 'linear', lambda: 1, alpha: 1, solver: 'cd', validationFraction: 0.3 } },
];

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];
const records = new Map<string, RunDetail>();
/** Each run's last finite validation loss, from its per-step metrics. */
const validationLoss = new Map<string, number>();

const view = () => page.locator('[data-testid="compare-view"]');
const record = (name: string): RunDetail => records.get(name)!;
const runRow = (name: string) => page.locator(`[data-testid="run-row"][data-run-id="${record(name).id}"]`);
const metricRow = (key: string) => view().locator(`[data-testid="metric-row"][data-key="${key}"]`);
const hyperRow = (key: string) => view().locator(`[data-testid="compare-row"][data-key="${key}"]`);

/** The compared runs' names in column order. */
async function heads(): Promise<string[]> {
  return (await view().locator('[data-testid="compare-metrics"] thead th.run-head').allTextContents()).map((s) => s.trim());
}

/** A row's cells by run name. */
async function cellsByName(row: ReturnType<typeof metricRow>): Promise<Map<string, { text: string; best: boolean }>> {
  const names = await heads();
  const cells = await row.locator('td').evaluateAll((els) => els.map((el) => ({ text: (el.firstChild?.textContent ?? '').trim(), best: el.getAttribute('data-best') === 'true' })));
  return new Map(names.map((name, k) => [name, cells[k]]));
}

async function compare(names: string[]): Promise<void> {
  if ((await view().count()) > 0) {
    await page.keyboard.press('Escape');
    await expect.poll(() => view().count()).toBe(0);
  }
  await runRow(names[0]).click();
  for (const name of names.slice(1)) await runRow(name).click({ modifiers: ['Control'] });
  await page.locator('[data-testid="compare-open"]').click();
  await expect.poll(() => view().getAttribute('data-runs')).toBe(String(names.length));
  await expect.poll(() => view().getAttribute('aria-busy')).toBe('false');
}

beforeAll(async () => {
  let trained: RunDetail[];
  ({ serve, browser, page, pageErrors, records: trained } = await serveTrainedRuns('ridgeline-compare-rank-', RUNS, { width: 1600, height: 1100 }));
  RUNS.forEach((spec, k) => records.set(spec.name, trained[k]));
  const metrics = await callServeWire<RunMetrics[]>(serve, 'getRunMetrics', { ids: [...records.values()].map((r) => r.id), metrics: ['validationLoss'] });
  for (const m of metrics) {
    const column = m.columns.validationLoss;
    let last = Number.NaN;
    for (let i = (column?.length ?? 0) - 1; i >= 0; i--) {
      if (Number.isFinite(column![i])) {
        last = column![i];
        break;
      }
    }
    validationLoss.set(m.runId, last);
  }
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('what Compare ranks', () => {
  const sameRows = RUNS.slice(0, 4).map((r) => r.name);

  it('every run finished with a validation loss, and they differ (otherwise the ranking below proves little)', () => {
    for (const name of sameRows) {
      expect(record(name).status, name).not.toMatch(/failed|cancelled/);
      expect(Number.isFinite(validationLoss.get(record(name).id)), name).toBe(true);
    }
    expect(new Set(sameRows.map((name) => validationLoss.get(record(name).id))).size).toBe(sameRows.length);
    expect(record('closed λ=0.1 +test').final.testLoss).toBeGreaterThan(0);
  });

  it('ranks the validation loss of runs holding out the same rows, though one also holds out a test set', async () => {
    await compare(sameRows);
    const lowest = Math.min(...sameRows.map((name) => validationLoss.get(record(name).id)!));
    const cells = await cellsByName(metricRow('validationLoss'));
    for (const name of sameRows) expect(cells.get(name)?.best, name).toBe(validationLoss.get(record(name).id) === lowest);
    expect(await metricRow('validationLoss').locator('th').getAttribute('data-note')).toBeNull();
    // The test loss: one run has it, the others show n/a, and nothing is ranked.
    const test = await cellsByName(metricRow('testLoss'));
    expect([...test.values()].filter((c) => c.text === 'n/a').length).toBe(3);
    expect([...test.values()].some((c) => c.best)).toBe(false);
    await view().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/compare-ranking.png`, fullPage: true });
  });

  it('never marks the objective, the data loss or J − J* (the least penalized run and an exact solver win them by construction)', async () => {
    for (const key of ['objective', 'dataLoss', 'suboptimality']) {
      expect([...(await cellsByName(metricRow(key))).values()].some((c) => c.best), key).toBe(false);
    }
    // J − J* is 0 for the closed form: exactly the value that used to be marked best.
    expect(record('closed λ=0.1 +test').final.suboptimality).toBe(0);
    expect(await view().locator('[data-testid="compare-ranking-note"]').textContent()).toContain('Only held-out losses are ranked');
  });

  it('shows n/a for the learning rate and batch size of cd and the closed form, and the values adam read', async () => {
    const byName = async (key: string): Promise<Record<string, string>> => {
      const names = await heads();
      const cells = await hyperRow(key).locator('td').allTextContents();
      return Object.fromEntries(names.map((name, k) => [name, cells[k]]));
    };
    expect(await byName('learningRate')).toEqual({ 'cd λ=0.01': 'n/a', 'cd λ=1': 'n/a', 'closed λ=0.1 +test': 'n/a', 'adam λ=0.1': '0.01' });
    expect(await byName('batchSize')).toEqual({ 'cd λ=0.01': 'n/a', 'cd λ=1': 'n/a', 'closed λ=0.1 +test': 'n/a', 'adam λ=0.1': String(record('adam λ=0.1').hyperparams.batchSize) });
    expect((await byName('maxIter'))['closed λ=0.1 +test']).toBe('n/a');
  });

  it('does not rank validation losses over different rows, and says why', async () => {
    await compare(['cd λ=0.01', 'cd λ=1', 'cd λ=1 v0.3']);
    const th = metricRow('validationLoss').locator('th');
    expect(await th.getAttribute('data-note')).toMatch(/hold out different validation rows/);
    expect(await th.textContent()).toContain('not ranked');
    expect([...(await cellsByName(metricRow('validationLoss'))).values()].some((c) => c.best)).toBe(false);
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
