// The reproduce command of a report actually reproduces (issue "What a new user stumbles on", item 4):
// runs are trained from the New run form in the app (serve mode, Debian's Chromium), one on a built-in
// data set and one on a data set stored in the database; each run's HTML report is downloaded with its
// Export button, its command is run through the CLI exactly as a shell would split it, and the CLI's
// parameters must equal the app's stored ones bit for bit (Object.is on every double).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/domain/datasets.ts';
import type { RunDetail } from '../../shared/domain/runs.ts';
import { collectPageErrors, launchChromium, openNewRunForm } from '../helpers/browser.ts';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';
import { callServe } from '../helpers/serveApi.ts';
import { htmlText, shellWords } from '../helpers/shellWords.ts';

let dir: string;
let dbPath: string;
let storedDatasetId: string;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-reproduce-'));
  dbPath = join(dir, 'app.db');
  // A data set stored in the database (not built in): the CLI's import of the diabetes file without its fold column.
  const stored = runCli(['fit', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--db', dbPath, '--json']);
  expect(stored.status, stored.stderr).toBe(0);
  serve = await startServe(dbPath);
  storedDatasetId = (await callServe<DatasetSummary[]>(serve, 'listDatasets')).find((d) => !d.builtin)!.id;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  pageErrors = collectPageErrors(page);
  await page.goto(serve.url);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** Fills the New run form and starts the run; returns its id once it has completed. */
async function trainInApp(datasetId: string, fields: Record<string, string>, standardize: boolean): Promise<string> {
  await openNewRunForm(page);
  const form = page.locator('[data-testid="new-run-form"]');
  await form.locator('[name="datasetId"]').selectOption(datasetId);
  await form.locator('[name="model"]').selectOption('linear');
  await form.locator('[name="solver"]').selectOption(fields.solver);
  for (const [name, value] of Object.entries(fields)) if (name !== 'solver') await form.locator(`[name="${name}"]`).fill(value);
  await form.locator('[name="standardize"]').setChecked(standardize);
  const before = new Set((await callServe<{ id: string }[]>(serve, 'listRuns')).map((r) => r.id));
  await form.getByRole('button', { name: 'Start run' }).click();
  let runId = '';
  await expect
    .poll(async () => {
      const fresh = (await callServe<{ id: string; status: string }[]>(serve, 'listRuns')).find((r) => !before.has(r.id));
      runId = fresh?.id ?? '';
      return fresh?.status;
    }, { timeout: 60_000 })
    .toBe('completed');
  return runId;
}

/** The run's HTML report as the Export button downloads it, and the command it prints for the run. */
async function reportCommand(runId: string): Promise<string[]> {
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).click();
  const details = page.locator(`[data-testid="run-details"][data-run-id="${runId}"]`);
  await details.waitFor();
  const [file] = await Promise.all([page.waitForEvent('download'), details.locator('[data-testid="export-report"] button[data-format="html"]').click()]);
  const path = join(dir, `${runId}.html`);
  await file.saveAs(path);
  const html = readFileSync(path, 'utf8');
  const match = new RegExp(`<pre class="cmd" data-run-id="${runId}">([^<]*)</pre>`).exec(html);
  if (!match) throw new Error(`the report of ${runId} prints no command for it`);
  return shellWords(htmlText(match[1]));
}

/** Runs a report's `npx ridgeline …` command through this repository's CLI, with --json added. */
function runReportCommand(words: string[]): { intercept: number; coef: Record<string, number> } {
  expect(words.slice(0, 2)).toEqual(['npx', 'ridgeline']);
  const result = runCli([...words.slice(2), '--json']);
  expect(result.status, `${words.join(' ')}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as { intercept: number; coef: Record<string, number> };
}

function expectSameParameters(app: RunDetail, cli: { intercept: number; coef: Record<string, number> }): void {
  const fromCli = [{ name: '(intercept)', value: cli.intercept }, ...Object.entries(cli.coef).map(([name, value]) => ({ name, value }))];
  expect(fromCli.map((p) => p.name)).toEqual(app.parameters.map((p) => p.name));
  for (const [k, parameter] of app.parameters.entries()) {
    // Object.is: bit for bit (−0 differs from 0), not merely close.
    expect(Object.is(fromCli[k].value, parameter.value), `${parameter.name}: app ${parameter.value}, CLI ${fromCli[k].value}`).toBe(true);
  }
}

describe("a report's reproduce command", () => {
  it('reproduces a run on a built-in data set bit for bit', async () => {
    const runId = await trainInApp('builtin:diabetes', { solver: 'fista', lambda: '0.3', alpha: '0.5', maxIter: '300', tol: '0' }, true);
    const words = await reportCommand(runId);
    const app = await callServe<RunDetail>(serve, 'getRun', { id: runId });
    expect(app.parameters.length).toBe(11);
    expectSameParameters(app, runReportCommand(words));
  });

  it('reproduces a run on a data set stored in the database bit for bit', async () => {
    const runId = await trainInApp(storedDatasetId, { solver: 'cd', lambda: '0.05', alpha: '1', maxIter: '', tol: '' }, true);
    const words = await reportCommand(runId);
    const app = await callServe<RunDetail>(serve, 'getRun', { id: runId });
    expect(app.parameters.some((p) => p.name === 'fold')).toBe(false);
    expectSameParameters(app, runReportCommand(words));
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
