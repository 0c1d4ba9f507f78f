// Curves first (issue 15, item 11): the New run form is a drawer that starts closed and remembers being
// open, so the curves are in the first screen; the runs list and the curves share the width through a
// separator that the pointer and the keyboard move and that is remembered; the list's default columns
// show λ, α and the validation loss without scrolling; refit names read whole (two lines, full on hover).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, openNewRunForm, screenshotViews, VIEW_SIZES } from '../helpers/browser.ts';
import { runCliAsync, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const DIABETES = ['--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--standardize', 'true'];
const SWEEP = 'diabetes lasso CV';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];

const row = (name: string): Locator => page.locator('[data-testid="run-row"]', { has: page.locator('.run-name', { hasText: new RegExp(`^${name}$`) }) });
/** A row's name cell: clicking the row itself would scroll the (wider) table to the row's middle. */
const nameOf = (name: string): Locator => row(name).locator('td.name-cell');
const drawer = (): Locator => page.locator('[data-testid="new-run-drawer"]');
const opener = (): Locator => page.locator('[data-testid="new-run-open"]');
const separator = (): Locator => page.locator('[role="separator"][data-testid="runs-split"]');
const runsPanel = (): Locator => page.locator('#runs-panel');
const focusedTestId = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
const focusedName = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);

beforeAll(async () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-layout-')), 'runs.db');
  // The first command creates the database alone; then two runs and a small sweep (whose refits are runs).
  const held = await runCliAsync(['fit', ...DIABETES, '--solver', 'gd', '--max-iter', '200', '--tol', '0', '--lambda', '0.01', '--validation-fraction', '0.2', '--name', 'held out', '--db', dbPath]);
  expect(held.status, held.stderr).toBe(0);
  const [plain, cv] = await Promise.all([
    runCliAsync(['fit', ...DIABETES, '--solver', 'gd', '--max-iter', '200', '--tol', '0', '--lambda', '0.1', '--alpha', '0.5', '--name', 'plain', '--db', dbPath]),
    runCliAsync(['cv', ...DIABETES, '--alpha', '1', '--folds', '3', '--n-lambda', '12', '--pool-size', '1', '--name', SWEEP, '--db', dbPath, '--json']),
  ]);
  expect(plain.status, plain.stderr).toBe(0);
  expect(cv.status, cv.stderr).toBe(0);
  serve = await startServe(dbPath);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEW_SIZES[0] });
  pageErrors = collectPageErrors(page);
  await page.goto(serve.url);
  await row('plain').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** Whether a header's whole cell lies inside the list's scroll box as it is (no horizontal scroll). */
async function headerInView(key: string): Promise<boolean> {
  return page.evaluate((k) => {
    const scroller = document.querySelector<HTMLElement>('#runs-panel .scroll');
    const th = document.querySelector(`[data-testid="sort-${k}"]`)?.closest('th');
    if (!scroller || !th) return false;
    const box = scroller.getBoundingClientRect();
    const cell = th.getBoundingClientRect();
    return scroller.scrollLeft === 0 && cell.left >= box.left && cell.right <= box.left + scroller.clientWidth + 0.5;
  }, key);
}

