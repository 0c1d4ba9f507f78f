// The sweep view as cells come in, and the path of every α (issue 15, item 14), in serve mode in Debian's
// Chromium. Before: nothing was drawn until every cell had finished, the coefficient path was the best α's
// only, and every α's CV plot said "click a dashed line to open its refit" where only the best's had
// refits. Now the CV curve of the folds finished so far is drawn and labelled "partial · k of K folds"
// (per α), a cancelled sweep keeps it, and the completed curve is the service's stored result to the bit
// (read off the plot's host, compared with getSweep); the configuration chooser (keyboard too) switches
// the path to that α's stored path (getSweepPath), and the dashed lines are clickable exactly where they
// open a refit.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartialCvResult, SweepDetail, SweepPath } from '../../shared/domain/sweeps.ts';
import { SCREENSHOT_DIR } from '../helpers/browser.ts';
import type { ServeProcess } from '../helpers/cli.ts';
import { openServedPage, type ServedPage } from '../helpers/servedPage.ts';
import { callServe } from '../helpers/serveApi.ts';

let served: ServedPage;
let serve: ServeProcess;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  served = await openServedPage('ridgeline-sweep-live-', { width: 1400, height: 900 }, 'Sweeps');
  ({ serve, page, pageErrors } = served);
});

afterAll(async () => {
  await served?.close();
});

const getSweep = (id: string) => callServe<SweepDetail>(serve, 'getSweep', { id });

/**
 * Plain gradient descent without a tolerance on one process: each cell takes a few tenths of a second,
 * so the curve is seen growing fold by fold. Two α, so the partial curve is per α.
 */
const slowSweep = (name: string) =>
  callServe<{ sweepId: string }>(serve, 'startSweep', {
    name,
    datasetId: 'builtin:correlated',
    model: 'linear',
    alphas: [0.5, 1],
    grid: { solver: ['gd'], maxIter: [3000] },
    nLambda: 5,
    folds: 8,
    tol: 0,
    poolSize: 1,
  });

/** Values in the plot's order (λ ascending), as the plot's host lists them. */
function ascending(lambdas: readonly number[], values: readonly number[]): (number | null)[] {
  return lambdas
    .map((lambda, i) => ({ lambda, v: values[i] }))
    .sort((a, b) => a.lambda - b.lambda)
    .map((p) => (Number.isFinite(p.v) ? p.v : null));
}

const parse = async (locator: Locator, attribute: string): Promise<unknown> => JSON.parse((await locator.getAttribute(attribute)) ?? 'null');

async function openSweep(sweepId: string): Promise<Locator> {
  await page.locator(`[data-testid="sweep-row"][data-sweep-id="${sweepId}"]`).click();
  const detail = page.locator(`[data-testid="sweep-detail"][data-sweep-id="${sweepId}"]`);
  await detail.waitFor();
  return detail;
}

/** Moves across the CV plot's area in 4 px steps; the x offsets where the pointer says "clickable". */
async function clickableOffsets(plot: Locator): Promise<number[]> {
  const over = plot.locator('.u-over');
  const box = (await over.boundingBox())!;
  const found: number[] = [];
  for (let x = 1; x < box.width; x += 4) {
    await page.mouse.move(box.x + x, box.y + box.height / 2);
    if ((await over.evaluate((el) => (el as HTMLElement).style.cursor)) === 'pointer') found.push(x);
  }
  return found;
}

