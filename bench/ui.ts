/**
 * `npm run bench:ui` (and the end of `npm run bench`): the explorer's responsiveness in a real browser
 * (issues 5 and 17). Seeds a database with 10,000 (then 100,000) finished runs plus 100 runs of 10,000
 * steps each (every metric stored, 1,000,100 steps in all), serves it, and times in Debian's Chromium:
 *   - list: opening the page until every run is counted and the first rows drawn (the table fetches its
 *     window: queryRuns), that first window over HTTP alone, and (for comparison) listRuns of every run;
 *   - memory: the page's JavaScript heap once the table is open (Chrome DevTools Protocol), and with
 *     every run selected;
 *   - filter: a query typed into the filter box until the count changes (with and without the 80 ms
 *     typing delay);
 *   - sort: a click on the λ header until the rows are sorted;
 *   - scroll: a jump to the middle of the λ order until its rows are drawn;
 *   - select all: Ctrl+A until every run is selected (their ids only);
 *   - draw: the 100 long runs selected until all their curves are fetched and drawn, and a redraw of
 *     the 100 × 10,001 points alone (the log-scale toggle rebuilds the plot: no fetch, no downsampling).
 * Targets (issue 5): < 100 ms to sort or filter 10,000 runs, < 200 ms to draw 100 runs × 10,000 points.
 * Times are medians of several repeats; no assertions (speed is reported, never tested). Writes
 * bench-results/ui.md. Without Chromium the benchmark is skipped with a note.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { APP_VERSION } from '../electron/core/appVersion.ts';
import { openStore } from '../electron/core/cliStore.ts';
import { emptyMetricColumns } from '../shared/domain/metrics.ts';
import { HyperparamsSchema } from '../shared/domain/runs.ts';
import { Pcg64 } from '../shared/engine/random/pcg64.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { startServe } from '../test/helpers/cli.ts';
import { log, machine, median } from './common.ts';
import { SEEDED_FILTER, seededOutcome, seedTableRuns } from '../test/helpers/seedRuns.ts';

/** Table sizes timed (issue 17's goals are for the largest). */
const TABLE_SIZES = [10_000, 100_000];
const CURVE_RUNS = 100;
const CURVE_STEPS = 10_000;
const REPEATS = 5;

/** The seeded database: table runs as the runs-table e2e test seeds them, and the long curve runs tagged "curves". */
function seed(dbPath: string, tableRuns: number): { filterQuery: string; filterMatches: number } {
  const store = openStore(dbPath, 'bench-seed');
  const dataset = store.datasets.list()[0];
  const { filterMatches } = seedTableRuns(store, tableRuns);
  const rng = Pcg64.fromSeed(5);
  for (let r = 0; r < CURVE_RUNS; r++) {
    store.db.transaction(() => {
      const id = store.runs.create({
        name: `curve ${r}`,
        datasetId: dataset.id,
        datasetHash: dataset.hash,
        hyperparams: HyperparamsSchema.parse({ model: 'linear', lambda: 10 ** (-4 + r * 0.04), alpha: 0, solver: 'gd', seed: r, maxIter: CURVE_STEPS }),
        appVersion: APP_VERSION,
        ownerSession: null,
      });
      const count = CURVE_STEPS + 1;
      const columns = emptyMetricColumns(count);
      const rate = 1 + r / 50;
      for (let k = 0; k < count; k++) {
        // A noisy decay (different per run) so every point matters to the drawn shape.
        const objective = 0.05 + Math.exp(-rate * k / 2000) * (1 + 0.05 * rng.normal());
        columns.objective[k] = objective;
        columns.dataLoss[k] = objective * 0.9;
        columns.elapsedMs[k] = k * 0.01 * rate;
      }
      store.runs.appendMetrics(id, { firstStep: 0, count, columns });
      store.runs.finish(id, seededOutcome(r, CURVE_STEPS, 'gd'));
      store.runs.edit({ id, tags: ['curves'] });
    })();
  }
  store.close('seeded');
  return { filterQuery: SEEDED_FILTER, filterMatches };
}

type Action =
  | { kind: 'filter'; query: string; countPrefix: string }
  | { kind: 'sort'; want: 'ascending' | 'descending' }
  | { kind: 'jump'; row: number }
  | { kind: 'logScale'; checked: boolean };

/**
 * Page-side timer: performs the action, then resolves on the first animation frame where its effect is
 * in the DOM, plus one more frame (so the work of that frame, the plot's drawing included, is done).
 * A function, not a string: the app's CSP forbids eval in the page.
 */
