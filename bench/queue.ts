/**
 * The queue's overhead (issue 13): the same 100-cell sweep run locally on 2 trainer processes
 * (`cv --pool-size 2`) and through the queue on 2 workers of one cell each (`ridgeline worker
 * --concurrency 1`: 2 trainer processes too), on this machine, with a private redis-server on a free
 * loopback port. Both run as a user runs them (a fresh `ridgeline cv` process each time), alternately,
 * each repeat with its own fold seed, so the data (whose bytes hold the folds) are new to the workers and
 * travel again. Medians of the sweep time (`timings.fitMs`: from the data in memory to the result), of
 * the span from the first committed cell to the last (each `cells k/N` progress line timed as it
 * arrives) and of the cells' own training time (`sweep_cells.fit_ms`); the data transfer from the
 * workers' log lines; the results compared bit for bit. `npm run bench:queue`; writes bench-results/queue.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { CLI, REPO_ROOT } from '../test/helpers/cli.ts';
import { startQueueWorker, type CliProcess } from '../test/helpers/queueWorkers.ts';
import { startRedis } from '../test/helpers/redisServer.ts';
import { writeCorrelatedCsv } from '../test/helpers/syntheticCsv.ts';
import { fmt, log, machine, median } from './common.ts';

/** 10 α × (9 folds + the path on all the data) = 100 cells. */
const ALPHAS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const FOLDS = 9;
const CELLS = ALPHAS.length * (FOLDS + 1);
const ROWS = 3000;
const COLUMNS = 20;
const N_LAMBDA = 50;
const REPEATS = 7;
/** The per-cell overhead the issue allows, besides the data transfer. */
const GOAL_MS = 5;

interface SweepRun {
  fitMs: number;
  wallMs: number;
  /** From the first committed cell to the last (both commands log `cells k/N` as they commit). */
  spanMs: number;
  /** The cells' own training time, as their trainer processes measured it (sweep_cells.fit_ms), summed. */
  computeMs: number;
  /** What must be equal bit for bit: the best α's curve, λ_min/λ_1se and every α's summary, as JSON text. */
  result: string;
  cellsTotal: number;
}

interface Transfer {
  /** The slower worker's fetch (both fetch at once, each its own copy). */
  ms: number;
  mib: number;
  workers: number;
}

const sweepArgs = (csv: string, seed: number) => ['cv', '--data', csv, '--target', 'y', '--alphas', ALPHAS.join(','), '--folds', String(FOLDS), '--n-lambda', String(N_LAMBDA), '--seed', String(seed), '--json'];

/** `ridgeline …` as a child process, each stderr line timed as it arrives. */
function runTimed(args: string[]): Promise<{ status: number | null; stdout: string; lines: { at: number; text: string }[]; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let pending = '';
    const lines: { at: number; text: string }[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const at = performance.now();
      let cut: number;
      while ((cut = pending.indexOf('\n')) >= 0) {
        lines.push({ at, text: pending.slice(0, cut) });
        pending = pending.slice(cut + 1);
      }
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, lines, wallMs: performance.now() - started }));
  });
}

/** Σ fit_ms of a stored sweep's cells. */
function computeMsOf(db: string): number {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (conn.prepare("SELECT total(fit_ms) AS ms FROM sweep_cells WHERE status = 'completed'").get() as { ms: number }).ms;
  } finally {
    conn.close();
  }
}

/** `what`: how a failure is named (the arguments hold the queue's password); the sweep is stored in `db`. */
async function runSweep(args: string[], db: string, what: string): Promise<SweepRun> {
  const run = await runTimed([...args, '--db', db]);
  if (run.status !== 0) throw new Error(`the ${what} sweep failed: ${run.lines.at(-1)?.text ?? 'no message'}`);
  const doc = JSON.parse(run.stdout) as Record<string, unknown> & { timings: { fitMs: number } };
  const { cvm, cvsd, lambdas, lambdaMin, lambda1se, configs, best } = doc;
  const progress = run.lines.filter((line) => /^cells \d+\/\d+$/.test(line.text));
  return {
    fitMs: doc.timings.fitMs,
    wallMs: run.wallMs,
    spanMs: (progress.at(-1)?.at ?? 0) - (progress[0]?.at ?? 0),
    computeMs: computeMsOf(db),
    result: JSON.stringify({ lambdas, cvm, cvsd, lambdaMin, lambda1se, configs, best }),
    cellsTotal: Number(/\/(\d+)$/.exec(progress.at(-1)?.text ?? '')?.[1] ?? 0),
  };
}

