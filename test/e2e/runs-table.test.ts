// The runs table in a real browser (serve mode, Debian's Chromium): runs stored by the CLI are filtered
// with the query language, sorted, tagged, renamed, deleted with undo; then a database of 10,000 seeded
// runs checks that the table stays virtualized and that filtering and sorting answer quickly.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/core/cliStore.ts';
import { collectPageErrors, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { mapLimited, runCliAsync, startServe, type ServeProcess } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';
import { SEEDED_FILTER, seedTableRuns } from '../helpers/seedRuns.ts';
import { callServe } from '../helpers/serveApi.ts';

interface Spec {
  name: string;
  model: 'linear' | 'logistic';
  lambda: number;
  alpha: number;
}

const SPECS: Spec[] = [
  { name: 'lin ridge 0.001', model: 'linear', lambda: 0.001, alpha: 0 },
  { name: 'lin ridge 1', model: 'linear', lambda: 1, alpha: 0 },
  { name: 'lin lasso 0.05', model: 'linear', lambda: 0.05, alpha: 1 },
  { name: 'logit 0.001', model: 'logistic', lambda: 0.001, alpha: 0 },
  { name: 'logit 0.05', model: 'logistic', lambda: 0.05, alpha: 0.5 },
  { name: 'logit 0.5', model: 'logistic', lambda: 0.5, alpha: 0 },
];

const rows = (page: Page) => page.locator('[data-testid="run-row"]');
const row = (page: Page, name: string) => page.locator('[data-testid="run-row"]', { has: page.locator('.run-name', { hasText: new RegExp(`^${name}$`) }) });
const shownNames = async (page: Page): Promise<string[]> => rows(page).locator('.run-name').allTextContents();

async function filter(page: Page, query: string): Promise<void> {
  await page.locator('[data-testid="runs-filter"]').fill(query);
}

describe('the runs table', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const ids = new Map<string, string>();

  beforeAll(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-runs-table-')), 'runs.db');
    const fit = (spec: Spec) => {
      const data = spec.model === 'linear' ? ['--data', fixturePath('diabetes.csv'), '--target', 'progression'] : ['--data', fixturePath('logistic_synth.csv'), '--target', 'label'];
      return runCliAsync(['fit', ...data, '--ignore', 'fold', '--model', spec.model, '--lambda', String(spec.lambda), '--alpha', String(spec.alpha), '--name', spec.name, '--db', dbPath, '--json']);
    };
    // The first process creates the database alone: two processes migrating a new file at once can collide.
    const results = [await fit(SPECS[0]), ...(await mapLimited(SPECS.slice(1), 2, fit))];
    results.forEach((result, k) => {
      expect(result.status, result.stderr).toBe(0);
      ids.set(SPECS[k].name, JSON.parse(result.stdout).runId);
    });
    serve = await startServe(dbPath);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    pageErrors = collectPageErrors(page);
    await page.goto(serve.url);
    await rows(page).nth(SPECS.length - 1).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('lists the runs newest first with the count, sortable by a header that toggles its direction', async () => {
    expect(await page.locator('[data-testid="runs-count"]').textContent()).toBe('6 of 6 runs');
    const created = await rows(page).evaluateAll((els) => els.map((el) => el.querySelector('td.created')?.getAttribute('title') ?? ''));
    expect(created).toEqual([...created].sort().reverse());

    const lambdaHeader = page.locator('th', { has: page.locator('[data-testid="sort-lambda"]') });
    expect(await lambdaHeader.getAttribute('aria-sort')).toBe('none');
    await page.locator('[data-testid="sort-lambda"]').click();
    // The header states the order of the rows drawn: it changes when the rows in the new order arrive.
    await expect.poll(() => lambdaHeader.getAttribute('aria-sort')).toBe('ascending');
    const byLambda = [...SPECS].sort((a, b) => a.lambda - b.lambda || 0).map((s) => s.lambda);
    const shownLambdas = async (): Promise<number[]> => (await shownNames(page)).map((name) => SPECS.find((s) => s.name === name)?.lambda ?? NaN);
    expect(await shownLambdas()).toEqual(byLambda);
    await page.locator('[data-testid="sort-lambda"]').click();
    await expect.poll(() => lambdaHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await shownLambdas()).toEqual([...byLambda].reverse());
  });

  it('filters live with the query language, and explains a bad query inline', async () => {
    await filter(page, 'lambda < 0.1 and model = logistic');
    await expect.poll(() => shownNames(page).then((n) => n.sort())).toEqual(['logit 0.001', 'logit 0.05']);
    expect(await page.locator('[data-testid="runs-count"]').textContent()).toBe('2 of 6 runs');
    await page.screenshot({ path: `${SCREENSHOT_DIR}/runs-filter.png` });

    await filter(page, 'lamda < 0.1');
    const error = page.locator('[data-testid="runs-filter-error"]');
    await expect.poll(() => error.textContent()).toMatch(/unknown field "lamda" at position 1; known fields: lambda, alpha/);
    // The last good filter stays applied while the text is wrong.
    expect((await shownNames(page)).length).toBe(2);

    await filter(page, 'ridge or (lasso and not alpha = 0)');
    await expect.poll(() => shownNames(page).then((n) => n.sort())).toEqual(['lin lasso 0.05', 'lin ridge 0.001', 'lin ridge 1']);
    expect(await error.count()).toBe(0);
    await filter(page, '');
    await expect.poll(() => rows(page).count()).toBe(6);
  });

  it('tags a run and filters by the tag', async () => {
    await row(page, 'lin ridge 1').click();
    await page.getByRole('toolbar', { name: 'Selected runs' }).getByRole('button', { name: 'Tags' }).click();
    await page.locator('[name="newTag"]').fill('baseline');
    await page.locator('[name="newTag"]').press('Enter');
    await expect.poll(() => page.locator('[data-testid="tag-chip"]').allTextContents()).toEqual([expect.stringContaining('baseline')]);
    await expect.poll(() => row(page, 'lin ridge 1').locator('.tag').allTextContents()).toEqual(['baseline']);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/runs-tags.png` });
    await page.getByRole('button', { name: 'Done' }).click();

    await filter(page, 'tag = baseline');
    await expect.poll(() => shownNames(page)).toEqual(['lin ridge 1']);
    await filter(page, 'baseline');
    await expect.poll(() => shownNames(page)).toEqual(['lin ridge 1']);
    await filter(page, '');
    await expect.poll(() => rows(page).count()).toBe(6);
  });

  it('writes notes from the context menu, and finds the run by them', async () => {
    await row(page, 'lin ridge 1').click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Run actions' });
    await menu.getByRole('menuitem', { name: 'Notes…' }).click();
    expect(await menu.count()).toBe(0);
    await page.locator('[name="runNotes"]').fill('the reference fit for the week');
    await page.getByRole('button', { name: 'Save notes' }).click();
    await expect.poll(() => page.locator('[data-testid="notes-editor"]').count()).toBe(0);
    await filter(page, 'notes ~ "for the week"');
    await expect.poll(() => shownNames(page)).toEqual(['lin ridge 1']);
    await filter(page, '');
    await expect.poll(() => rows(page).count()).toBe(6);
  });

  it('renames inline with F2: Escape cancels, Enter saves, and the name survives a reload', async () => {
    const target = row(page, 'logit 0.5');
    await target.click();
    await target.press('F2');
    const input = page.locator('input[name="runName"]');
    await input.fill('thrown away');
    await input.press('Escape');
    expect(await input.count()).toBe(0);
    expect(await shownNames(page)).toContain('logit 0.5');

    await target.press('F2');
    await input.fill('logit strong');
    await input.press('Enter');
    await expect.poll(() => shownNames(page)).toContain('logit strong');
    await page.reload();
    await expect.poll(() => shownNames(page)).toContain('logit strong');
    expect(await page.locator(`[data-run-id="${ids.get('logit 0.5')}"] .run-name`).textContent()).toBe('logit strong');
  });

  it('deletes two runs with the Delete key, undoes it, deletes them again and they stay gone after a reload', async () => {
    const a = ids.get('lin ridge 0.001') ?? '';
    const b = ids.get('logit 0.05') ?? '';
    await row(page, 'lin ridge 0.001').click();
    await row(page, 'logit 0.05').click({ modifiers: ['Control'] });
    expect(await page.locator('[data-testid="run-row"][aria-selected="true"]').count()).toBe(2);
    await row(page, 'logit 0.05').press('Delete');
    const toast = page.locator('[data-testid="undo-delete"]');
    await expect.poll(() => toast.textContent()).toMatch(/Deleted 2 runs\s*·\s*Undo/);
    await expect.poll(() => rows(page).count()).toBe(4);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/runs-undo.png` });

    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => rows(page).count()).toBe(6);
    expect(await toast.count()).toBe(0);
    expect(await page.locator(`[data-run-id="${a}"]`).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator(`[data-run-id="${b}"]`).getAttribute('aria-selected')).toBe('true');

    await page.getByRole('toolbar', { name: 'Selected runs' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => toast.textContent()).toMatch(/Deleted 2 runs/);
    await expect.poll(() => rows(page).count()).toBe(4);
    await page.reload();
    await expect.poll(() => rows(page).count()).toBe(4);
    expect(await page.locator(`[data-run-id="${a}"]`).count()).toBe(0);
    expect(await page.locator(`[data-run-id="${b}"]`).count()).toBe(0);
  });

  it('archives a run out of view, shows it with the Archived toggle, and selects a range with Shift-click', async () => {
    await row(page, 'lin lasso 0.05').click();
    await page.getByRole('toolbar', { name: 'Selected runs' }).getByRole('button', { name: 'Archive' }).click();
    await expect.poll(() => rows(page).count()).toBe(3);
    expect(await page.locator('[data-testid="runs-count"]').textContent()).toBe('3 of 4 runs');
    await page.locator('[name="showArchived"]').check();
    await expect.poll(() => rows(page).count()).toBe(4);
    await filter(page, 'archived = true');
    await expect.poll(() => shownNames(page)).toEqual(['lin lasso 0.05']);
    await filter(page, '');
    await expect.poll(() => rows(page).count()).toBe(4);

    await rows(page).first().click();
    await rows(page).nth(2).click({ modifiers: ['Shift'] });
    expect(await page.locator('[data-testid="run-row"][aria-selected="true"]').count()).toBe(3);
    await rows(page).first().press('Control+a');
    expect(await page.locator('[data-testid="run-row"][aria-selected="true"]').count()).toBe(4);
  });

  it('remembers the columns chosen across a reload', async () => {
    const header = page.locator('[data-testid="sort-dataset"]');
    expect(await header.count()).toBe(1);
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.locator('[name="column-dataset"]').uncheck();
    await page.locator('[name="column-nonzero"]').check();
    expect(await header.count()).toBe(0);
    await page.reload();
    await rows(page).first().waitFor();
    expect(await header.count()).toBe(0);
    expect(await page.locator('[data-testid="sort-nonzero"]').count()).toBe(1);
  });

  it('arrow keys move the selection (Shift extends it, Ctrl/⌘ moves only the focus) (issue 15, item 16)', async () => {
    await filter(page, '');
    await expect.poll(() => rows(page).count()).toBeGreaterThanOrEqual(3);
    const selectedNames = () => page.locator('[data-testid="run-row"][aria-selected="true"] .run-name').allTextContents();
    const names = await shownNames(page);
    await rows(page).first().click();
    await page.keyboard.press('ArrowDown');
    await expect.poll(selectedNames).toEqual([names[1]]);
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(selectedNames).toEqual([names[1], names[2]]);
    await page.keyboard.press('Control+ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'))).toBe('3');
    expect(await selectedNames()).toEqual([names[1], names[2]]);
    await page.keyboard.press('ArrowUp');
    await expect.poll(selectedNames).toEqual([names[0]]);
    await page.keyboard.press('Escape');
  });

  it('keyboard commands: Ctrl+F finds runs, Alt+S opens a new sweep, Alt+N a new run', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+f');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('runsFilter');
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Alt+s');
    await expect.poll(() => page.locator('[data-testid="sweep-launcher"]').isVisible()).toBe(true);
    await page.keyboard.press('Alt+n');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('datasetId');
  });

  it('Alt+N and Alt+S open their form when it is closed, and focus it', async () => {
    /** The form the focused element belongs to, by its test id. */
    const focusedForm = () => page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? null);
    const drawer = page.locator('[data-testid="new-run-drawer"]');
    // Alt+N left focus in the New run drawer: Escape closes it.
    await expect.poll(focusedForm).toBe('new-run-form');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Alt+n');
    await expect.poll(() => drawer.isVisible()).toBe(true);
    await expect.poll(focusedForm).toBe('new-run-form');
    expect(await page.locator('[data-testid="new-run-open"]').getAttribute('aria-expanded')).toBe('true');

    await page.keyboard.press('Alt+s');
    await page.locator('[aria-controls="new-sweep-body"]').click();
    expect(await page.locator('#new-sweep-body').isHidden()).toBe(true);
    await page.keyboard.press('Alt+n');
    await expect.poll(focusedForm).toBe('new-run-form');
    await page.keyboard.press('Alt+s');
    await expect.poll(() => page.locator('#new-sweep-body').isVisible()).toBe(true);
    await expect.poll(focusedForm).toBe('sweep-launcher');
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('the runs table with 10,000 runs', () => {
  const COUNT = 10_000;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let expectedMatches = 0;
  let dbPath: string;

  beforeAll(async () => {
    dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-runs-10k-')), 'runs.db');
    const store = openStore(dbPath, 'test-seed');
    ({ filterMatches: expectedMatches } = seedTableRuns(store, COUNT));
    store.close('seeded');
    serve = await startServe(dbPath);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    pageErrors = collectPageErrors(page);
    await page.goto(serve.url);
    await page.waitForFunction((text) => document.querySelector('[data-testid="runs-count"]')?.textContent === text, `${COUNT} of ${COUNT} runs`, { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  const selectedCount = async (): Promise<string | null> => page.getByRole('toolbar', { name: 'Selected runs' }).locator('.selection').textContent();

  it('renders only the rows in view, and the keyboard still reaches (and selects) the last run', async () => {
    const rendered = await rows(page).count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(120);
    await rows(page).first().focus();
    await page.keyboard.press('End');
    // The last row (header is row 1) is rendered, scrolled into view and focused; ArrowUp moves on from there.
    const focusedRow = () => page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'));
    const selectedRows = () => page.locator('[data-testid="run-row"][aria-selected="true"]').evaluateAll((els) => els.map((el) => el.getAttribute('aria-rowindex')));
    expect(await focusedRow()).toBe(String(COUNT + 1));
    // The selection follows the focus there, though that row's page had to be fetched first.
    await expect.poll(selectedRows).toEqual([String(COUNT + 1)]);
    expect(await selectedCount()).toBe('1 selected');
    await page.keyboard.press('ArrowUp');
    expect(await focusedRow()).toBe(String(COUNT));
    await expect.poll(selectedRows).toEqual([String(COUNT)]);
    // Shift+Home: the range from there to the first run, through pages never drawn.
    await page.keyboard.press('Shift+Home');
    await expect.poll(selectedCount).toBe(`${COUNT - 1} selected`);
    await page.keyboard.press('Escape');
    await expect.poll(selectedCount).toBe('No runs selected');
    expect(await rows(page).count()).toBeLessThan(120);
  });

  it('filters and sorts 10,000 runs quickly (time printed; sanity bound only)', async () => {
    const query = SEEDED_FILTER;
    const filterMs = await page.evaluate(
      async ({ query, expected }) => {
        const input = document.querySelector<HTMLInputElement>('[data-testid="runs-filter"]');
        const count = document.querySelector('[data-testid="runs-count"]');
        if (!input || !count) throw new Error('no filter box');
        const t0 = performance.now();
        input.value = query;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise<void>((resolve) => {
          const check = (): void => {
            if (count.textContent?.startsWith(`${expected} of`)) requestAnimationFrame(() => resolve());
            else requestAnimationFrame(check);
          };
          check();
        });
        return performance.now() - t0;
      },
      { query, expected: expectedMatches },
    );
    const sortMs = await page.evaluate(async () => {
      const button = document.querySelector<HTMLButtonElement>('[data-testid="sort-lambda"]');
      if (!button) throw new Error('no λ header');
      const t0 = performance.now();
      button.click();
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (button.closest('th')?.getAttribute('aria-sort') === 'ascending') requestAnimationFrame(() => resolve());
          else requestAnimationFrame(check);
        };
        check();
      });
      return performance.now() - t0;
    });
    console.log(`runs table, ${COUNT} runs: filter to ${expectedMatches} rows in ${filterMs.toFixed(1)} ms (including the 80 ms typing debounce), sort by λ in ${sortMs.toFixed(1)} ms`);
    expect(filterMs).toBeLessThan(1000);
    expect(sortMs).toBeLessThan(1000);
    const names = await shownNames(page);
    const lambdas = names.map((name) => 10 ** (-4 + (Number(name.split(' ')[1]) % 50) * 0.1));
    expect(lambdas).toEqual([...lambdas].sort((a, b) => a - b));
    expect(names.every((name) => Number(name.split(' ')[1]) % 3 === 0)).toBe(true);
  });

  /** API calls the page makes from now on: method and JSON body. */
  function recordApi(): { calls: { method: string; body: Record<string, unknown> }[]; stop: () => void } {
    const calls: { method: string; body: Record<string, unknown> }[] = [];
    const onRequest = (request: import('playwright-core').Request): void => {
      const match = /\/api\/(\w+)$/.exec(new URL(request.url()).pathname);
      if (match) calls.push({ method: match[1], body: JSON.parse(request.postData() ?? '{}') as Record<string, unknown> });
    };
    page.on('request', onRequest);
    return { calls, stop: () => page.off('request', onRequest) };
  }

  const scroller = () => page.locator('.scroll');
  /** Scrolls the table so that row `index` (0-based, in view order) is drawn, and waits for its data. */
  async function scrollToRow(index: number): Promise<void> {
    await scroller().evaluate((node, top) => {
      node.scrollTop = top;
      node.dispatchEvent(new Event('scroll'));
    }, index * 30);
    await page.locator(`[data-testid="run-row"][aria-rowindex="${index + 2}"]`).waitFor({ timeout: 15_000 });
  }
  const nameAt = (index: number) => page.locator(`[data-testid="run-row"][aria-rowindex="${index + 2}"] .run-name`).textContent();

  it('opens on windows of rows: counts first, never the whole list (issue 17)', async () => {
    const api = recordApi();
    await page.reload();
    await page.waitForFunction((text) => document.querySelector('[data-testid="runs-count"]')?.textContent === text, `${COUNT} of ${COUNT} runs`, { timeout: 30_000 });
    await page.waitForTimeout(300);
    api.stop();
    expect(api.calls.filter((c) => c.method === 'listRuns')).toEqual([]);
    const windows = api.calls.filter((c) => c.method === 'queryRuns');
    expect(windows.length).toBeGreaterThan(0);
    const fetched = windows.reduce((n, c) => n + (c.body.limit as number), 0);
    // A screenful and the pages around it, not 10,000 rows.
    expect(fetched).toBeLessThanOrEqual(500);
  });

  it('scrolls deep into a sorted view and shows the rows of that position, in order', async () => {
    await filter(page, '');
    await page.locator('[data-testid="sort-name"]').click();
    await expect.poll(() => page.locator('th', { has: page.locator('[data-testid="sort-name"]') }).getAttribute('aria-sort')).toBe('ascending');
    // The order computed here: names compared as lower-cased strings (all distinct).
    const expected = Array.from({ length: COUNT }, (_, i) => `seeded ${i}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(await nameAt(0)).toBe(expected[0]);
    const api = recordApi();
    for (const index of [5000, 9990, 1234]) {
      await scrollToRow(index);
      expect(await nameAt(index)).toBe(expected[index]);
      expect(await nameAt(index + 1)).toBe(expected[index + 1]);
    }
    // The mouse wheel, as a person scrolls: from row 1234 on by 60 rows at a time, to 3,000 rows further.
    const box = (await scroller().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let k = 0; k < 50; k++) await page.mouse.wheel(0, 60 * 30);
    await expect.poll(() => scroller().evaluate((node) => node.scrollTop)).toBeGreaterThanOrEqual((1234 + 3000) * 30 - 60);
    const top = Math.floor((await scroller().evaluate((node) => node.scrollTop)) / 30);
    await page.locator(`[data-testid="run-row"][aria-rowindex="${top + 2}"]`).waitFor({ timeout: 15_000 });
    expect(await nameAt(top)).toBe(expected[top]);
    expect(await nameAt(top + 5)).toBe(expected[top + 5]);
    api.stop();
    // Each jump fetched the window it lands on (and its neighbours), never the list.
    for (const call of api.calls.filter((c) => c.method === 'queryRuns')) expect(call.body.limit).toBeLessThanOrEqual(100);
    expect(await rows(page).count()).toBeLessThan(120);
  });

  it('selects a Shift-click range across pages that were never drawn, and all matching runs of a filter', async () => {
    await scrollToRow(0);
    await page.locator('[data-testid="run-row"][aria-rowindex="2"]').click();
    expect(await selectedCount()).toBe('1 selected');
    await scrollToRow(450);
    await page.locator('[data-testid="run-row"][aria-rowindex="452"]').click({ modifiers: ['Shift'] });
    await expect.poll(selectedCount).toBe('451 selected');
    await filter(page, SEEDED_FILTER);
    await expect.poll(() => page.locator('[data-testid="runs-count"]').textContent()).toBe(`${expectedMatches} of ${COUNT} runs`);
    expect(expectedMatches).toBeGreaterThan(300); // more than the pages at hand: the ids come from the service
    await rows(page).first().press('Control+a');
    await expect.poll(selectedCount).toBe(`${expectedMatches} selected`);
    // The curves draw the first 100 of the selection and say so (a thousand lines froze the page).
    await expect.poll(() => page.locator('[data-testid="curves-plot"]').getAttribute('data-series')).toBe('100');
    expect(await page.locator('[data-testid="curves-capped"]').textContent()).toContain(`first 100 of ${expectedMatches.toLocaleString('en')} selected runs`);
    await page.keyboard.press('Escape');
    await expect.poll(selectedCount).toBe('No runs selected');
  });

  it('tags, archives and deletes every run a filter matches in one request each, and undoes the delete (issue 17)', async () => {
    const toolbar = page.getByRole('toolbar', { name: 'Selected runs' });
    const count = () => page.locator('[data-testid="runs-count"]').textContent();
    // Many more runs than the page holds summaries of (the pages around the window, the first 1,000 selected).
    const query = `not (${SEEDED_FILTER})`;
    const matches = COUNT - expectedMatches;
    expect(matches).toBeGreaterThan(5000);
    await filter(page, query);
    await expect.poll(count).toBe(`${matches} of ${COUNT} runs`);
    const api = recordApi();
    await rows(page).first().click();
    await rows(page).first().press('Control+a');
    await expect.poll(selectedCount).toBe(`${matches} selected`);

    await toolbar.getByRole('button', { name: 'Tags' }).click();
    await expect.poll(() => page.locator('[data-testid="tags-editor-target"]').textContent()).toBe(`${matches} runs`);
    await page.locator('[name="newTag"]').fill('every match');
    await page.locator('[name="newTag"]').press('Enter');
    await expect.poll(() => page.locator('[data-testid="tag-chip"]').allTextContents()).toEqual([expect.stringMatching(/^every match\W*$/)]);
    await page.getByRole('button', { name: 'Done' }).click();
    await filter(page, 'tag = "every match"');
    await expect.poll(count).toBe(`${matches} of ${COUNT} runs`);
    // The same runs: the filter and the tag select each other.
    await filter(page, `tag = "every match" and ${SEEDED_FILTER}`);
    await expect.poll(count).toBe(`0 of ${COUNT} runs`);

    await filter(page, query);
    await expect.poll(count).toBe(`${matches} of ${COUNT} runs`);
    await toolbar.getByRole('button', { name: 'Archive' }).click();
    await expect.poll(count).toBe(`0 of ${COUNT} runs`);
    await expect.poll(() => page.locator('[data-testid="runs-notice"]').textContent()).toContain(`Archived ${matches} runs`);
    await page.locator('[name="showArchived"]').check();
    await expect.poll(count).toBe(`${matches} of ${COUNT} runs`);
    await toolbar.getByRole('button', { name: 'Unarchive' }).click();
    await expect.poll(() => page.locator('[data-testid="runs-notice"]').textContent()).toContain(`Unarchived ${matches} runs`);
    await page.locator('[name="showArchived"]').uncheck();
    await expect.poll(count).toBe(`${matches} of ${COUNT} runs`);

    await toolbar.getByRole('button', { name: 'Delete' }).click();
    const toast = page.locator('[data-testid="undo-delete"]');
    await expect.poll(() => toast.textContent()).toMatch(new RegExp(`Deleted ${matches} runs\\s*·\\s*Undo`));
    await expect.poll(count).toBe(`0 of ${COUNT - matches} runs`);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(count).toBe(`${matches} of ${COUNT} runs`);
    await expect.poll(selectedCount).toBe(`${matches} selected`);
    api.stop();
    // One request per change, not one per run; no run's summary fetched beyond the first 1,000 selected.
    const made = (method: string) => api.calls.filter((c) => c.method === method);
    expect(made('editRun')).toEqual([]);
    expect(made('editRuns').length).toBe(3);
    expect(made('deleteRuns').length).toBe(1);
    expect(made('restoreRuns').length).toBe(1);
    for (const call of made('getRunSummaries')) expect((call.body.ids as string[]).length).toBeLessThanOrEqual(1000);
    for (const call of made('getRunMetrics')) expect((call.body.ids as string[]).length).toBeLessThanOrEqual(1000);
    await rows(page).first().click();
    await filter(page, '');
    await expect.poll(count).toBe(`${COUNT} of ${COUNT} runs`);
  });

  it('follows a run added by another process with its count and window, without fetching the list', async () => {
    await filter(page, '');
    await page.locator('[data-testid="sort-created"]').click();
    await expect.poll(() => page.locator('th', { has: page.locator('[data-testid="sort-created"]') }).getAttribute('aria-sort')).toBe('descending');
    await scrollToRow(0);
    const api = recordApi();
    const result = await runCliAsync(['fit', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--lambda', '0.5', '--alpha', '1', '--solver', 'cd', '--name', 'added elsewhere', '--db', dbPath]);
    expect(result.status, result.stderr).toBe(0);
    await expect.poll(() => page.locator('[data-testid="runs-count"]').textContent(), { timeout: 15_000 }).toBe(`${COUNT + 1} of ${COUNT + 1} runs`);
    await expect.poll(() => nameAt(0)).toBe('added elsewhere');
    api.stop();
    expect(api.calls.filter((c) => c.method === 'listRuns')).toEqual([]);
    // The reload asked for the window around the drawn rows (a few pages in one request), not the list.
    for (const call of api.calls.filter((c) => c.method === 'queryRuns')) expect(call.body.limit).toBeLessThanOrEqual(400);
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('validation loss and live steps in the runs table (issue 15, item 13)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let validationLoss: number;

  beforeAll(async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-runs-validation-')), 'runs.db');
    const data = ['--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--standardize', 'true', '--solver', 'gd', '--max-iter', '300', '--tol', '0'];
    const held = await runCliAsync(['fit', ...data, '--validation-fraction', '0.2', '--name', 'held out', '--db', dbPath, '--json']);
    expect(held.status, held.stderr).toBe(0);
    validationLoss = JSON.parse(held.stdout).validationLoss;
    expect(Number.isFinite(validationLoss)).toBe(true);
    const plain = await runCliAsync(['fit', ...data, '--name', 'no holdout', '--db', dbPath, '--json']);
    expect(plain.status, plain.stderr).toBe(0);
    serve = await startServe(dbPath);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(serve.url);
    await rows(page).nth(1).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('shows the last step\'s validation loss as a column by default, the value the CLI reported', async () => {
    await expect.poll(() => page.locator('th', { has: page.locator('[data-testid="sort-validationLoss"]') }).isVisible()).toBe(true);
    expect(await row(page, 'held out').locator('[data-testid="validation-loss"]').getAttribute('title')).toBe(String(validationLoss));
    expect(await row(page, 'no holdout').locator('[data-testid="validation-loss"]').getAttribute('title')).toBe('');
  });

  it('filters and sorts by validation loss', async () => {
    await filter(page, `validationLoss <= ${validationLoss}`);
    await expect.poll(() => shownNames(page)).toEqual(['held out']);
    expect(await page.locator('[data-testid="runs-filter-error"]').count()).toBe(0);
    await filter(page, `valLoss < ${validationLoss}`);
    await expect.poll(() => rows(page).count()).toBe(0);
    await filter(page, 'not validationLoss > 0');
    await expect.poll(() => shownNames(page)).toEqual(['no holdout']);
    await filter(page, '');
    await page.locator('[data-testid="sort-validationLoss"]').click();
    // Nulls last in either direction.
    await expect.poll(() => shownNames(page)).toEqual(['held out', 'no holdout']);
  });

  it('shows a running run\'s step and objective as it trains, and its final values once it ends', async () => {
    const { runId } = await callServe<{ runId: string }>(serve, 'startRun', {
      name: 'long run',
      datasetId: 'builtin:diabetes',
      hyperparams: { model: 'linear', lambda: 0.01, alpha: 0, solver: 'gd', maxIter: 5_000_000, tol: 0, standardize: true },
    });
    const live = row(page, 'long run').locator('[data-testid="live-step"]');
    await live.waitFor({ timeout: 30_000 });
    const step = async (): Promise<number> => Number(((await live.locator('.step').textContent()) ?? '').replace(/[@,]/g, ''));
    const first = await step();
    await expect.poll(step, { timeout: 15_000 }).toBeGreaterThan(first);
    await callServe(serve, 'cancelRun', { id: runId });
    await expect.poll(() => row(page, 'long run').getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
    expect(await live.count()).toBe(0);
  });
});