async function timeInPage(page: Page, action: Action): Promise<number> {
  return page.evaluate(async (action) => {
    const filterBox = () => document.querySelector<HTMLInputElement>('[data-testid="runs-filter"]')!;
    const sortButton = () => document.querySelector<HTMLButtonElement>('[data-testid="sort-lambda"]')!;
    const logBox = () => document.querySelector<HTMLInputElement>('[name="logScale"]')!;
    const t0 = performance.now();
    if (action.kind === 'filter') {
      filterBox().value = action.query;
      filterBox().dispatchEvent(new Event('input', { bubbles: true }));
    } else if (action.kind === 'sort') {
      sortButton().click();
    } else if (action.kind === 'jump') {
      // Rows are 30 px high (RunsList.svelte).
      document.querySelector('table[aria-label="Runs"]')!.closest<HTMLElement>('.scroll')!.scrollTop = action.row * 30;
    } else {
      logBox().click();
    }
    const done = (): boolean => {
      if (action.kind === 'filter') return document.querySelector('[data-testid="runs-count"]')?.textContent?.startsWith(action.countPrefix) ?? false;
      if (action.kind === 'sort') return sortButton().closest('th')?.getAttribute('aria-sort') === action.want;
      if (action.kind === 'jump') return document.querySelector(`[data-testid="run-row"][aria-rowindex="${action.row + 2}"]`) !== null;
      return logBox().checked === action.checked && document.querySelector('[data-testid="curves-plot"] canvas') !== null;
    };
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (done()) requestAnimationFrame(() => resolve());
        else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - t0;
  }, action);
}