/** The workers' data fetches logged since `offsets` (one line each: "data H (X MiB) fetched from … in S s"). */
function transferSince(workers: CliProcess[], offsets: number[]): Transfer {
  const fetches = workers.flatMap((w, k) => [...w.stderr().slice(offsets[k]).matchAll(/^data [0-9a-f]{12} \((\d+\.\d) MiB\) fetched from .* in (\d+\.\d+) s$/gm)]);
  return { ms: Math.max(0, ...fetches.map((m) => Number(m[2]) * 1000)), mib: Number(fetches[0]?.[1] ?? 0), workers: fetches.length };
}

/**
 * Per cell, what the steady run of cells costs besides training them: the span from the first committed
 * cell to the last, less the training those cells took on the 2 trainer processes, per cell. It holds
 * all of the queue's per-cell cost (the messages through Redis, the worker's hand-over to its trainer,
 * the coordinator's reading of the result) and what both sides pay (storing each cell), however fast
 * each side's trainers are (the local pool's processes are new in each command and slower while V8
 * warms up; the workers' are warm).
 */
const besideTraining = (run: SweepRun): number => (run.spanMs - run.computeMs / 2) / (CELLS - 1);

/** What the sweep costs before its first cell is committed and after its last (sweep time − span). */
const startAndEnd = (run: SweepRun): number => run.fitMs - run.spanMs;

interface Timing {
  fitMs: number;
  wallMs: number;
  spanMs: number;
  computeMs: number;
  besideTrainingMs: number;
  startAndEndMs: number;
}

export interface QueueBenchResult {
  cells: number;
  repeats: number;
  local: Timing;
  queue: Timing;
  transfer: Transfer;
  /** (queue − local) sweep time / cells: the overhead as a user sees it. */
  overheadPerCellMs: number;
  identical: boolean;
}

