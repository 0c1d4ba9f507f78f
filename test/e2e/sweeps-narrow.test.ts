// The Sweeps list at 1024 px (issue 15, item 16): long names wrapped into one-word fragments and the
// list was clipped. Now each row keeps its name on one line (cut with an ellipsis, the full name on
// hover), nothing overflows sideways, and in a narrow panel the date joins the second line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { runCliAsync, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const NAMES = ['Lasso on diabetes, standardized, 5 folds', 'Elastic net sweep α 0.5 with a long descriptive name that goes on'];

describe('the Sweeps list in a narrow window', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-sweeps-narrow-')), 'runs.db');
    for (const [k, name] of NAMES.entries()) {
      const result = await runCliAsync(['cv', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--alpha', k === 0 ? '1' : '0.5', '--folds', '5', '--n-lambda', '10', '--name', name, '--db', dbPath]);
      expect(result.status, result.stderr).toBe(0);
    }
    serve = await startServe(dbPath);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await page.goto(serve.url);
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await page.locator('[data-testid="sweep-row"]').nth(1).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('keeps every name on one line with the full name on hover, and nothing overflows', async () => {
    await page.locator('[data-testid="sweep-row"]').first().click();
    for (const name of NAMES) {
      const cell = page.locator('[data-testid="sweep-row"] .sweep-name', { hasText: name.slice(0, 12) });
      expect(await cell.getAttribute('title')).toBe(name);
      const box = (await cell.boundingBox())!;
      expect(box.height).toBeLessThan(24); // one line of 13 px text
    }
    const rows = await page.locator('[data-testid="sweep-row"]').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
    for (const height of rows) expect(height).toBeLessThan(64);
    const overflow = await page.locator('[aria-label="Sweeps"]').evaluate((table) => {
      const scroller = table.parentElement!;
      return scroller.scrollWidth - scroller.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    // Status and progress stay readable beside the name.
    for (const status of await page.locator('[data-testid="sweep-row"] [data-testid="sweep-row-progress"]').allTextContents()) expect(status).toMatch(/^\d+\/\d+$/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'sweeps-1024.png') });
  });
});
