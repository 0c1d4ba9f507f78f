/**
 * The trainer process: runs one fit at a time off the service process, streaming progress.
 * The same file is the entry of an Electron utility process (desktop) and of a Node child process
 * (serve mode, CLI): only the two-line transport below differs.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort as threadPort, workerData } from 'node:worker_threads';
import { cvCell, cvLambdaGrid, fitCell, fullFitCell, fullPathCell, randomFolds, sharedMoments } from '../../shared/engine/cv.ts';
import type { FoldMoments } from '../../shared/engine/cd/foldGram.ts';
import { correlatedDesign } from '../../shared/datasets/generators.ts';
import { decodeSweepData, type SweepData } from '../../shared/protocol/sweepData.ts';
import { toErrorInfo } from '../../shared/errors.ts';
import { optimumObjective, startFit } from '../../shared/engine/fit.ts';
import { testLoss } from '../../shared/engine/validation.ts';
import { PROGRESS_INTERVAL_MS, type CellJob, type CellOutput, type FromTrainer, type ToTrainer } from '../../shared/protocol/trainer.ts';
import type { Design, FitSession } from '../../shared/engine/types.ts';
import { SPLIT_MIN_ENTRIES } from '../../shared/engine/kernels/glmPasses.ts';
import { installPassLane } from '../../shared/engine/kernels/passLane.ts';
import { startPassLane, type StartedPassLane } from './passLane.ts';
import { isLaneStart } from './passLaneProtocol.ts';
import { runPassLane } from './passLaneThread.ts';

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;

function post(message: FromTrainer): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onMessage(listener: (message: ToTrainer) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data as ToTrainer));
  else process.on('message', (message) => listener(message as ToTrainer));
}

const sessions = new Map<string, FitSession>();
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Slices aim at this long, so a cancel is seen within a few milliseconds. */
const SLICE_TARGET_MS = 5;

let lane: StartedPassLane | null = null;

/**
 * A run on a design large enough for its passes to be split (glmPasses.ts: rowSplit) gets a second lane:
 * a thread, started once, that sums half of each pass. It is installed when its thread is ready; the
 * passes before that sum both halves here, with the same results. Sweep cells never start it: their
 * pool already has a process per core.
 */
function secondLaneFor(design: Design): void {
  if (lane || design.m * design.p < SPLIT_MIN_ENTRIES || availableParallelism() < 2) return;
  const started = startPassLane(new URL(import.meta.url));
  lane = started;
  started.ready.then(
    () => installPassLane(started),
    () => undefined,
  );
}

async function train(message: Extract<ToTrainer, { type: 'start' }>): Promise<void> {
  const { id, design, options } = message;
  secondLaneFor(design);
  const t0 = performance.now();
  const session = startFit(design, options, { now: () => performance.now() - t0 });
  sessions.set(id, session);
  let sent = 0;
  let lastFlush = performance.now();
  let sliceSteps = 1;
  while (!session.finished) {
    const sliceStart = performance.now();
    session.advance(sliceSteps);
    const sliceMs = performance.now() - sliceStart;
    sliceSteps = Math.max(1, Math.min(1 << 16, Math.round(sliceSteps * (sliceMs > 0 ? SLICE_TARGET_MS / sliceMs : 2))));
    if (!session.finished && performance.now() - lastFlush >= PROGRESS_INTERVAL_MS) {
      const batch = session.metricsSince(sent);
      sent += batch.count;
      post({ type: 'progress', id, batch });
      lastFlush = performance.now();
    }
    await yieldToEventLoop();
  }
  const fitMs = performance.now() - t0;
  const result = session.result();
  const batch = session.metricsSince(sent);
  const optimum = result.status === 'completed' ? optimumObjective(design, options) : null;
  // Only a fit that ran its course is measured on the test rows (a cancelled one is half-trained).
  const test = result.status === 'completed' ? testLoss(design, options, result) : null;
  sessions.delete(id);
  post({ type: 'done', id, result, batch, fitMs, optimumObjective: optimum, testLoss: test });
}