/** Times one table size; `withCurves` also times selecting and drawing the 100 long curves. */
async function benchTable(tableRuns: number, withCurves: boolean): Promise<[string, string, string][]> {
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-bench-ui-'));
  const dbPath = join(dir, 'runs.db');
  log(`seeding ${tableRuns.toLocaleString('en-US')} runs and ${CURVE_RUNS} runs × ${CURVE_STEPS.toLocaleString('en-US')} steps…`);
  const t0 = performance.now();
  const { filterQuery, filterMatches } = seed(dbPath, tableRuns);
  log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const total = tableRuns + CURVE_RUNS;
  const serve = await startServe(dbPath);
  const browser = await launchChromium();
  const rows: [string, string, string][] = [];
  const size = total.toLocaleString('en-US');
  const goal = (ms: string): string => (tableRuns >= 100_000 ? ms : '—');
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // tsx compiles with esbuild's keepNames, which wraps named inner functions in __name(…); the page has no such helper.
    await page.addInitScript('globalThis.__name = (fn) => fn;');
    /** Every run counted and the first rows drawn (rows, not placeholders of rows on their way). */
    const opened = (text: string) =>
      page.waitForFunction((text) => document.querySelector('[data-testid="runs-count"]')?.textContent === text && document.querySelector('[data-testid="run-row"][aria-rowindex="2"]') !== null, text, {
        timeout: 60_000,
        polling: 'raf',
      });
    const heapMb = async (): Promise<number> => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await cdp.send('HeapProfiler.collectGarbage');
      const metrics = (await cdp.send('Performance.getMetrics')).metrics;
      await cdp.detach();
      return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN) / 2 ** 20;
    };

    log('timing list…');
    const opens: number[] = [];
    for (let k = 0; k < REPEATS; k++) {
      const start = performance.now();
      await page.goto(serve.url);
      await opened(`${total} of ${total} runs`);
      opens.push(performance.now() - start);
    }
    const openHeapMb = await heapMb();
    const timeApi = async (method: string, body: unknown): Promise<number> => {
      const times: number[] = [];
      for (let k = 0; k < REPEATS; k++) {
        const start = performance.now();
        const response = await fetch(`${serve.origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        await response.json();
        times.push(performance.now() - start);
      }
      return median(times);
    };
    const view = { query: '', sort: { key: 'created', direction: 'desc' }, showCells: false, showArchived: false };
    const windowMs = await timeApi('queryRuns', { view, offset: 0, limit: 100 });
    const listMs = await timeApi('listRuns', {});
    rows.push([`${size} runs: open the page until every run is counted and the first rows drawn`, median(opens).toFixed(0), goal('< 1000')]);
    rows.push([`${size} runs: the first window over HTTP (queryRuns: counts + 100 rows)`, windowMs.toFixed(0), '—']);
    rows.push([`${size} runs: listRuns over HTTP (every run, for comparison; the page no longer asks for it)`, listMs.toFixed(0), '—']);
    rows.push([`${size} runs: the page's JavaScript heap with the table open (MB)`, openHeapMb.toFixed(1), '—']);

    log('timing filter…');
    const filterTimes: number[] = [];
    for (let k = 0; k < REPEATS; k++) {
      filterTimes.push(await timeInPage(page, { kind: 'filter', query: filterQuery, countPrefix: `${filterMatches} of` }));
      await timeInPage(page, { kind: 'filter', query: '', countPrefix: `${total} of ${total}` });
    }
    const filterMs = median(filterTimes);
    rows.push([`${size} runs: filter ("${filterQuery}" → ${filterMatches}), incl. the 80 ms typing delay`, filterMs.toFixed(0), '—']);
    rows.push([`${size} runs: filter, work after the typing delay`, Math.max(0, filterMs - 80).toFixed(0), goal('< 100')]);

    log('timing sort…');
    const sortTimes: number[] = [];
    for (let k = 0; k < REPEATS; k++) {
      const want = k % 2 === 0 ? 'ascending' : 'descending';
      sortTimes.push(await timeInPage(page, { kind: 'sort', want }));
    }
    rows.push([`${size} runs: sort by λ (until the rows in the new order are drawn)`, median(sortTimes).toFixed(0), goal('< 100')]);

    log('timing scroll and select all…');
    await timeInPage(page, { kind: 'filter', query: '', countPrefix: `${total} of ${total}` });
    const jumpTimes: number[] = [];
    for (let k = 0; k < REPEATS; k++) jumpTimes.push(await timeInPage(page, { kind: 'jump', row: Math.floor(total / 2) + (k % 2 === 0 ? 0 : 5000) }));
    rows.push([`${size} runs: scroll to the middle (a jump until the rows there are drawn)`, median(jumpTimes).toFixed(0), '—']);
    await timeInPage(page, { kind: 'jump', row: 0 });
    const selectTimes: number[] = [];
    for (let k = 0; k < REPEATS; k++) {
      // Each from a page just opened, one run selected and its curve drawn: the time is the table's (the ids
      // fetched, the selection counted and drawn). The curves panel then draws the first 1,000 runs selected,
      // the curves' cost, not timed here; in λ's descending order those are table runs, without steps.
      await page.goto(serve.url);
      await opened(`${total} of ${total} runs`);
      await timeInPage(page, { kind: 'sort', want: 'ascending' });
      await timeInPage(page, { kind: 'sort', want: 'descending' });
      await page.locator('[data-testid="run-row"]').first().click();
      await page.waitForFunction(() => document.querySelector('[data-testid="curves-plot"]')?.getAttribute('data-series') === '1', null, { timeout: 60_000, polling: 'raf' });
      await page.waitForTimeout(300);
      const start = performance.now();
      await page.keyboard.press('Control+a');
      await page.waitForFunction((text) => document.querySelector('[data-testid="runs-toolbar"] .selection')?.textContent === text, `${total} selected`, { timeout: 60_000, polling: 'raf' });
      selectTimes.push(performance.now() - start);
    }
    rows.push([`${size} runs: select all (Ctrl+A until every run is counted selected: ids only, not rows)`, median(selectTimes).toFixed(0), '—']);
    await page.waitForTimeout(1000);
    rows.push([`${size} runs: the page's JavaScript heap with every run selected (MB)`, (await heapMb()).toFixed(1), '—']);
    await page.keyboard.press('Escape');
    if (!withCurves) return rows;

    log('timing draw…');
    await timeInPage(page, { kind: 'filter', query: 'tag = curves', countPrefix: `${CURVE_RUNS} of` });
    await page.locator('[data-testid="run-row"]').first().click();
    const selectStart = performance.now();
    await page.keyboard.press('Control+a');
    await page.waitForFunction(
      ({ series, loaded }) => {
        const plot = document.querySelector('[data-testid="curves-plot"]');
        return plot?.getAttribute('data-series') === series && plot.getAttribute('data-loaded') === loaded && plot.querySelector('canvas') !== null;
      },
      { series: String(CURVE_RUNS), loaded: String(CURVE_RUNS * (CURVE_STEPS + 1)) },
      { timeout: 120_000, polling: 'raf' },
    );
    const fetchAndDraw = performance.now() - selectStart;
    rows.push([`select ${CURVE_RUNS} runs × ${(CURVE_STEPS + 1).toLocaleString('en-US')} points: fetch every curve and draw`, fetchAndDraw.toFixed(0), '—']);
    const drawTimes: number[] = [];
    for (let k = 0; k < REPEATS + 1; k++) {
      const ms = await timeInPage(page, { kind: 'logScale', checked: k % 2 !== 0 });
      if (k > 0) drawTimes.push(ms);
    }
    rows.push([`draw ${CURVE_RUNS} runs × ${(CURVE_STEPS + 1).toLocaleString('en-US')} points (plot rebuilt, every point, next frame painted)`, median(drawTimes).toFixed(0), '< 200']);
    await page.screenshot({ path: join(dir, 'curves-100.png') });
  } finally {
    await browser.close();
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export async function runUiBench(outDir = 'bench-results'): Promise<string | null> {
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    log('ui benchmark skipped: no Chromium at /usr/bin/chromium (apt-get install -y chromium)');
    return null;
  }
  const rows: [string, string, string][] = [];
  for (const tableRuns of TABLE_SIZES) rows.push(...(await benchTable(tableRuns, tableRuns === TABLE_SIZES[TABLE_SIZES.length - 1])));
  const table = [
    '# Ridgeline explorer benchmark (issues 5 and 17)',
    '',
    `${new Date().toISOString()} · ${machine}, Chromium headless (software rendering) · medians of ${REPEATS}`,
    '',
    '| what | ms | target ms |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'ui.md'), table);
  console.log(table);
  return table;
}
