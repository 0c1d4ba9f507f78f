/**
 * Serve mode under load (issue 14): `ridgeline serve` trains 4 runs and 2 sweeps while concurrent
 * clients poll `listRuns` and `getRunMetrics` the way the renderer does (the plotted metric, from the
 * first step each client lacks: bench/loadClient.ts) and each holds the event stream open. Reports
 * latency (p50, p99) and errors, and afterwards checks that nothing was lost: every run stored all its
 * steps (maxIter + 1 rows), both sweeps completed, and every client's assembled curves equal the stored
 * ones bit for bit. `npm run bench` runs the long form (60 s, 20 clients) and writes bench-results/load.md;
 * test/e2e/serve-load.test.ts runs a short form and asserts only what is deterministic (no errors,
 * nothing lost).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServe, type ServeProcess } from '../test/helpers/cli.ts';
import { log, machine } from './common.ts';
import { POLLED_METRIC, PollingClient, callApi } from './loadClient.ts';

export interface LoadOptions {
  durationMs: number;
  clients: number;
  /** Iterations of each of the 4 runs (gd, tol 0, so exactly this many). */
  runIterations: number;
  /** Iterations of each gd cell of the 2 sweeps. */
  cellIterations: number;
}

export interface LoadResult {
  requests: number;
  errors: string[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  events: number;
  runs: { id: string; expectedSteps: number; storedSteps: number; status: string }[];
  sweeps: { id: string; status: string; cellsDone: number; cellsTotal: number }[];
  /** Where a client's incrementally assembled curves differ from the stored ones (none when nothing was lost). */
  clientDifferences: string[];
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const call = <T>(serve: ServeProcess, method: string, input: unknown): Promise<T> => callApi<T>(serve, method, input);

/** Holds the event stream open until `signal` aborts; counts the events. */
async function readEvents(serve: ServeProcess, signal: AbortSignal, count: () => void, errors: string[]): Promise<void> {
  try {
    const response = await fetch(`${serve.origin}/api/events`, { headers: { Authorization: `Bearer ${serve.token}` }, signal });
    if (response.status !== 200 || !response.body) {
      errors.push(`events: status ${response.status}`);
      return;
    }
    const decoder = new TextDecoder();
    let pending = '';
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = pending.indexOf('\n\n')) >= 0) {
        if (pending.slice(0, cut).startsWith('data: ')) count();
        pending = pending.slice(cut + 2);
      }
    }
  } catch (error) {
    if (!signal.aborted) errors.push(`events: ${(error as Error).message}`);
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-load-'));
  const serve = await startServe(join(dir, 'load.db'));
  const errors: string[] = [];
  const latencies: number[] = [];
  let events = 0;
  try {
    const runIds: string[] = [];
    for (let k = 0; k < 4; k++) {
      const { runId } = await call<{ runId: string }>(serve, 'startRun', {
        name: `load ${k}`,
        datasetId: 'builtin:correlated',
        hyperparams: { model: 'linear', lambda: 0.001 * (k + 1), alpha: 0, solver: 'gd', learningRate: 0.05, maxIter: options.runIterations, tol: 0 },
      });
      runIds.push(runId);
    }
    const sweepIds: string[] = [];
    for (let k = 0; k < 2; k++) {
      const { sweepId } = await call<{ sweepId: string }>(serve, 'startSweep', {
        name: `load sweep ${k}`,
        datasetId: 'builtin:logistic',
        model: 'logistic',
        grid: { solver: ['gd'], learningRate: [0.5], maxIter: [options.cellIterations] },
        alphas: [0],
        nLambda: 4,
        folds: 3,
        tol: 0,
        seed: k,
      });
      sweepIds.push(sweepId);
    }

    const stop = new AbortController();
    const streams = Array.from({ length: options.clients }, () => readEvents(serve, stop.signal, () => events++, errors));
    const until = performance.now() + options.durationMs;
    const clients = Array.from({ length: options.clients }, () => new PollingClient(serve, runIds));
    await Promise.all(clients.map((client, k) => client.pollUntil(until, k, latencies, errors)));
    stop.abort();
    await Promise.all(streams);

    // Nothing lost: wait for the work to end, then count what was stored.
    const deadline = Date.now() + 600_000;
    const settled = async (): Promise<boolean> => {
      const runs = await call<{ id: string; status: string }[]>(serve, 'listRuns', {});
      const sweeps = await call<{ id: string; status: string }[]>(serve, 'listSweeps', {});
      const busy = (status: string) => status === 'queued' || status === 'running';
      return !runs.some((r) => busy(r.status)) && !sweeps.some((s) => busy(s.status));
    };
    while (!(await settled())) {
      if (Date.now() > deadline) throw new Error('the load test’s runs did not finish in 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const metrics = await call<{ runId: string; count: number; columns: Record<string, Float64Array> }[]>(serve, 'getRunMetrics', { ids: runIds, metrics: [POLLED_METRIC] });
    // Each client catches up once the runs are done; what it assembled must be the stored history.
    const stored = new Map(metrics.map((m) => [m.runId, m.columns[POLLED_METRIC]]));
    const clientDifferences: string[] = [];
    for (const [k, client] of clients.entries()) {
      try {
        await client.pollCurves();
        clientDifferences.push(...client.differences(stored).map((d) => `client ${k}: ${d}`));
      } catch (error) {
        clientDifferences.push(`client ${k}: ${(error as Error).message}`);
      }
    }
    const summaries = await call<{ id: string; status: string }[]>(serve, 'listRuns', {});
    const runs = runIds.map((id) => ({
      id,
      expectedSteps: options.runIterations + 1,
      storedSteps: metrics.find((m) => m.runId === id)?.count ?? 0,
      status: summaries.find((r) => r.id === id)?.status ?? 'missing',
    }));
    const sweeps = await Promise.all(sweepIds.map(async (id) => {
      const detail = await call<{ status: string; cellsDone: number; cellsTotal: number }>(serve, 'getSweep', { id });
      return { id, status: detail.status, cellsDone: detail.cellsDone, cellsTotal: detail.cellsTotal };
    }));
    const sorted = [...latencies].sort((a, b) => a - b);
    return { requests: latencies.length + errors.length, errors, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), maxMs: sorted[sorted.length - 1] ?? Number.NaN, events, runs, sweeps, clientDifferences };
  } finally {
    await serve.stop();
  }
}

/** The long form for `npm run bench`: 60 s, 20 clients; writes bench-results/load.md. */
export async function runLoadBench(): Promise<void> {
  const options: LoadOptions = { durationMs: 60_000, clients: 20, runIterations: 200_000, cellIterations: 20_000 };
  log(`load: serve with 4 runs and 2 sweeps training, ${options.clients} clients for ${options.durationMs / 1000} s…`);
  const result = await runLoad(options);
  const lost =
    result.runs.filter((r) => r.storedSteps !== r.expectedSteps || r.status !== 'completed').length +
    result.sweeps.filter((s) => s.status !== 'completed').length +
    result.clientDifferences.length;
  const lines = [
    '# Serve mode under load',
    '',
    `Machine: ${machine}. ${options.clients} clients, each with the event stream open, alternately polling listRuns and getRunMetrics as the renderer does (the ${POLLED_METRIC} curves of 4 runs, a metric progress events do not carry, from the first step it lacks), back to back for ${options.durationMs / 1000} s, while 4 gd runs (${options.runIterations} iterations) and 2 logistic sweeps (gd cells of ${options.cellIterations} iterations) train.`,
    '',
    '| requests | errors | p50 | p99 (goal < 250 ms) | max | events received | runs complete | sweeps complete |',
    '|---|---|---|---|---|---|---|---|',
    `| ${result.requests} | ${result.errors.length} | ${result.p50Ms.toFixed(1)} ms | ${result.p99Ms.toFixed(1)} ms | ${result.maxMs.toFixed(1)} ms | ${result.events} | ${result.runs.filter((r) => r.storedSteps === r.expectedSteps).length}/4 | ${result.sweeps.filter((s) => s.status === 'completed').length}/2 |`,
    '',
    lost === 0
      ? `Nothing lost: every run stored maxIter + 1 steps, both sweeps completed, and each of the ${options.clients} clients' incrementally assembled curves equals the stored history bit for bit.`
      : `LOST: ${JSON.stringify({ runs: result.runs, sweeps: result.sweeps, clients: result.clientDifferences.slice(0, 10) })}`,
    ...(result.errors.length > 0 ? ['', 'First errors:', ...result.errors.slice(0, 5).map((e) => `- ${e}`)] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'load.md'), `${lines.join('\n')}\n`);
}
