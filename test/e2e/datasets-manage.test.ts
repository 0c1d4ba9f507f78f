// Data sets can be renamed and deleted, with undo (issue 15, item 16). A delete takes a data set out of
// the lists only: runs trained on it keep their data, and it can be restored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium } from '../helpers/browser.ts';
import { runCliAsync, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

describe('managing data sets', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let datasetId: string;

  beforeAll(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-datasets-')), 'runs.db');
    const fit = await runCliAsync(['fit', '--data', fixturePath('seed_linear.csv'), '--target', 'y', '--lambda', '0.1', '--name', 'on my data', '--db', dbPath, '--json']);
    expect(fit.status, fit.stderr).toBe(0);
    serve = await startServe(dbPath);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
    errors = collectPageErrors(page);
    await page.goto(serve.url);
    await openPanel();
    const imported = page.locator('[data-testid="dataset-row"]', { hasNot: page.locator('.badge') });
    await imported.first().waitFor();
    expect(await imported.count()).toBe(1);
    datasetId = (await imported.first().getAttribute('data-dataset-id'))!;
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  /** The Data sets panel starts collapsed. */
  async function openPanel(): Promise<void> {
    const toggle = page.locator('section', { has: page.locator('#datasets-title') }).locator('button[aria-controls="datasets-body"]');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await page.locator('[data-testid="dataset-row"]').first().waitFor();
  }
  const row = () => page.locator(`[data-testid="dataset-row"][data-dataset-id="${datasetId}"]`);
  const formOptions = () => page.locator('select[name="datasetId"] option').allTextContents();

  it('renames an imported data set, and the name stays after a reload', async () => {
    await row().click();
    await page.locator('[data-testid="dataset-rename"]').click();
    await page.locator('input[name="datasetName"]').fill('My measurements');
    await page.keyboard.press('Enter');
    await expect.poll(() => row().locator('.name').textContent()).toBe('My measurements');
    await page.reload();
    await openPanel();
    await expect.poll(() => row().locator('.name').textContent()).toBe('My measurements');
    // The run trained on it shows the new name too.
    await expect.poll(() => page.locator('[data-testid="run-row"] .muted', { hasText: 'My measurements' }).count()).toBe(1);
  });

  it('offers no rename or delete for a built-in data set', async () => {
    await page.locator('[data-testid="dataset-row"]', { has: page.locator('.badge') }).first().click();
    expect(await page.locator('[data-testid="dataset-rename"]').count()).toBe(0);
    expect(await page.locator('[data-testid="dataset-delete"]').count()).toBe(0);
  });

  it('deletes with undo; once deleted it leaves the lists, and its run keeps it', async () => {
    await row().click();
    await page.locator('[data-testid="dataset-delete"]').click();
    await expect.poll(() => row().count()).toBe(0);
    expect(await page.locator('[data-testid="dataset-deleted"]').textContent()).toMatch(/its 1 run keep it/);
    await expect.poll(formOptions).not.toContain(expect.stringContaining('My measurements'));
    await page.locator('[data-testid="dataset-undo"]').click();
    await expect.poll(() => row().count()).toBe(1);
    await expect.poll(formOptions).toContainEqual(expect.stringContaining('My measurements'));
    // Restored and selected again. Deleted for good this time: gone after a reload, while its run still
    // opens with its data set's name.
    expect(await row().getAttribute('aria-pressed')).toBe('true');
    await page.locator('[data-testid="dataset-delete"]').click();
    await expect.poll(() => row().count()).toBe(0);
    await page.reload();
    await openPanel();
    expect(await row().count()).toBe(0);
    await page.locator('[data-testid="run-row"]', { hasText: 'on my data' }).click();
    await expect.poll(() => page.locator('[data-testid="run-row"] .muted', { hasText: 'My measurements' }).count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
