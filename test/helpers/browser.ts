import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './cli.ts';

export const SCREENSHOT_DIR = `${REPO_ROOT}test-results/screenshots`;

/** Debian's Chromium, headless, with the flags this machine needs (no background networking). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

/** Collects console errors and uncaught page errors, for an assertion that there are none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/**
 * Opens the New run drawer when it is closed (it starts closed so that the curves come first, and
 * remembers being opened: renderer/src/state/formPanels.svelte.ts), and waits for its form.
 */
export async function openNewRunForm(page: Page): Promise<void> {
  const drawer = page.locator('[data-testid="new-run-drawer"]');
  if (await drawer.isHidden()) await page.locator('[data-testid="new-run-open"]').click();
  await drawer.locator('[data-testid="new-run-form"]').waitFor();
}

/** The window sizes the main views are checked and pictured at. */
export const VIEW_SIZES = [
  { width: 1400, height: 900 },
  { width: 1024, height: 700 },
] as const;

/**
 * Screenshots of the page at each of VIEW_SIZES in the light and the dark theme, as
 * `<name>-<width>-<light|dark>.png`; `check` runs at each (after `prepare`) for what must hold there.
 * The page is left at 1400×900 in the light theme.
 */
export async function screenshotViews(
  page: Page,
  name: string,
  options: { prepare?: () => Promise<void>; check?: (size: { width: number; height: number }) => Promise<void> } = {},
): Promise<void> {
  for (const size of VIEW_SIZES) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await options.prepare?.();
      // The plots redraw on a resize in the next frames.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await options.check?.(size);
      await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-${size.width}-${scheme}.png` });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(VIEW_SIZES[0]);
}
