/**
 * One serve-mode process on a fresh database and one Chromium page on it, opened on a tab: the setup the
 * UI tests of one view share. `close` stops both (call it from afterAll).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, launchChromium } from './browser.ts';
import { startServe, type ServeProcess } from './cli.ts';

export interface ServedPage {
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  /** The page's console errors and uncaught exceptions, as they come. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openServedPage(tmpPrefix: string, viewport: { width: number; height: number }, tab: string): Promise<ServedPage> {
  const serve = await startServe(join(mkdtempSync(join(tmpdir(), tmpPrefix)), 'ui.db'));
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport });
    const pageErrors = collectPageErrors(page);
    await page.goto(serve.url);
    await page.getByRole('tab', { name: tab }).click();
    const opened = browser;
    return {
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