describe('curves first', () => {
  it('opens with the New run drawer closed and a selected run’s whole curve plot in the first screen', async () => {
    expect(await drawer().isHidden()).toBe(true);
    expect(await opener().getAttribute('aria-expanded')).toBe('false');
    await nameOf('held out').click();
    const plot = page.locator('[data-testid="curves-plot"]');
    await plot.locator('canvas').waitFor();
    for (const size of VIEW_SIZES) {
      await page.setViewportSize(size);
      const box = (await plot.boundingBox())!;
      expect(box.y + box.height, `plot bottom at ${size.width}×${size.height}`).toBeLessThanOrEqual(size.height);
      expect(box.x).toBeGreaterThan(((await runsPanel().boundingBox())!).x + ((await runsPanel().boundingBox())!).width);
    }
    await page.setViewportSize(VIEW_SIZES[0]);
  });

  it('shows name, status, λ, α and validation loss without horizontal scrolling at 1400 and 1024 px, and the final J at 1400', async () => {
    for (const size of VIEW_SIZES) {
      await page.setViewportSize(size);
      for (const key of ['name', 'status', 'lambda', 'alpha', 'validationLoss', ...(size.width === 1400 ? ['objective'] : [])]) {
        await expect.poll(() => headerInView(key), { message: `${key} at ${size.width} px` }).toBe(true);
      }
    }
    // And the values are there: the held-out run's validation loss, the other run's α.
    expect(await row('held out').locator('[data-testid="validation-loss"]').textContent()).toMatch(/^\d/);
    expect(await page.evaluate(() => document.querySelector('[data-testid="sort-dataset"]') !== null)).toBe(true);
    await page.setViewportSize(VIEW_SIZES[0]);
  });

  it('shows a refit’s name on two lines, what it is first, whole, with the full name on hover', async () => {
    const refits = page.locator('[data-testid="run-row"]', { has: page.locator('.run-name.split') });
    await expect.poll(() => refits.count()).toBe(2);
    for (const size of VIEW_SIZES) {
      await page.setViewportSize(size);
      for (let k = 0; k < 2; k++) {
        const cell = refits.nth(k).locator('td.name-cell');
        const name = (await cell.getAttribute('title')) ?? '';
        expect(name).toMatch(new RegExp(`^${SWEEP} · refit at λ_(min|1se) = `));
        // The text is still the whole name (for search, copy and the tests that find rows by it).
        expect(await cell.locator('.run-name').textContent()).toBe(name);
        const tail = cell.locator('.tail');
        expect(await tail.textContent()).toBe(name.slice(`${SWEEP} · `.length));
        // Drawn whole: not cut by the column, and above the sweep's name.
        expect(await tail.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
        const [tailBox, leadBox] = [(await tail.boundingBox())!, (await cell.locator('.lead').boundingBox())!];
        expect(tailBox.y + tailBox.height).toBeLessThanOrEqual(leadBox.y + 0.5);
        expect(leadBox.y + leadBox.height).toBeLessThanOrEqual(((await cell.boundingBox())!).y + 30.5);
      }
    }
    await page.setViewportSize(VIEW_SIZES[0]);
  });
});

describe('the New run drawer', () => {
  it('opens from its button with focus in the form, and Escape closes it and gives focus back', async () => {
    await opener().click();
    await drawer().waitFor();
    expect(await opener().getAttribute('aria-expanded')).toBe('true');
    expect(await drawer().getAttribute('role')).toBe('dialog');
    await expect.poll(focusedName).toBe('datasetId');
    // It lies beside the runs list (over the curves), not over it, at either size.
    for (const size of VIEW_SIZES) {
      await page.setViewportSize(size);
      const [drawerBox, runsBox] = [(await drawer().boundingBox())!, (await runsPanel().boundingBox())!];
      expect(drawerBox.x, `at ${size.width} px`).toBeGreaterThanOrEqual(runsBox.x + runsBox.width);
      expect(drawerBox.x + drawerBox.width).toBeLessThanOrEqual(size.width);
    }
    await page.setViewportSize(VIEW_SIZES[0]);
    await page.locator('[data-testid="new-run-form"] [name="name"]').fill('a draft');
    await page.keyboard.press('Escape');
    await drawer().waitFor({ state: 'hidden' });
    await expect.poll(focusedTestId).toBe('new-run-open');
    expect(await opener().getAttribute('aria-expanded')).toBe('false');
  });

  it('keeps what was typed, and Alt+N opens it and focuses the form', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Alt+n');
    await drawer().waitFor();
    await expect.poll(focusedName).toBe('datasetId');
    expect(await page.locator('[data-testid="new-run-form"] [name="name"]').inputValue()).toBe('a draft');
  });

  it('is remembered open or closed across a reload', async () => {
    await page.reload();
    await row('plain').waitFor();
    expect(await drawer().isVisible()).toBe(true);
    await drawer().locator('[data-testid="new-run-close"]').click();
    await drawer().waitFor({ state: 'hidden' });
    await expect.poll(focusedTestId).toBe('new-run-open');
    await page.reload();
    await row('plain').waitFor();
    expect(await drawer().isHidden()).toBe(true);
  });

  it('steps aside for the curve of the run it starts', async () => {
    await openNewRunForm(page);
    const form = page.locator('[data-testid="new-run-form"]');
    await form.locator('[name="name"]').fill('from the drawer');
    await form.locator('[name="maxIter"]').fill('50');
    await form.getByRole('button', { name: 'Start run' }).click();
    await drawer().waitFor({ state: 'hidden' });
    await row('from the drawer').waitFor();
    await expect.poll(() => row('from the drawer').getAttribute('aria-selected')).toBe('true');
    await page.locator('[data-testid="curves-plot"][data-points="51"]').waitFor();
  });
});

