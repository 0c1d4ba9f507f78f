import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Hyperparams, RunDetail } from '../../shared/domain/runs.ts';
import { collectPageErrors, launchChromium } from './browser.ts';
import { startServe, type ServeProcess } from './cli.ts';
import { callServeWire } from './serveApi.ts';

/** A run to train on the built-in diabetes data. */
export interface RunSpec {
  name: string;
  hyperparams: Partial<Hyperparams>;
}

/** Starts a run on the diabetes data through serve mode's API and resolves with its record once it has finished (60 s at most). */
export async function trainRun(serve: ServeProcess, spec: RunSpec): Promise<RunDetail> {
  const { runId } = await callServeWire<{ runId: string }>(serve, 'startRun', { name: spec.name, datasetId: 'builtin:diabetes', hyperparams: spec.hyperparams });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const detail = await callServeWire<RunDetail>(serve, 'getRun', { id: runId });
    if (detail.status !== 'queued' && detail.status !== 'running') return detail;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${detail.status} after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface ServedRuns {
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  /** The page's console and uncaught errors (collectPageErrors). */
  pageErrors: string[];
  /** The runs' records as the service stores them, in the specs' order. */
  records: RunDetail[];
}

/**
 * `ridgeline serve` on a new database in a temp folder (named from `tmpPrefix`), the runs trained
 * through its API one after another, and Chromium's page on it once the runs table lists them all.
 * On a failure, what was started is stopped before the error is thrown.
 */
export async function serveTrainedRuns(tmpPrefix: string, specs: readonly RunSpec[], viewport: { width: number; height: number }): Promise<ServedRuns> {
  const serve = await startServe(join(mkdtempSync(join(tmpdir(), tmpPrefix)), 'runs.db'));
  let browser: Browser | undefined;
  try {
    const records: RunDetail[] = [];
    for (const spec of specs) records.push(await trainRun(serve, spec));
    browser = await launchChromium();
    const page = await browser.newPage({ viewport });
    const pageErrors = collectPageErrors(page);
    await page.goto(serve.url);
    await page.locator('[data-testid="run-row"]').nth(specs.length - 1).waitFor();
    return { serve, browser, page, pageErrors, records };
  } catch (error) {
    await browser?.close();
    await serve.stop();
    throw error;
  }
}