/**
 * The last sweep data file read (a process works through one sweep's cells at a time), and the
 * per-fold moments its linear cells share, per fold table (see cd/foldGram.ts).
 */
let cached: { path: string; data: SweepData; moments: Map<number, FoldMoments | undefined> } | null = null;

function sweepData(path: string): NonNullable<typeof cached> {
  if (cached?.path !== path) {
    cached = null; // let the previous sweep's arrays go before reading the next
    const file = readFileSync(path);
    // Node may hand back a view at an unaligned offset of a pooled buffer; typed views need 8-byte alignment.
    const bytes = file.byteOffset % 8 === 0 ? new Uint8Array(file.buffer, file.byteOffset, file.byteLength) : new Uint8Array(file);
    cached = { path, data: decodeSweepData(bytes), moments: new Map() };
  }
  return cached;
}

/** The moments of one fold table (one per repeat; a sweep has one model). */
function momentsOf(entry: NonNullable<typeof cached>, repeat: number, folds: Int32Array, options: CellJob['options']): FoldMoments | undefined {
  if (!entry.moments.has(repeat)) entry.moments.set(repeat, sharedMoments(entry.data.design, folds, options));
  return entry.moments.get(repeat);
}

function runCell(message: Extract<ToTrainer, { type: 'cell' }>): CellOutput {
  const { job } = message;
  const entry = sweepData(message.dataFile);
  const { design, folds } = entry.data;
  const t0 = performance.now();
  // The full-data cell shares repeat 0's table: the sweep's λ_max came from the same moments.
  const repeat = job.kind === 'full' ? 0 : job.repeat;
  const foldsOfRepeat = folds.subarray(repeat * design.m, (repeat + 1) * design.m);
  const moments = job.fit ? undefined : momentsOf(entry, repeat, foldsOfRepeat, job.options);
  if (job.kind === 'full') {
    const full = job.fit ? fullFitCell(design, job.lambdas, job.fit) : fullPathCell(design, job.lambdas, job.options, moments);
    return { size: null, errors: null, nonzero: full.nonzero, intercepts: full.intercepts, coefs: full.coefs, iterations: full.iterations, statusReason: full.statusReason, fitMs: performance.now() - t0 };
  }
  const cell = job.fit
    ? fitCell(design, foldsOfRepeat, job.fold, job.lambdas, job.fit, job.measure)
    : cvCell(design, foldsOfRepeat, job.fold, job.lambdas, job.options, job.measure, moments);
  return { size: cell.size, errors: cell.errors, nonzero: cell.nonzero, intercepts: null, coefs: null, iterations: cell.iterations, statusReason: cell.statusReason, fitMs: performance.now() - t0 };
}

/**
 * A fresh process interprets its first cell's kernels before V8 compiles them, which made the first
 * cell of a 10,000 × 100 lasso CV ~3× slower than the next. A pool started ahead of its sweep (the CLI
 * starts it while it parses the CSV) spends that time on throwaway cells of the coming sweep's model
 * instead. Compiled code gives the same floating-point results as interpreted code, so nothing real
 * depends on them.
 *
 * The warm-up is a list of steps of a few tens of milliseconds, and stops at the first real work (a cell
 * or a run arrives between steps): a sweep on small data, parsed at once, is not kept waiting. For
 * logistic cells the small design alone left the first real 10,000 × 100 cell ~25% slower than the next
 * (its row loops were still interpreted or compiled for other shapes); a few partial paths on a
 * 2,000 × 100 design take that to a few percent. (An MLP has no path cells; its first cell compiles its own.)
 */
