// getRunMetrics' incremental form over HTTP, and the renderer using it: while a run trains, a curve of a
// metric that progress events do not carry grows by fetches of only the steps it lacks (`fromStep`),
// each appended where it belongs; every step is fetched once, and the curve ends with every stored step.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_METRICS } from '../../shared/domain/metrics.ts';
import { decodeWire, encodeWire } from '../../shared/wire.ts';
import { collectPageErrors, launchChromium } from '../helpers/browser.ts';
import { startServe, type ServeProcess } from '../helpers/cli.ts';
import { sleep } from '../helpers/wait.ts';

interface Metrics {
  runId: string;
  firstStep: number;
  count: number;
  columns: Record<string, Float64Array>;
}

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  serve = await startServe(join(mkdtempSync(join(tmpdir(), 'ridgeline-incremental-')), 'i.db'));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

async function post(method: string, input: unknown): Promise<{ status: number; body: { ok: boolean; value?: any; error?: { code: string; message: string } } }> {
  const response = await fetch(`${serve.origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${serve.token}` }, body: encodeWire(input) });
  return { status: response.status, body: decodeWire(await response.text()) };
}

async function value<T>(method: string, input: unknown): Promise<T> {
  const { status, body } = await post(method, input);
  if (!body.ok) throw new Error(`${method}: ${status} ${body.error?.message}`);
  return body.value as T;
}

async function statusOf(runId: string): Promise<string> {
  return (await value<{ status: string }>('getRun', { id: runId })).status;
}

const seedRun = (maxIter: number, name: string) => ({ name, datasetId: 'builtin:seed', hyperparams: { model: 'linear', lambda: 1e-4, alpha: 0, solver: 'gd', learningRate: 0.01, maxIter, tol: 0 } });

describe('getRunMetrics from a step on, over HTTP', () => {
  it('returns the stored steps from fromStep, per run or for all, and refuses a bad fromStep with 400', async () => {
    const { runId } = await value<{ runId: string }>('startRun', seedRun(1000, 'short'));
    for (let i = 0; i < 600 && !['completed', 'failed'].includes(await statusOf(runId)); i++) await sleep(50);
    expect(await statusOf(runId)).toBe('completed');
    const [full] = await value<Metrics[]>('getRunMetrics', { ids: [runId], metrics: ['objective', 'gradNorm'] });
    expect(full.count).toBe(1001);

    const [tail] = await value<Metrics[]>('getRunMetrics', { ids: [runId], metrics: ['gradNorm'], fromStep: 400 });
    expect(tail).toMatchObject({ runId, firstStep: 400, count: 601 });
    expect(Object.keys(tail.columns)).toEqual(['gradNorm']);
    expect(Array.from(tail.columns.gradNorm)).toEqual(Array.from(full.columns.gradNorm.subarray(400)));

    const [a, b] = await value<Metrics[]>('getRunMetrics', { ids: [runId, runId], metrics: ['objective'], fromStep: [1000, 1001] });
    expect(a).toMatchObject({ firstStep: 1000, count: 1 });
    expect(a.columns.objective[0]).toBe(full.columns.objective[1000]);
    expect(b).toMatchObject({ firstStep: 1001, count: 0 });

    const negative = await post('getRunMetrics', { ids: [runId], fromStep: -3 });
    expect(negative.status).toBe(400);
    expect(negative.body.error).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/^getRunMetrics: fromStep: steps start at 0/) });
    const mismatched = await post('getRunMetrics', { ids: [runId], fromStep: [0, 5] });
    expect(mismatched.status).toBe(400);
    expect(mismatched.body.error?.message).toMatch(/one fromStep per run/);
  });
});

describe('the renderer’s curves', () => {
  it('grow a metric that progress events do not carry by fetching only the steps they lack', async () => {
    const metric = 'gradNorm';
    expect(LIVE_METRICS as readonly string[]).not.toContain(metric);
    type Fetch = { fromStep: number; firstStep: number; count: number };
    // Every getRunMetrics of that metric the page makes, with what it asked and got, in the order the
    // page gets them. The test passes each response through itself (route.fetch, then fulfill with the
    // same body): a response event's body can be gone by the time it is read (Chromium drops large
    // bodies from its buffer; CI lost a third of the steps that way), a routed one is in hand.
    const fetches: Fetch[] = [];
    const metricsUrl = (url: URL): boolean => url.pathname === '/api/getRunMetrics';
    await page.route(metricsUrl, async (route) => {
      // A request the page dropped (it closes at the end) ends here; nothing is recorded for it.
      const response = await route.fetch().catch(() => null);
      if (!response) return route.abort().catch(() => undefined);
      const body = await response.text();
      const asked = decodeWire<{ ids: string[]; metrics?: string[]; fromStep?: number | number[] }>(route.request().postData() ?? '{}');
      if (asked.metrics?.includes(metric) && response.ok()) {
        decodeWire<{ ok: boolean; value: Metrics[] }>(body).value.forEach((result, k) => {
          fetches.push({ fromStep: Array.isArray(asked.fromStep) ? asked.fromStep[k] : (asked.fromStep ?? 0), firstStep: result.firstStep, count: result.count });
        });
      }
      await route.fulfill({ response, body }).catch(() => undefined);
    });

    await page.goto(serve.url);
    // Long enough to be cancelled while it trains: the test ends it once it has seen the curve grow.
    const { runId } = await value<{ runId: string }>('startRun', seedRun(10_000_000, 'followed live'));
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await row.click();
    await page.locator('select[name="metric"]').selectOption(metric);
    await expect.poll(() => fetches.filter((f) => f.count > 0).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
    expect(await statusOf(runId)).toBe('running');
    await value('cancelRun', { id: runId });
    await expect.poll(() => statusOf(runId), { timeout: 30_000 }).toBe('cancelled');

    const [stored] = await value<Metrics[]>('getRunMetrics', { ids: [runId], metrics: [metric] });
    const plot = page.locator('[data-testid="curves-plot"]');
    // A slow machine trains far more steps before the cancel (800,000 in one CI run): the catching-up
    // fetches then take longer than on a quiet one.
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 120_000 }).toBe(stored.count);
    // Each fetch asked for the steps after those the curve held, and its steps went there: the counts
    // tile the history exactly once (a refetch of held steps would add up to more).
    let held = 0;
    for (const f of fetches) {
      expect(f.fromStep).toBe(held);
      if (f.count > 0) expect(f.firstStep).toBe(f.fromStep);
      held += f.count;
    }
    expect(held).toBe(stored.count);
    expect(pageErrors).toEqual([]);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  }, 180_000);
});