describe('the split between the runs and the curves', () => {
  const share = async (): Promise<number> => Number(await separator().getAttribute('aria-valuenow'));
  const runsWidth = async (): Promise<number> => (await runsPanel().boundingBox())!.width;

  it('is a separator that arrow keys move, within its limits', async () => {
    const start = await share();
    expect(start).toBe(50);
    expect(await separator().getAttribute('aria-orientation')).toBe('vertical');
    expect(Number(await separator().getAttribute('aria-valuemin'))).toBeLessThan(start);
    expect(Number(await separator().getAttribute('aria-valuemax'))).toBeGreaterThan(start);
    const before = await runsWidth();
    await separator().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(share).toBe(start + 14);
    // 14 % of the panels' width (1400 − 2 × 20 px padding − 12 px separator).
    expect(await runsWidth()).toBeCloseTo(before + 0.14 * (1400 - 40 - 12), -1);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(share).toBe(start + 12);
    await page.keyboard.press('End');
    await expect.poll(share).toBe(Number(await separator().getAttribute('aria-valuemax')));
    await page.keyboard.press('Home');
    await expect.poll(share).toBe(Number(await separator().getAttribute('aria-valuemin')));
  });

  it('follows a drag, and is remembered across a reload; a double-click restores the default', async () => {
    const box = (await separator().boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    // To 62 % of the panels' width, measured from their left edge (20 px padding, the separator's middle).
    await page.mouse.move(20 + 6 + 0.62 * (1400 - 40 - 12), y, { steps: 5 });
    await page.mouse.up();
    await expect.poll(share).toBe(62);
    const dragged = await runsWidth();
    await page.reload();
    await row('plain').waitFor();
    await expect.poll(share).toBe(62);
    expect(await runsWidth()).toBeCloseTo(dragged, 0);
    await separator().dblclick();
    await expect.poll(share).toBe(50);
    await page.reload();
    await row('plain').waitFor();
    await expect.poll(share).toBe(50);
  });
});

describe('the Runs view', () => {
  it('opens a row’s menu over the curves beside the list, not under them', async () => {
    const panel = (await runsPanel().boundingBox())!;
    const target = row('plain');
    const box = (await target.boundingBox())!;
    // Near the list's right edge, so the menu reaches over the curves panel.
    await target.click({ button: 'right', position: { x: panel.x + panel.width - 24 - box.x, y: box.height / 2 } });
    const item = page.getByRole('menu', { name: 'Run actions' }).getByRole('menuitem', { name: 'Notes…' });
    const itemBox = (await item.boundingBox())!;
    expect(itemBox.x + itemBox.width).toBeGreaterThan(panel.x + panel.width + 12);
    const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('[role="menu"]') !== null, [itemBox.x + itemBox.width - 8, itemBox.y + itemBox.height / 2]);
    expect(onTop).toBe(true);
    await page.keyboard.press('Escape');
  });

  it('fits the window and looks right at 1400×900 and 1024×700, light and dark (screenshots)', async () => {
    await nameOf('held out').click();
    await nameOf('plain').click({ modifiers: ['Control'] });
    await page.locator('[data-testid="curves-plot"][data-series="2"] canvas').waitFor();
    const noPageScrollX = async (): Promise<void> => {
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    };
    await screenshotViews(page, 'runs-view', { check: noPageScrollX });
    await openNewRunForm(page);
    await screenshotViews(page, 'runs-view-new-run', { check: noPageScrollX });
    await page.keyboard.press('Escape');
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
