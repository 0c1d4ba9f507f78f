// The app's "Run on: a queue" (issue 13), in serve mode with Debian's Chromium: a private redis-server on
// a free loopback port, two `ridgeline worker`s as process groups (short locks, as queue-sweeps.test.ts),
// and `ridgeline serve` as the coordinator, the only writer of its database. A sweep launched from the
// form on the queue equals the CLI's local sweep of the same spec bit for bit (cvm, cvsd, λ_min, λ_1se);
// the sweep view lists the two workers with their cells, summing to every cell; a wrong password, a
// missing one or an unreachable server is said in the form with nothing started; and the choice survives
// a reload without its password, which is stored nowhere. Nothing asserts a duration.
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/domain/datasets.ts';
import type { SweepDetail, SweepSummary } from '../../shared/domain/sweeps.ts';
import type { SweepWorkers } from '../../shared/domain/sweepWorkers.ts';
import { collectPageErrors, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { runCliAsync, startServe, type ServeProcess } from '../helpers/cli.ts';
import { closedLoopbackPort } from '../helpers/ports.ts';
import { startQueueWorker, type CliProcess, type CvJson } from '../helpers/queueWorkers.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { callServe } from '../helpers/serveApi.ts';
import { writeCorrelatedCsv } from '../helpers/syntheticCsv.ts';

const CELLS = 11; // 10 folds and the path on all the data
const WRONG_PASSWORD = 'not-the-password';

let redis: RedisServer;
let serve: ServeProcess;
let workers: CliProcess[] = [];
let browser: Browser;
let page: Page;
let pageErrors: string[];
let launcher: Locator;
let reference: { cvm: number[]; cvsd: number[]; lambdas: number[]; lambdaMin: number; lambda1se: number; sweepId: string };
let datasetId: string;

// Logistic cells on 12,000 × 30 rows take a few tenths of a second each: both workers get cells.
const cvArgs = (csv: string, db: string) => ['cv', '--data', csv, '--target', 'y', '--model', 'logistic', '--alpha', '1', '--folds', '10', '--n-lambda', '20', '--seed', '7', '--standardize', 'true', '--db', db, '--json'];

const queueUrl = () => `redis://127.0.0.1:${redis.port}/0`;
const listSweeps = () => callServe<SweepSummary[]>(serve, 'listSweeps');

beforeAll(async () => {
  redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-queue-ui-'));
  const csv = join(dir, 'data.csv');
  writeCorrelatedCsv(csv, 12_000, 30, 11, 0.5, true);
  const db = join(dir, 'app.db');
  // The reference: the same sweep on this machine, by the CLI, into the database the app then serves.
  const local = await runCliAsync([...cvArgs(csv, db), '--pool-size', '1']);
  expect(local.status, local.stderr).toBe(0);
  reference = JSON.parse(local.stdout) as CvJson;
  // Workers are listed as they start, so that afterAll stops them even if one of these fails to start.
  const started = Promise.all([startServe(db), startQueueWorker(redis.url, { started: workers }), startQueueWorker(redis.url, { started: workers })]);
  serve = (await started)[0];
  datasetId = (await callServe<DatasetSummary[]>(serve, 'listDatasets')).find((d) => !d.id.startsWith('builtin:'))!.id;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  pageErrors = collectPageErrors(page);
  await page.goto(serve.url);
  await page.getByRole('tab', { name: 'Sweeps' }).click();
  launcher = page.locator('[data-testid="sweep-launcher"]');
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  for (const worker of workers) await worker.kill();
  await redis?.stop();
});

/** The form as the CLI's sweep: logistic, α = 1, 20 λ, 10 folds, seed 7 (deviance, random folds, standardized). */
async function fillSweep(name: string): Promise<void> {
  await launcher.locator('[name="datasetId"]').selectOption(datasetId);
  await launcher.locator('[name="model"]').selectOption('logistic');
  for (const [field, value] of Object.entries({ alphas: '1', nLambda: '20', folds: '10', repeats: '1', seed: '7', sweepName: name })) {
    await launcher.locator(`[name="${field}"]`).fill(value);
  }
}

/** "Run on: a queue of workers" with this URL (left, as a person would) and, unless null, this password. */
async function chooseQueue(url: string, password: string | null): Promise<void> {
  await launcher.getByLabel('A queue of workers').check();
  await launcher.locator('[name="queueUrl"]').fill(url);
  await launcher.locator('[name="queueUrl"]').blur();
  if (password !== null) await launcher.locator('[name="queuePassword"]').fill(password);
}

const formError = () => launcher.locator('[data-testid="sweep-form-error"]');

describe('sweeps on a queue from the app', () => {
  it('refuses a wrong password, a missing one and an unreachable server in the form, starting nothing', async () => {
    const before = (await listSweeps()).length;
    await fillSweep('on the queue, from the app');
    const cases: [url: string, password: string, message: RegExp][] = [
      [queueUrl(), WRONG_PASSWORD, /^the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 refused the password \(WRONGPASS\): check the password in the queue URL$/],
      [queueUrl(), '', /^the queue at redis:\/\/127\.0\.0\.1:\d+\/0 needs a password: give it in the URL as redis:\/\/:PASSWORD@127\.0\.0\.1:\d+$/],
      [`redis://127.0.0.1:${await closedLoopbackPort()}/0`, 'pw', /^cannot reach the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: connection refused$/],
    ];
    for (const [url, password, message] of cases) {
      await chooseQueue(url, password);
      await launcher.getByRole('button', { name: 'Start sweep' }).click();
      await expect.poll(() => formError().textContent(), { timeout: 20_000 }).toMatch(message);
      expect(await formError().textContent()).not.toContain(WRONG_PASSWORD);
    }
    // A server others could reach needs a password: said under the field, and Start asks nothing of the services.
    await chooseQueue('redis://10.0.0.5:6379', '');
    await expect.poll(() => launcher.locator('[data-testid="queue-problem"]').textContent()).toMatch(/needs a password .*only a loopback server may go without one/);
    await launcher.getByRole('button', { name: 'Start sweep' }).click();
    await expect.poll(() => formError().textContent()).toMatch(/needs a password/);
    // A URL with its password in it: the password moves to its own field, out of sight.
    await launcher.locator('[name="queuePassword"]').fill('');
    await chooseQueue(`redis://:${WRONG_PASSWORD}@127.0.0.1:${redis.port}/0`, null);
    expect(await launcher.locator('[name="queueUrl"]').inputValue()).toBe(queueUrl());
    expect(await launcher.locator('[name="queuePassword"]').inputValue()).toBe(WRONG_PASSWORD);
    expect(await launcher.locator('[name="queuePassword"]').getAttribute('type')).toBe('password');
    await launcher.getByRole('button', { name: 'Start sweep' }).click();
    await expect.poll(() => formError().textContent(), { timeout: 20_000 }).toMatch(/refused the password \(WRONGPASS\)/);
    expect(await listSweeps()).toHaveLength(before);
    expect(serve.stderr()).not.toContain(WRONG_PASSWORD);
    // The browser logs each refused startSweep (4: the last case never reached the services). Serve mode
    // answers QUEUE_UNREACHABLE with a 5xx status: the queue, not the request, is at fault.
    const refused = pageErrors.splice(0);
    expect(refused).toHaveLength(4);
    for (const line of refused) expect(line).toMatch(/^console: Failed to load resource: the server responded with a status of 50[03] /);
  });

  it('runs a sweep on the workers: the same numbers as on this machine, and both workers listed with every cell', async () => {
    const before = new Set((await listSweeps()).map((s) => s.id));
    await chooseQueue(queueUrl(), redis.password);
    await launcher.getByRole('button', { name: 'Start sweep' }).click();
    await expect.poll(async () => (await listSweeps()).length, { timeout: 20_000 }).toBe(before.size + 1);
    const sweepId = (await listSweeps()).find((s) => !before.has(s.id))!.id;
    const detail = page.locator(`[data-testid="sweep-detail"][data-sweep-id="${sweepId}"]`);
    // The view reads this sweep's workers from the queue (this process coordinates it).
    await expect.poll(() => detail.locator('[data-testid="sweep-workers"]').getAttribute('data-live'), { timeout: 30_000 }).toBe('true');
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 90_000 }).toBe('completed');

    // The numbers of the CLI's local sweep of the same spec, bit for bit.
    const done = await callServe<SweepDetail>(serve, 'getSweep', { id: sweepId });
    const local = await callServe<SweepDetail>(serve, 'getSweep', { id: reference.sweepId });
    // The same spec (the form names its measure, the CLI leaves it to the default: the same one).
    const { name: _a, poolSize: _b, measure: _c, ...queuedSpec } = done.spec;
    const { name: _d, poolSize: _e, measure: _f, ...localSpec } = local.spec;
    expect(queuedSpec).toEqual(localSpec);
    expect(done.measure).toBe(local.measure);
    const result = done.results[0]!;
    expect(result.lambdas).toEqual(reference.lambdas);
    expect(result.cvm).toEqual(reference.cvm);
    expect(result.cvsd).toEqual(reference.cvsd);
    expect(result.lambdaMin).toBe(reference.lambdaMin);
    expect(result.lambda1se).toBe(reference.lambda1se);

    // Both workers took cells; between them, every cell, each recorded once.
    const names = workers.map((w) => w.name).sort();
    const listed = await callServe<SweepWorkers>(serve, 'getSweepWorkers', { id: sweepId });
    expect(listed.workers.map((w) => w.name).sort()).toEqual(names);
    expect(listed.workers.every((w) => w.cellsDone >= 1)).toBe(true);
    expect(listed.workers.reduce((sum, w) => sum + w.cellsDone, 0)).toBe(CELLS);
    expect(listed.localCells).toBe(0);
    expect(listed.queue).toBe(`redis://:***@127.0.0.1:${redis.port}/0`);
    // Each committed cell says which worker trained it: the per-worker counts add up to what each logged.
    for (const worker of workers) {
      const logged = [...worker.stderr().matchAll(new RegExp(`^sweep ${sweepId} cell \\d+ done in`, 'gm'))].length;
      expect(listed.workers.find((w) => w.name === worker.name)!.cellsDone).toBe(logged);
    }

    // The sweep view shows the same: host, cells done, a heartbeat (the list is read again after the end).
    const rows = detail.locator('[data-testid="sweep-worker"]');
    await expect.poll(() => rows.count()).toBe(2);
    expect((await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-worker')))).sort()).toEqual(names);
    expect(await rows.locator('[data-testid="worker-host"]').allTextContents()).toEqual([hostname(), hostname()]);
    // (The status shows "completed" from its event at once; the list follows with the next read.)
    const shownCells = async () => (await rows.locator('[data-testid="worker-cells"]').allTextContents()).map(Number);
    await expect.poll(async () => (await shownCells()).reduce((a, b) => a + b, 0)).toBe(CELLS);
    expect((await shownCells()).every((n) => n >= 1)).toBe(true);
    expect(await detail.locator('[data-testid="sweep-workers-cells"]').textContent()).toBe(String(CELLS));
    for (const text of await rows.locator('[data-testid="worker-heartbeat"]').allTextContents()) expect(text).toMatch(/^(just now|\d+ s ago)$/);
    expect(await detail.locator('[data-testid="sweep-workers-queue"]').textContent()).toContain(`redis://:***@127.0.0.1:${redis.port}/0`);
    await detail.locator('[data-testid="sweep-workers"]').screenshot({ path: `${SCREENSHOT_DIR}/sweep-workers.png` });

    // A sweep of this machine lists no workers.
    await page.locator(`[data-testid="sweep-row"][data-sweep-id="${reference.sweepId}"]`).click();
    await page.locator(`[data-testid="sweep-detail"][data-sweep-id="${reference.sweepId}"]`).waitFor();
    expect(await page.locator('[data-testid="sweep-workers"]').count()).toBe(0);
    // The heartbeats come from the queue: a worker stopped (SIGTERM) says so with its last one.
    const stopped = workers[0];
    process.kill(stopped.pid, 'SIGTERM');
    expect(await stopped.exited).toBe(0);
    await page.locator(`[data-testid="sweep-row"][data-sweep-id="${sweepId}"]`).click();
    const row = detail.locator(`[data-testid="sweep-worker"][data-worker="${stopped.name}"]`);
    await expect.poll(() => row.getAttribute('data-state')).toBe('stopped');
    expect(await row.locator('[data-testid="worker-heartbeat"]').textContent()).toMatch(/^stopped, (just now|\d+ s ago)$/);
    expect(await detail.locator(`[data-testid="sweep-worker"][data-worker="${workers[1].name}"]`).getAttribute('data-state')).toBe('idle');

    // The password is nowhere it could leak from: not in the page, the server's log or the browser's storage.
    expect(await page.content()).not.toContain(redis.password);
    expect(serve.stderr()).not.toContain(redis.password);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(redis.password);
  });

  it('resumes a sweep of this machine on the queue, as Run on says', async () => {
    const spec = { ...(await callServe<SweepDetail>(serve, 'getSweep', { id: reference.sweepId })).spec, name: 'stopped here, resumed on the queue', poolSize: 1 };
    const { sweepId } = await callServe<{ sweepId: string }>(serve, 'startSweep', spec);
    await callServe(serve, 'cancelSweep', { id: sweepId });
    await page.locator(`[data-testid="sweep-row"][data-sweep-id="${sweepId}"]`).click();
    const detail = page.locator(`[data-testid="sweep-detail"][data-sweep-id="${sweepId}"]`);
    await expect.poll(() => detail.getAttribute('data-status')).toBe('cancelled');
    const before = await callServe<SweepWorkers>(serve, 'getSweepWorkers', { id: sweepId });
    expect(before).toMatchObject({ queue: null, workers: [] });
    expect(await detail.locator('[data-testid="sweep-resume-where"]').textContent()).toBe(`on the queue redis://:***@127.0.0.1:${redis.port}/0`);
    await detail.locator('[data-testid="sweep-resume"]').click();
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 90_000 }).toBe('completed');
    const after = await callServe<SweepWorkers>(serve, 'getSweepWorkers', { id: sweepId });
    expect(after.queue).toBe(`redis://:***@127.0.0.1:${redis.port}/0`);
    // What the cancel left was trained by the one worker still running; the rest here, before it.
    expect(after.workers.map((w) => w.name)).toEqual([workers[1].name]);
    expect(after.workers[0].cellsDone).toBe(CELLS - before.localCells);
    expect(after.localCells).toBe(before.localCells);
    expect((await callServe<SweepDetail>(serve, 'getSweep', { id: sweepId })).results[0]!.cvm).toEqual(reference.cvm);
  });

  it('remembers "Run on" and the URL across a reload, and asks for the password again', async () => {
    await page.reload();
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await launcher.waitFor();
    expect(await launcher.getByLabel('A queue of workers').isChecked()).toBe(true);
    expect(await launcher.locator('[name="queueUrl"]').inputValue()).toBe(queueUrl());
    expect(await launcher.locator('[name="queuePassword"]').inputValue()).toBe('');
    await launcher.locator('[data-testid="queue-password-note"]').waitFor();
    const stored = await page.evaluate(() => localStorage.getItem('ridgeline.sweepRunOn'));
    expect(JSON.parse(stored!)).toEqual({ kind: 'queue', url: queueUrl() });
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(redis.password);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(WRONG_PASSWORD);
    // Back to this machine: remembered too.
    await launcher.screenshot({ path: `${SCREENSHOT_DIR}/sweep-run-on-queue.png` });
    await launcher.getByLabel('This machine').check();
    await page.reload();
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await launcher.waitFor();
    expect(await launcher.getByLabel('This machine').isChecked()).toBe(true);
    expect(await launcher.locator('[name="queueUrl"]').count()).toBe(0);
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