describe('a sweep’s CV curve as its folds finish', () => {
  let sweepId = '';

  it('draws the folds finished so far, labelled partial per α, with the service’s numbers', async () => {
    ({ sweepId } = await slowSweep('live curve'));
    const detail = await openSweep(sweepId);
    const cv = detail.locator('[data-testid="sweep-cv"]');
    const plot = cv.locator('[data-testid="cv-plot"]');
    // Points before the sweep is done: the first α's curve, from its first fold on.
    await expect.poll(() => cv.getAttribute('data-folds-done'), { timeout: 60_000 }).not.toBe('0');
    expect(await detail.getAttribute('data-status')).toBe('running');
    expect(await cv.getAttribute('data-partial')).toBe('true');
    expect(await cv.getAttribute('data-config-index')).toBe('0');
    expect(await plot.getAttribute('data-points')).toBe('5');
    expect(await plot.locator('canvas').count()).toBeGreaterThan(0);
    // No λ_min / λ_1se yet: a partial minimum would move as folds come in.
    expect(await plot.getAttribute('data-marks')).toBe('false');
    expect(await cv.locator('[data-testid="cv-hint"]').textContent()).toMatch(/folds finished so far; λ_min and λ_1se are chosen when every fold has finished/);

    // It grows fold by fold, always saying how far it has come, and draws what the service has. On one
    // process the cells finish in order, so the service's curve after k folds is one curve whenever it is
    // read: each read is kept by k and compared with the page's whenever the page shows that k.
    const served = new Map<number, PartialCvResult>();
    const seen = new Set<number>();
    let matched = 0;
    await expect
      .poll(
        async () => {
          const partial = (await getSweep(sweepId)).partial[0];
          if (partial !== null) served.set(partial.foldsDone, partial);
          const done = Number(await cv.getAttribute('data-folds-done'));
          const drawn = await parse(plot, 'data-cvm');
          const drawnSd = await parse(plot, 'data-cvsd');
          if ((await cv.getAttribute('data-partial')) !== 'true' || Number(await cv.getAttribute('data-folds-done')) !== done) return seen.size;
          expect(await cv.locator('[data-testid="cv-partial"]').textContent()).toBe(`partial · ${done} of 8 folds`);
          const same = served.get(done);
          if (same !== undefined) {
            expect(drawn).toEqual(ascending(same.lambdas, same.cvm));
            expect(drawnSd).toEqual(ascending(same.lambdas, same.cvsd));
            matched++;
          }
          seen.add(done);
          return seen.size;
        },
        { timeout: 60_000, interval: 100 },
      )
      .toBeGreaterThanOrEqual(3);
    expect(matched).toBeGreaterThan(0);
    expect([...seen].every((n) => n >= 1 && n <= 8)).toBe(true);

    // The chooser says how far each α has come.
    const options = await detail.locator('[data-testid="sweep-config"] option').allTextContents();
    expect(options[0]).toMatch(/^α=0\.5 · gd · iter=3000 · (\d of 8 folds)$/);
    expect(options[1]).toMatch(/^α=1 · gd · iter=3000 · (no fold finished|\d of 8 folds)$/);
    await detail.screenshot({ path: `${SCREENSHOT_DIR}/sweep-partial-1400-light.png` });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await detail.screenshot({ path: `${SCREENSHOT_DIR}/sweep-partial-1024-dark.png` });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('ends on the stored result: the plotted cvm and cvsd are getSweep’s, to the bit', async () => {
    const detail = page.locator(`[data-testid="sweep-detail"][data-sweep-id="${sweepId}"]`);
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 120_000 }).toBe('completed');
    const stored = await getSweep(sweepId);
    const best = stored.bestAlphaIndex!;
    const result = stored.results[best]!;
    const cv = detail.locator('[data-testid="sweep-cv"]');
    const plot = cv.locator('[data-testid="cv-plot"]');
    // The user chose nothing: the view moves on to the best α, final now.
    await expect.poll(() => cv.getAttribute('data-partial')).toBe('false');
    expect(await cv.getAttribute('data-config-index')).toBe(String(best));
    expect(await cv.locator('[data-testid="cv-partial"]').count()).toBe(0);
    expect(await parse(plot, 'data-cvm')).toEqual(ascending(result.lambdas, result.cvm));
    expect(await parse(plot, 'data-cvsd')).toEqual(ascending(result.lambdas, result.cvsd));
    expect(await plot.getAttribute('data-marks')).toBe('true');
    expect(stored.partial).toEqual([null, null]);
  });

  it('keeps the partial curve of a cancelled sweep', async () => {
    const { sweepId: cancelledId } = await slowSweep('cancelled curve');
    const detail = await openSweep(cancelledId);
    const cv = detail.locator('[data-testid="sweep-cv"]');
    await expect.poll(async () => Number(await cv.getAttribute('data-folds-done')), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await detail.locator('[data-testid="sweep-cancel"]').click();
    await expect.poll(() => detail.getAttribute('data-status')).toBe('cancelled');
    const stored = await getSweep(cancelledId);
    const partial = stored.partial[0]!;
    expect(partial.foldsDone).toBeLessThan(8);
    await expect.poll(() => cv.getAttribute('data-folds-done')).toBe(String(partial.foldsDone));
    expect(await cv.getAttribute('data-partial')).toBe('true');
    expect(await cv.locator('[data-testid="cv-partial"]').textContent()).toBe(`partial · ${partial.foldsDone} of 8 folds`);
    expect(await parse(cv.locator('[data-testid="cv-plot"]'), 'data-cvm')).toEqual(ascending(partial.lambdas, partial.cvm));
    expect(await cv.locator('[data-testid="cv-hint"]').textContent()).toMatch(/folds that finished; λ_min and λ_1se are chosen once the sweep is resumed/);
    // Its fit on all the data never ran: the path section says so, and how to get it.
    expect(await detail.locator('[data-testid="sweep-path"]').textContent()).toMatch(/did not finish; resume the sweep to draw its path/);
    await detail.screenshot({ path: `${SCREENSHOT_DIR}/sweep-partial-cancelled.png` });
  });
});

describe('the coefficient path of every α', () => {
  let stored: SweepDetail;
  let detail: Locator;
  const getPath = (configIndex: number) => callServe<SweepPath>(serve, 'getSweepPath', { id: stored.id, configIndex });

  /** The stored path's coefficients at its smallest λ, for the features the plot draws. */
  async function expectPathOf(configIndex: number): Promise<void> {
    const section = detail.locator('[data-testid="sweep-path"]');
    const plot = section.locator('[data-testid="path-plot"]');
    await expect.poll(() => section.getAttribute('data-config-index')).toBe(String(configIndex));
    expect(await section.getAttribute('data-alpha')).toBe(String(stored.configs[configIndex].alpha));
    const path = await getPath(configIndex);
    const features = (await parse(plot, 'data-features')) as number[];
    expect(features).toHaveLength(10);
    const last = path.coef.length - 1;
    await expect.poll(() => parse(plot, 'data-dense-end')).toEqual(features.map((j) => path.coef[last][j]));
    expect(await section.locator('.sub').textContent()).toContain(stored.configs[configIndex].label);
  }

  it('runs a lasso and an elastic-net path sweep', async () => {
    const { sweepId } = await callServe<{ sweepId: string }>(serve, 'startSweep', { name: 'paths per α', datasetId: 'builtin:diabetes', model: 'linear', alphas: [0.1, 1], nLambda: 25, folds: 4 });
    detail = await openSweep(sweepId);
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 60_000 }).toBe('completed');
    stored = await getSweep(sweepId);
  });

  it('shows the best α’s path first, and the chosen α’s stored path when another is chosen with the keyboard', async () => {
    const best = stored.bestAlphaIndex!;
    await expectPathOf(best);
    const bestDenseEnd = await parse(detail.locator('[data-testid="path-plot"]'), 'data-dense-end');
    const chooser = detail.locator('[data-testid="sweep-config"]');
    expect(await chooser.inputValue()).toBe(String(best));
    await chooser.focus();
    await page.keyboard.press(best === 0 ? 'ArrowDown' : 'ArrowUp');
    const other = 1 - best;
    await expect.poll(() => chooser.inputValue()).toBe(String(other));
    await expectPathOf(other);
    expect(await parse(detail.locator('[data-testid="path-plot"]'), 'data-dense-end')).not.toEqual(bestDenseEnd);
    // The CV curve and the λ table follow the same choice.
    const cv = detail.locator('[data-testid="sweep-cv"]');
    expect(await cv.getAttribute('data-config-index')).toBe(String(other));
    const result = stored.results[other]!;
    expect(await parse(cv.locator('[data-testid="cv-plot"]'), 'data-cvm')).toEqual(ascending(result.lambdas, result.cvm));
    expect(await detail.locator('.table-box .sub').textContent()).toContain(result.label);
  });

  it('says the other α has no refits, and its dashed lines are not clickable', async () => {
    const cv = detail.locator('[data-testid="sweep-cv"]');
    const hint = (await cv.locator('[data-testid="cv-hint"]').textContent()) ?? '';
    expect(hint).not.toMatch(/click/);
    expect(hint).toContain(`the refits are of the best configuration, ${stored.results[stored.bestAlphaIndex!]!.label}`);
    const plot = cv.locator('[data-testid="cv-plot"]');
    expect(await plot.getAttribute('data-pickable')).toBe('false');
    await plot.scrollIntoViewIfNeeded();
    expect(await clickableOffsets(plot)).toEqual([]);
  });

  it('screenshots the sweep detail at 1400×900 and 1024×700, light and dark', async () => {
    await detail.locator('[data-testid="sweep-config"]').selectOption(String(stored.bestAlphaIndex));
    await expectPathOf(stored.bestAlphaIndex!);
    for (const [width, height] of [[1400, 900], [1024, 700]]) {
      await page.setViewportSize({ width, height });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.mouse.move(0, 0);
        await page.locator('.detail').evaluate((el) => el.scrollIntoView());
        await page.screenshot({ path: `${SCREENSHOT_DIR}/sweep-detail-${width}-${scheme}.png` });
        await detail.screenshot({ path: `${SCREENSHOT_DIR}/sweep-detail-${width}-${scheme}-full.png` });
        // Nothing in the detail is wider than its panel.
        expect(await detail.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('opens the best α’s refit from a click on its dashed line, as the hint says', async () => {
    const cv = detail.locator('[data-testid="sweep-cv"]');
    expect(await cv.getAttribute('data-config-index')).toBe(String(stored.bestAlphaIndex));
    expect(await cv.locator('[data-testid="cv-hint"]').textContent()).toMatch(/click a dashed line .* to open its refit/);
    const plot = cv.locator('[data-testid="cv-plot"]');
    expect(await plot.getAttribute('data-pickable')).toBe('true');
    await plot.scrollIntoViewIfNeeded();
    const offsets = await clickableOffsets(plot);
    expect(offsets.length).toBeGreaterThan(0);
    const box = (await plot.locator('.u-over').boundingBox())!;
    // The leftmost clickable spot is λ_min's line (log λ grows to the right, λ_min < λ_1se).
    await page.mouse.click(box.x + offsets[0], box.y + box.height / 2);
    await expect.poll(() => page.getByRole('tab', { name: 'Runs' }).getAttribute('aria-selected')).toBe('true');
    const refits = [stored.refits.lambdaMin, stored.refits.lambda1se];
    const details = page.locator('[data-testid="run-details"]');
    await details.waitFor();
    expect(refits).toContain(await details.getAttribute('data-run-id'));
    expect(await details.getAttribute('data-run-id')).toBe(stored.refits.lambdaMin);
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
