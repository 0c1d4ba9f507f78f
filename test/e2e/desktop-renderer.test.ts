// The renderer's desktop code path in Debian's Chromium: the built renderer opened from file:// as the
// desktop window loads it, the built preload run before it (test/helpers/desktopPage.ts), and behind it
// the built main process on the Electron double (test/helpers/desktopMain.ts). So the UI talks to the
// services through `window.ridgeline` and IPC, never HTTP, and a user drives a run, a sweep, an import
// through the native open dialog (chooseImportFile) and an export through the native save dialog.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../shared/domain/datasets.ts';
import type { RunSummary } from '../../shared/domain/runs.ts';
import { collectPageErrors, openNewRunForm, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';
import { launchDesktopMain, unwrap, type DesktopMain } from '../helpers/desktopMain.ts';
import { openDesktopPage, type DesktopPage } from '../helpers/desktopPage.ts';
import { fixturePath } from '../helpers/fixtures.ts';
import type { DoubleNotice } from '../doubles/electron/protocol.ts';

let home: string;
let dbPath: string;
let main: DesktopMain;
let desktop: DesktopPage;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ridgeline-desktop-ui-'));
  dbPath = join(home, 'ridgeline', 'ridgeline.db');
  main = launchDesktopMain({ XDG_DATA_HOME: home, XDG_CONFIG_HOME: join(home, 'config'), RIDGELINE_DB: '' });
  await main.waitForNotice((n): n is Extract<DoubleNotice, { notice: 'windowLoaded' }> => n.notice === 'windowLoaded', 60_000, 'the window to load');
  desktop = await openDesktopPage(main);
  page = desktop.page;
  pageErrors = collectPageErrors(page);
  await page.locator('[data-testid="app-version"]').waitFor();
});

afterAll(async () => {
  await desktop?.close();
  main?.kill();
});

async function runs(): Promise<RunSummary[]> {
  return unwrap<RunSummary[]>(await main.call('listRuns', {}));
}

describe('the UI on the desktop path (preload bridge, IPC, Electron double)', () => {
  it('talks to the services through window.ridgeline, not HTTP', async () => {
    const bridge = await page.evaluate(() => Object.keys((window as unknown as { ridgeline?: object }).ridgeline ?? {}).length);
    expect(bridge).toBeGreaterThan(20);
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) requests.push(request.url());
    });
    await page.reload();
    await page.locator('[data-testid="app-version"]').waitFor();
    expect(requests).toEqual([]);
  });

  it('trains a run from the New run form and draws its curve', async () => {
    await openNewRunForm(page);
    await page.locator('[name="name"]').fill('desktop form run');
    await page.locator('[name="maxIter"]').fill('500');
    await page.getByRole('button', { name: 'Start run' }).click();
    const row = page.locator('[data-testid="run-row"]', { hasText: 'desktop form run' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('completed');
    await row.click();
    await expect.poll(() => page.locator('[data-testid="curves-plot"]').getAttribute('data-points'), { timeout: 30_000 }).toBe('501');
    const stored = (await runs()).find((r) => r.name === 'desktop form run');
    expect(stored?.iterations).toBe(500);
    expect(Number(await page.locator('[data-testid="final-objective"]').getAttribute('title'))).toBe(stored?.final.objective);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/desktop-run.png` });
  });

  it('exports the run’s CSV through the save dialog, byte for byte as the CLI writes it', async () => {
    const run = (await runs()).find((r) => r.name === 'desktop form run');
    const out = join(home, 'desktop-run.csv');
    await main.request({ op: 'queueDialog', kind: 'save', response: { canceled: false, filePath: out } });
    const details = page.locator('[data-testid="run-details"]');
    await details.locator('[data-testid="export-report"] button[data-format="csv"]').click();
    await expect.poll(() => details.locator('[data-testid="export-message"]').textContent()).toContain(`Saved ${out}`);
    const save = main.notices.find((n): n is Extract<DoubleNotice, { notice: 'dialog' }> => n.notice === 'dialog' && n.kind === 'save');
    expect((save?.options as { defaultPath: string }).defaultPath).toMatch(/^ridgeline-run-.*\.csv$/);
    const cliOut = join(home, 'cli.csv');
    const cli = runCli(['report', run!.id, '--format', 'csv', '--out', cliOut, '--db', dbPath]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(readFileSync(out).equals(readFileSync(cliOut))).toBe(true);
    // Cancelled in the dialog: said so, nothing written.
    await details.locator('[data-testid="export-report"] button[data-format="json"]').click();
    await expect.poll(() => details.locator('[data-testid="export-message"]').textContent()).toBe('Export cancelled.');
  });

  it('imports a CSV picked in the native open dialog', async () => {
    const csv = fixturePath('diabetes.csv');
    await main.request({ op: 'queueDialog', kind: 'open', response: { canceled: false, filePaths: [csv] } });
    await page.locator('[data-testid="import-open"]').click();
    const dialog = page.locator('[data-testid="import-dialog"]');
    await dialog.waitFor({ state: 'visible' });
    // The desktop has no file input: its button opens the native dialog.
    expect(await page.locator('[data-testid="import-file-input"]').count()).toBe(0);
    await page.locator('[data-testid="import-choose"]').click();
    await page.locator('[data-testid="import-preview"]').waitFor();
    expect(await page.locator('[data-testid="import-name"]').inputValue()).toBe('diabetes');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/desktop-import-preview.png` });
    await page.locator('[data-testid="import-start"]').click();
    const done = page.locator('[data-testid="import-done"]');
    await done.waitFor({ timeout: 30_000 });
    const datasetId = await done.getAttribute('data-dataset-id');
    const stored = unwrap<DatasetSummary[]>(await main.call('listDatasets', {})).find((d) => d.id === datasetId);
    expect(stored?.rows).toBe(442);
    expect(stored?.importDetails).toMatchObject({ fileName: 'diabetes.csv', rowsRead: 442 });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('runs a lasso sweep from the Sweeps tab to its CV plot', async () => {
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    const launcher = page.locator('[data-testid="sweep-launcher"]');
    await launcher.waitFor();
    await launcher.locator('[name="datasetId"]').selectOption('builtin:diabetes');
    await launcher.locator('[name="model"]').selectOption('linear');
    await launcher.locator('[name="lambdaMode"][value="grid"]').check();
    for (const [name, value] of Object.entries({ alphas: '1', nLambda: '12', folds: '4' })) await launcher.locator(`[name="${name}"]`).fill(value);
    await launcher.getByRole('button', { name: 'Start sweep' }).click();
    const detail = page.locator('[data-testid="sweep-detail"]');
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 60_000 }).toBe('completed');
    expect(await page.locator('[data-testid="cv-plot"]').getAttribute('data-points')).toBe('12');
    const sweepId = await detail.getAttribute('data-sweep-id');
    const sweep = unwrap<{ status: string; cellsDone: number; cellsTotal: number }>(await main.call('getSweep', { id: sweepId }));
    expect(sweep).toMatchObject({ status: 'completed', cellsDone: 5, cellsTotal: 5 });
    await page.screenshot({ path: `${SCREENSHOT_DIR}/desktop-sweep.png` });
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
