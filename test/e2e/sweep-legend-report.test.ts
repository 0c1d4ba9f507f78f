// The sweep view's heat map and the sweep report (issue 15, item 17), in a real browser (serve mode,
// Debian's Chromium): a sweep over two α on data with little noise, whose errors span hundreds of
// standard errors (where the colour bar's "1 SE" and "3 SE" ticks used to print over each other, as
// "3 SE1 SE"). The ticks' boxes, as the browser lays them out, must not overlap. The HTML report
// downloaded from the view names the error bars as the app does (mean ± 1 SE over folds: cv.glmnet's
// cvsd is the standard error of the mean, as test/unit/cv.test.ts checks) and has no empty header rows.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlphaResult, SweepDetail } from '../../shared/domain/sweeps.ts';
import { collectPageErrors, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { startServe, type ServeProcess } from '../helpers/cli.ts';
import { callServe } from '../helpers/serveApi.ts';

let dir: string;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let sweep: SweepDetail;

/** Standard normal draws from a seeded mulberry32 (Box–Muller): the data are the same on every run. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * 200 rows of y = 1 + Σ j·x_j + 0.5·ε over 5 features: the null model's error is ~200 times the best
 * one's, whose standard error over 5 folds is ~1/2000 of that span (log1p of the span in SE ≈ 7.6).
 */
function quietCsv(): string {
  const draw = normals(7);
  const lines = ['x1,x2,x3,x4,x5,y'];
  for (let i = 0; i < 200; i++) {
    const x = Array.from({ length: 5 }, draw);
    const y = 1 + x.reduce((sum, v, j) => sum + (j + 1) * v, 0) + 0.5 * draw();
    lines.push([...x, y].map((v) => v.toFixed(6)).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Uploads and imports a CSV through the HTTP API, as the import dialog does; answers the data set's id. */
async function importCsv(name: string, text: string): Promise<string> {
  const uploaded = await fetch(`${serve.origin}/api/upload`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${serve.token}`, 'X-Filename': encodeURIComponent(`${name}.csv`), 'Content-Type': 'text/csv' },
    body: text,
  });
  const { uploadId } = ((await uploaded.json()) as { value: { uploadId: string } }).value;
  await callServe(serve, 'startImport', { source: { kind: 'upload', uploadId }, options: { name, target: 'y' } });
  const until = Date.now() + 30_000;
  for (;;) {
    const found = (await callServe<{ id: string; name: string }[]>(serve, 'listDatasets')).find((d) => d.name === name);
    if (found) return found.id;
    if (Date.now() > until) throw new Error(`${name} was not imported`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-sweep-legend-'));
  serve = await startServe(join(dir, 'legend.db'));
  const datasetId = await importCsv('quiet', quietCsv());
  const { sweepId } = await callServe<{ sweepId: string }>(serve, 'startSweep', {
    name: 'legend sweep',
    datasetId,
    model: 'linear',
    alphas: [0.5, 1],
    nLambda: 30,
    folds: 5,
    seed: 1,
    poolSize: 2,
  });
  const until = Date.now() + 120_000;
  for (;;) {
    sweep = await callServe<SweepDetail>(serve, 'getSweep', { id: sweepId });
    if (sweep.status === 'completed') break;
    if (sweep.status === 'failed' || sweep.status === 'cancelled' || Date.now() > until) throw new Error(`the sweep is ${sweep.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 1100 }, acceptDownloads: true });
  pageErrors = collectPageErrors(page);
  await page.goto(serve.url);
  await page.getByRole('tab', { name: 'Sweeps' }).click();
  await page.locator(`[data-testid="sweep-row"][data-sweep-id="${sweep.id}"]`).click();
  await page.locator('[data-testid="sweep-detail"][data-status="completed"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('the heat map legend', () => {
  it('spans hundreds of standard errors, where the old fixed ticks 1 SE and 3 SE sat closer than a label’s width', () => {
    const results = sweep.results.filter((r): r is AlphaResult => r !== null);
    expect(results.length).toBe(2);
    const best = sweep.results[sweep.bestAlphaIndex ?? -1]!;
    const se = best.cvsd[best.indexMin];
    const values = results.flatMap((r) => r.cvm.filter((v, l) => Number.isFinite(v) && r.lambdas[l] > 0));
    const top = Math.log1p((Math.max(...values) - Math.min(...values)) / se);
    // The former rule: k SE at 1 − log1p(k)/top on a 192 px bar, kept when inside (0.08, 0.92).
    const old = [1, 3].map((k) => 1 - Math.log1p(k) / top);
    for (const t of old) expect(t > 0.08 && t < 0.92, `top ${top}`).toBe(true);
    // Two 10 px labels "1 SE" and "3 SE" are each over 20 px wide.
    expect((old[0] - old[1]) * 192).toBeLessThan(20);
  });

  it('draws ticks whose labels do not overlap and stay on the bar', async () => {
    const legend = page.locator('[data-testid="cv-heatmap"] .legend .bar');
    await legend.waitFor();
    const bar = (await legend.boundingBox())!;
    const marks = legend.locator('.mark');
    const count = await marks.count();
    expect(count).toBeGreaterThanOrEqual(2);
    const boxes = [];
    for (let i = 0; i < count; i++) boxes.push({ text: await marks.nth(i).textContent(), box: (await marks.nth(i).boundingBox())! });
    expect(boxes[0].text).toBe('1 SE');
    boxes.sort((a, b) => a.box.x - b.box.x);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i].box.x, `${boxes[i - 1].text} | ${boxes[i].text}`).toBeGreaterThan(boxes[i - 1].box.x + boxes[i - 1].box.width);
    for (const { box } of boxes) {
      expect(box.x).toBeGreaterThanOrEqual(bar.x - 0.5);
      expect(box.x + box.width).toBeLessThanOrEqual(bar.x + bar.width + 0.5);
    }
    await page.locator('[data-testid="cv-heatmap"]').screenshot({ path: `${SCREENSHOT_DIR}/heatmap-legend.png` });
  });
});

describe('the sweep report', () => {
  it('names the error bars mean ± 1 SE (cvsd is the standard error of the mean over folds) and has no empty header row', async () => {
    const sweepView = page.locator('[data-testid="sweep-detail"]');
    const [file] = await Promise.all([page.waitForEvent('download'), sweepView.locator('[data-testid="export-report"] button[data-format="html"]').click()]);
    const path = join(dir, file.suggestedFilename());
    await file.saveAs(path);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('mean ± 1 SE over folds');
    expect(html).not.toMatch(/± 1 sd/);
    expect(html).toContain('cvsd (standard error)');
    // Every header row names its columns: none is a row of empty cells.
    const heads = [...html.matchAll(/<thead>(.*?)<\/thead>/g)].map((m) => m[1]);
    expect(heads.length).toBeGreaterThan(0);
    for (const head of heads) expect(head.replace(/<[^>]+>/g, '').trim(), head).not.toBe('');
    // The label–value tables (seed, folds, hash…) label their rows instead.
    expect(html).toMatch(/<table><tbody><tr><th scope="row">status<\/th>/);
  });

  it('logged no errors in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});
