import { existsSync } from 'node:fs';
import { RidgelineError } from '../../../shared/errors.ts';

import type { PdfRenderer } from './build.ts';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH && env.CHROMIUM_PATH.length > 0 ? env.CHROMIUM_PATH : '/usr/bin/chromium';
}

/**
 * The CLI's and serve mode's PDF: the page printed by Chromium headless (playwright-core), A4 with
 * backgrounds, as the print stylesheet lays it out. Only those shells import this file: the desktop
 * prints with Electron's own Chromium, and its bundle must not pull in playwright-core.
 */
export const chromiumPdf: PdfRenderer = async (html) => {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new RidgelineError('INTERNAL', `PDF reports need Chromium: none at ${executablePath}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH to its executable; HTML reports need nothing.`);
  }
  // Loaded on demand: the other formats should not pay for it.
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  } catch (error) {
    throw new RidgelineError('INTERNAL', `could not start Chromium at ${executablePath} (set CHROMIUM_PATH to another executable): ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const page = await browser.newPage();
    // Nothing in a report loads from elsewhere; refusing requests keeps it that way even for a bad report.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    await browser.close();
  }
};