export async function runQueue(repeats = REPEATS): Promise<QueueBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-bench-queue-'));
  const redis = await startRedis();
  const workers: CliProcess[] = [];
  try {
    const csv = join(dir, 'data.csv');
    writeCorrelatedCsv(csv, ROWS, COLUMNS, 17);
    // The production defaults of lock and stall checks (the tests' helper shortens them).
    const start = () => startQueueWorker(redis.url, { lockMs: 30_000, stalledMs: 15_000, started: workers });
    await Promise.all([start(), start()]);
    const local: SweepRun[] = [];
    const queued: SweepRun[] = [];
    const transfers: Transfer[] = [];
    let identical = true;
    // Seed 0 warms both (the workers' trainer processes start, the trainer bundle is built), untimed.
    for (let seed = 0; seed <= repeats; seed++) {
      const localRun = await runSweep([...sweepArgs(csv, seed), '--pool-size', '2'], join(dir, `local-${seed}.db`), 'local');
      const offsets = workers.map((w) => w.stderr().length);
      const queueRun = await runSweep([...sweepArgs(csv, seed), '--queue', redis.url], join(dir, `queue-${seed}.db`), 'queued');
      if (localRun.cellsTotal !== CELLS || queueRun.cellsTotal !== CELLS) throw new Error(`expected ${CELLS} cells, the sweeps had ${localRun.cellsTotal} and ${queueRun.cellsTotal}`);
      if (localRun.result !== queueRun.result) identical = false;
      if (seed === 0) continue;
      local.push(localRun);
      queued.push(queueRun);
      transfers.push(transferSince(workers, offsets));
      log(`queue: repeat ${seed}/${repeats}: sweep time local ${fmt(localRun.fitMs)} ms, queue ${fmt(queueRun.fitMs)} ms; first to last cell local ${fmt(localRun.spanMs)} ms, queue ${fmt(queueRun.spanMs)} ms; data ${fmt(transfers.at(-1)!.ms)} ms`);
    }
    const summary = (runs: SweepRun[]): Timing => ({
      fitMs: median(runs.map((r) => r.fitMs)),
      wallMs: median(runs.map((r) => r.wallMs)),
      spanMs: median(runs.map((r) => r.spanMs)),
      computeMs: median(runs.map((r) => r.computeMs)),
      besideTrainingMs: median(runs.map(besideTraining)),
      startAndEndMs: median(runs.map(startAndEnd)),
    });
    return {
      cells: CELLS,
      repeats,
      local: summary(local),
      queue: summary(queued),
      transfer: { ms: median(transfers.map((t) => t.ms)), mib: transfers[0].mib, workers: median(transfers.map((t) => t.workers)) },
      // Per repeat (the same seed, back to back), then the median: less noise than a difference of medians.
      overheadPerCellMs: median(local.map((l, k) => (queued[k].fitMs - l.fitMs) / CELLS)),
      identical,
    };
  } finally {
    for (const worker of workers) await worker.kill();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench:queue` (and part of `npm run bench`): writes bench-results/queue.md. */
export async function runQueueBench(): Promise<void> {
  log(`queue: a ${CELLS}-cell sweep locally (--pool-size 2) and through the queue (2 workers, --concurrency 1), ${REPEATS} repeats each…`);
  const r = await runQueue();
  const q = r.queue;
  const met = r.overheadPerCellMs < GOAL_MS && q.besideTrainingMs < GOAL_MS;
  const row = (name: string, t: Timing) =>
    `| ${name} | ${fmt(t.fitMs)} ms | ${fmt(t.spanMs)} ms | ${fmt(t.computeMs)} ms | ${fmt(t.besideTrainingMs)} ms | ${fmt(t.startAndEndMs)} ms | ${fmt(t.wallMs)} ms |`;
  const lines = [
    '# Sweeps through the queue',
    '',
    `Machine: ${machine}; a private redis-server on loopback. The same sweep, \`ridgeline cv … --db\` run as a user runs it: a linear lasso CV on ${ROWS} × ${COLUMNS} rows, ${ALPHAS.length} α (${ALPHAS[0]}…${ALPHAS.at(-1)}) × (${FOLDS} folds + the path on all data) = **${r.cells} cells** of ${N_LAMBDA} λ each, about a millisecond of training per cell, so that the overhead shows. Locally on 2 trainer processes (\`--pool-size 2\`, started by each command), and through the queue on 2 workers of one cell at a time (\`ridgeline worker --concurrency 1\`: 2 trainer processes, running already). Run alternately, ${r.repeats} repeats after one untimed warm-up of each, each repeat with its own fold seed (so the data are new to the workers and travel again); medians.`,
    '',
    '| | sweep time (timings.fitMs) | first to last committed cell | cells\u2019 training (Σ fit_ms) | per cell beyond training, first to last cell | before the first cell and after the last | wall time (the whole command) |',
    '|---|---|---|---|---|---|---|',
    row('local, --pool-size 2', r.local),
    row('queue, 2 workers', q),
    '',
    `- **Overhead per cell, as a user sees it: ${fmt(r.overheadPerCellMs)} ms** ((queue − local) sweep time / ${r.cells} cells, per repeat, then the median). The queue can come out ahead: the local pool's processes start with each command (the sweep waits for them, and they train the first cells slowly while V8 warms up), the workers' are warm.`,
    `- **Per cell beyond training, through the queue: ${fmt(q.besideTrainingMs)} ms** (first to last committed cell, less the cells' training on its 2 processes, per cell): every per-cell cost of the queue (the messages through Redis, the worker's hand-over to its trainer, the coordinator's reading of the result) and what both sides pay (storing the cell); ${fmt(r.local.besideTrainingMs)} ms locally.`,
    `- **Before the first cell and after the last, through the queue: ${fmt(q.startAndEndMs)} ms per sweep** (queuing the cells, the data transfer, the first worker's take, the summary), against ${fmt(r.local.startAndEndMs)} ms locally (waiting for the new trainer processes, the summary).`,
    `- **Data transfer**: ${r.transfer.mib} MiB through Redis to each of ${r.transfer.workers} workers, ${fmt(r.transfer.ms)} ms (the slower worker's fetch, from its own log line).`,
    '',
    met
      ? `Verdict: under the goal of ${GOAL_MS} ms per cell plus the data transfer, both as a user sees it and per cell beyond training.`
      : `Verdict: MISSES the goal of ${GOAL_MS} ms per cell plus the data transfer.`,
    '',
    r.identical
      ? 'Results: bit-identical in every repeat (cvm, cvsd, λ, λ_min, λ_1se of the best α and every α\u2019s summary, compared as JSON text, which holds every bit of a double).'
      : 'Results: DIFFERENT between the local and the queued sweep.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'queue.md'), `${lines.join('\n')}\n`);
  // A queue that changes the numbers is a failure of the product, not a figure.
  if (!r.identical) process.exitCode = 1;
}
