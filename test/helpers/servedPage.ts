/**
 * One serve-mode process on a fresh database (ui.db in a temp folder of its own, `dir`, where a test may
 * write its files too) and one Chromium page on it, opened on a tab (or, without one, on the workbench
 * once it has loaded): the setup the UI tests of one view share. `close` stops both (call it from afterAll).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, launchChromium } from './browser.ts';
import { startServe, type ServeProcess } from './cli.ts';

export interface ServedPage {
  dir: string;
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  /** The page's console errors and uncaught exceptions, as they come. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openServedPage(tmpPrefix: string, viewport: { width: number; height: number }, tab?: string): Promise<ServedPage> {
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  const serve = await startServe(join(dir, 'ui.db'));
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport });
    const pageErrors = collectPageErrors(page);
    await page.goto(serve.url);
    if (tab) await page.getByRole('tab', { name: tab }).click();
    else await page.locator('[data-testid="app-version"]').waitFor();
    const opened = browser;
    return {
      dir,
      serve,
      browser: opened,
      page,
      pageErrors,
      close: async () => {
        await opened.close();
        await serve.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await serve.stop();
    throw error;
  }
}
