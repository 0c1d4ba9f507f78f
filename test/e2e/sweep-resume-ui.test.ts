// Cancel a sweep and Resume it in the app (serve mode, Debian's Chromium), items 1 and 2 of "What a new
// user stumbles on": the cells a resume restarts are not listed as retries (no "retried after: no error
// recorded" line per cell), and "Elapsed" ticks while the sweep runs, stands still while it is cancelled,
// and adds only the running time of each execution (the pause in between is not counted).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepDetail } from '../../shared/domain/sweeps.ts';
import { formatDuration } from '../../renderer/src/lib/duration.ts';
import { SCREENSHOT_DIR } from '../helpers/browser.ts';
import type { ServeProcess } from '../helpers/cli.ts';
import { openServedPage, type ServedPage } from '../helpers/servedPage.ts';
import { callServe } from '../helpers/serveApi.ts';
import { sleep } from '../helpers/wait.ts';

let served: ServedPage;
let serve: ServeProcess;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  served = await openServedPage('ridgeline-sweep-resume-', { width: 1400, height: 1000 }, 'Sweeps');
  ({ serve, page, pageErrors } = served);
});

afterAll(async () => {
  await served?.close();
});

const getSweep = (id: string) => callServe<SweepDetail>(serve, 'getSweep', { id });

/** Seconds from the "Elapsed" text ("0.4 s", "12 s", "3 min 05 s"). */
async function shownElapsed(): Promise<number> {
  const text = (await page.locator('[data-testid="sweep-elapsed"]').textContent()) ?? '';
  const match = /^(?:(\d+) min )?([\d.]+) s$/.exec(text.trim());
  if (!match) throw new Error(`"Elapsed" reads "${text}"`);
  return Number(match[1] ?? 0) * 60 + Number(match[2]);
}

/** How much the shown elapsed time grows over `ms` of waiting. */
async function elapsedGrowth(ms: number): Promise<number> {
  const before = await shownElapsed();
  await sleep(ms);
  return (await shownElapsed()) - before;
}

describe('cancelling and resuming a sweep', () => {
  it('ticks Elapsed live, restarts cells on Resume without calling them retries, and counts only running time', async () => {
    // Plain gradient descent with no tolerance on one process: 21 cells of about a third of a second each.
    const launchedAt = Date.now();
    const { sweepId } = await callServe<{ sweepId: string }>(serve, 'startSweep', {
      name: 'cancel and resume',
      datasetId: 'builtin:correlated',
      model: 'linear',
      grid: { solver: ['gd'], maxIter: [2000] },
      nLambda: 5,
      folds: 20,
      tol: 0,
      poolSize: 1,
    });
    await page.locator(`[data-testid="sweep-row"][data-sweep-id="${sweepId}"]`).click();
    const detail = page.locator(`[data-testid="sweep-detail"][data-sweep-id="${sweepId}"]`);
    await expect.poll(() => detail.getAttribute('data-status')).toBe('running');

    // While it runs, the clock moves with real time (it read 0.0 s for seconds before).
    expect(await elapsedGrowth(2000)).toBeGreaterThan(1.5);
    const atCancel = (await getSweep(sweepId)).cellsDone;
    expect(atCancel).toBeLessThan(21);
    await detail.locator('[data-testid="sweep-cancel"]').click();
    await expect.poll(() => detail.getAttribute('data-status')).toBe('cancelled');
    const cancelledAt = Date.now();
    const firstRun = (await getSweep(sweepId)).elapsedMs ?? 0;
    expect(firstRun).toBeGreaterThan(2000);
    // Cancelled, it shows what the service recorded, and stands still.
    await expect.poll(() => page.locator('[data-testid="sweep-elapsed"]').textContent()).toBe(formatDuration(firstRun / 1000));
    expect(await elapsedGrowth(1500)).toBe(0);

    const resumedAt = Date.now();
    await detail.locator('[data-testid="sweep-resume"]').click();
    await expect.poll(() => detail.getAttribute('data-status')).toBe('running');
    // Resumed, it goes on from the first execution's time and keeps ticking (it froze there before).
    expect(await shownElapsed()).toBeGreaterThanOrEqual(Math.floor((firstRun / 1000) * 10) / 10);
    expect(await elapsedGrowth(1500)).toBeGreaterThan(1);

    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 60_000 }).toBe('completed');
    const doneAt = Date.now();
    const done = await getSweep(sweepId);
    expect(done.cells.every((cell) => cell.status === 'completed')).toBe(true);
    // Cells restarted by the resume did not fail: nothing to report about them.
    expect(done.cells.every((cell) => cell.error === null)).toBe(true);
    expect(await page.locator('[data-testid="sweep-cell-issues"]').count()).toBe(0);
    // Honest time: both executions, not the pause between them (wall time from launch, minus the pause).
    const elapsed = done.elapsedMs ?? 0;
    expect(elapsed).toBeGreaterThan(firstRun + (doneAt - resumedAt) - 2000);
    expect(elapsed).toBeLessThan(doneAt - launchedAt - (resumedAt - cancelledAt) + 1000);
    await expect.poll(() => page.locator('[data-testid="sweep-elapsed"]').textContent()).toBe(formatDuration(elapsed / 1000));
    // The CV plot follows the progress box directly.
    await page.locator('[data-testid="cv-plot"]').waitFor();
    const top = (await detail.boundingBox())?.y ?? 0;
    expect(((await page.locator('[data-testid="cv-plot"]').boundingBox())?.y ?? Infinity) - top).toBeLessThan(600);
    await detail.screenshot({ path: `${SCREENSHOT_DIR}/sweep-resumed.png` });
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