function warmUpSteps(model: 'linear' | 'logistic' | 'mlp'): (() => void)[] {
  if (model === 'mlp') return [];
  const small = correlatedDesign({ m: 600, p: 24, rho: 0.5, snr: 3, seed: 1 });
  const folds = randomFolds(small.m, 5, 0);
  if (model === 'linear') {
    const covariance = [1, 0.5].map((alpha) => () => {
      const options = { model: 'linear' as const, alpha, standardize: true, fitIntercept: true, tol: 1e-7 };
      const moments = sharedMoments(small, folds, options);
      const lambdas = cvLambdaGrid(small, options, moments, 40);
      cvCell(small, folds, 0, lambdas, options, 'mse', moments);
      fullPathCell(small, lambdas, options, moments);
    });
    // Wide designs (p > 500) run naive mode, other code: cold, the first 500 × 5,000 cell took ~250 ms
    // against ~110 for the next. Cells of a small wide design compile it.
    let wide: { design: Design; folds: Int32Array; lambdas: Float64Array } | null = null;
    const options = { model: 'linear' as const, alpha: 1, standardize: true, fitIntercept: true, tol: 1e-7 };
    const naive = [0, 1, 2, 3, 4].map((fold) => () => {
      if (!wide) {
        const design = correlatedDesign({ m: 150, p: 1500, rho: 0.5, snr: 3, seed: 3 });
        wide = { design, folds: randomFolds(design.m, 5, 0), lambdas: cvLambdaGrid(design, options, undefined, 100) };
      }
      cvCell(wide.design, wide.folds, fold, wide.lambdas.subarray(0, 20 * (fold + 1)), options, 'mse');
    });
    return [...covariance, ...naive];
  }
  const binary = (design: Design): Design => ({ ...design, y: Float64Array.from(design.y, (v) => (v > 0 ? 1 : 0)) });
  const options = { model: 'logistic' as const, alpha: 1, standardize: true, fitIntercept: true, tol: 1e-7 };
  const steps = [
    () => {
      const design = binary(small);
      const lambdas = cvLambdaGrid(design, options, undefined, 20);
      cvCell(design, folds, 0, lambdas, options, 'deviance');
      fullPathCell(design, lambdas, options);
    },
  ];
  // Made by the first of its steps (a step that never runs costs nothing).
  let larger: { design: Design; folds: Int32Array; lambdas: Float64Array } | null = null;
  for (let part = 0; part < 4; part++) {
    steps.push(() => {
      if (!larger) {
        const design = binary(correlatedDesign({ m: 2000, p: 100, rho: 0.5, snr: 3, seed: 2 }));
        larger = { design, folds: randomFolds(design.m, 5, 0), lambdas: cvLambdaGrid(design, options, undefined, 40) };
      }
      cvCell(larger.design, larger.folds, part, larger.lambdas.subarray(8 * part, 8 * part + 8), options, 'deviance');
    });
  }
  return steps;
}

/** Set by the first real work: the warm-up's remaining steps are dropped. */
let busy = false;

async function warmUp(model: 'linear' | 'logistic' | 'mlp'): Promise<void> {
  for (const step of warmUpSteps(model)) {
    if (busy) return;
    step();
    await yieldToEventLoop();
  }
}

function serveTrainer(): void {
  onMessage((message) => {
    if (message.type !== 'warmUp' && message.type !== 'cancel') busy = true;
    if (message.type === 'warmUp') {
      void warmUp(message.model);
    } else if (message.type === 'cell') {
      try {
        post({ type: 'cellDone', id: message.id, output: runCell(message) });
      } catch (error) {
        post({ type: 'error', id: message.id, error: toErrorInfo(error) });
      }
    } else if (message.type === 'start') {
      train(message).catch((error: unknown) => {
        sessions.delete(message.id);
        post({ type: 'error', id: message.id, error: toErrorInfo(error) });
      });
    } else if (message.type === 'cancel') {
      sessions.get(message.id)?.cancel();
    }
  });

  // A child whose parent died (even by SIGKILL) sees its IPC channel close: it must not outlive it.
  process.on('disconnect', () => process.exit(0));

  post({ type: 'ready' });
}

// This file is also the entry of the trainer's pass lane thread (passLane.ts starts it on this file).
if (!isMainThread && isLaneStart(workerData)) runPassLane(workerData, () => threadPort?.postMessage('ready'));
else serveTrainer();
