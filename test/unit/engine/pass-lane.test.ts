/**
 * The second lane of the full-data passes (shared/engine/kernels/passLane.ts, run on a worker thread by
 * electron/worker/passLane.ts): a pass over a design large enough to split sums its two fixed halves
 * apart and adds them in one order, so the results are the same bits with the lane's thread, without it,
 * on the TypeScript kernels, and in a trainer process; and its value is the one a plain loop written here
 * gives, within rounding.
 */
import { fork } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { glmnetDesign } from '../../../bench/data.ts';
import { ensureWorkerBundle } from '../../../electron/core/training/workerBundle.ts';
import { startPassLane, waitFor, type StartedPassLane } from '../../../electron/worker/passLane.ts';
import { CONTROL } from '../../../electron/worker/passLaneProtocol.ts';
import { fit } from '../../../shared/engine/fit.ts';
import { linearPassRows, rowSplit, SPLIT_MIN_ENTRIES, squaredLossSums } from '../../../shared/engine/kernels/glmPasses.ts';
import { setKernelMode } from '../../../shared/engine/kernels/heap.ts';
import { installPassLane } from '../../../shared/engine/kernels/passLane.ts';
import { Pcg64 } from '../../../shared/engine/random/pcg64.ts';
import type { FromTrainer } from '../../../shared/protocol/trainer.ts';
import { DEFAULT_FIT_OPTIONS, type FitOptions, type FitResult } from '../../../shared/engine/types.ts';
import type { MetricBatch } from '../../../shared/domain/metrics.ts';

/** The objective and gradient-norm columns of consecutive progress batches, as one batch. */
function joinBatches(batches: MetricBatch[]): MetricBatch {
  const join = (name: 'objective' | 'gradNorm') => Float64Array.from(batches.flatMap((b) => Array.from(b.columns[name].subarray(0, b.count))));
  return { firstStep: 0, count: batches.reduce((n, b) => n + b.count, 0), columns: { objective: join('objective'), gradNorm: join('gradNorm') } as MetricBatch['columns'] };
}

let bundle: string;
let lane: StartedPassLane;

beforeAll(async () => {
  bundle = (await ensureWorkerBundle())!;
  lane = startPassLane(pathToFileURL(bundle));
  await lane.ready;
}, 120_000);

afterEach(() => {
  installPassLane(null);
  setKernelMode('auto');
});

afterAll(async () => {
  await lane?.close();
});

/** Bit-level equality, the first difference named. */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let k = 0; k < actual.length; k++) {
    if (!Object.is(actual[k], expected[k])) expect(`${what}[${k}] = ${actual[k]}`).toBe(`${what}[${k}] = ${expected[k]}`);
  }
}

/** Gradient sums and [Σq², Σq] of squaredLossSums, with or without the lane installed. */
function sums(x: Float64Array, y: Float64Array | null, m: number, p: number, b: number, w: Float64Array, withLane: boolean): Float64Array {
  installPassLane(withLane ? lane : null);
  const g = new Float64Array(p);
  const s = new Float64Array(2);
  squaredLossSums(x, y, m, p, b, w, g, s);
  installPassLane(null);
  return Float64Array.from([...g, ...s]);
}

describe('the second lane of the full-data passes', () => {
  // 4,099 × 257 = 1,053,443 entries: split, with an odd p and rows past the last full group of 4.
  const m = 4099;
  const p = 257;
  const rng = Pcg64.fromSeed(41);
  const x = Float64Array.from({ length: m * p }, () => rng.normal());
  const y = Float64Array.from({ length: m }, () => rng.normal());
  const w = Float64Array.from({ length: p }, () => rng.normal() / 16);
  const b = 0.375;

  it('splits large designs in two fixed halves of rows, a multiple of 4 each, and leaves small ones whole', () => {
    expect(m * p).toBeGreaterThanOrEqual(SPLIT_MIN_ENTRIES);
    expect(rowSplit(m, p)).toBe(2048);
    expect(rowSplit(100_000, 100)).toBe(50_000);
    expect(rowSplit(1000, 100)).toBe(1000);
    expect(rowSplit(1, SPLIT_MIN_ENTRIES)).toBe(0);
  });

  it('gives the sums a plain loop gives, within rounding', () => {
    const got = sums(x, y, m, p, b, w, true);
    const g = new Float64Array(p);
    let sq = 0;
    let sum = 0;
    for (let i = 0; i < m; i++) {
      let q = b - y[i];
      for (let j = 0; j < p; j++) q += x[i * p + j] * w[j];
      sq += q * q;
      sum += q;
      for (let j = 0; j < p; j++) g[j] += q * x[i * p + j];
    }
    for (let j = 0; j < p; j++) expect(Math.abs(got[j] - g[j])).toBeLessThan(1e-9 * Math.max(1, Math.abs(g[j])));
    expect(Math.abs(got[p] - sq)).toBeLessThan(1e-12 * sq);
    expect(Math.abs(got[p + 1] - sum)).toBeLessThan(1e-9 * Math.max(1, Math.abs(sum)));
  });

  it('gives the same bits with the lane, without it, and on the TypeScript kernels, with y and with y = 0', () => {
    for (const labels of [y, null]) {
      const alone = sums(x, labels, m, p, b, w, false);
      expectSameBits(sums(x, labels, m, p, b, w, true), alone, `with the lane, y ${labels ? 'given' : '= 0'}`);
      setKernelMode('reference');
      expectSameBits(sums(x, labels, m, p, b, w, true), alone, `TypeScript kernels with the lane, y ${labels ? 'given' : '= 0'}`);
      expectSameBits(sums(x, labels, m, p, b, w, false), alone, `TypeScript kernels alone, y ${labels ? 'given' : '= 0'}`);
      setKernelMode('auto');
    }
  });

  it('is really used: a pass with the lane takes its half to the other thread', () => {
    let taken = 0;
    installPassLane({
      start: (job) => {
        taken++;
        expect(job.x.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect([job.from, job.to]).toEqual([rowSplit(m, p), m]);
        return lane.start(job);
      },
      finish: (g, s) => lane.finish(g, s),
    });
    squaredLossSums(x, y, m, p, b, w, new Float64Array(p), new Float64Array(2));
    expect(taken).toBe(1);
  });

  it('a lane that refuses or fails a job leaves the numbers unchanged (this thread sums the half)', () => {
    const alone = sums(x, y, m, p, b, w, false);
    for (const broken of [{ start: () => false, finish: () => false }, { start: () => true, finish: () => false }]) {
      installPassLane(broken);
      const g = new Float64Array(p);
      const s = new Float64Array(2);
      squaredLossSums(x, y, m, p, b, w, g, s);
      expectSameBits([...g, ...s], alone, 'with a broken lane');
    }
  });

  it('where this thread may not block (Atomics.wait throws, as on a browser-like main thread), waiting spins instead', async () => {
    const control = new Int32Array(new SharedArrayBuffer(CONTROL.bytes));
    const refused = vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    try {
      // Nothing changes: it returns after its 100 ms, having spun, not thrown.
      let started = performance.now();
      waitFor(control, 0);
      expect(performance.now() - started).toBeGreaterThanOrEqual(99);
      expect(refused).toHaveBeenCalledTimes(1);
      // The answer is already there: it returns at once (and no longer tries to block).
      Atomics.store(control, CONTROL.done, 7);
      started = performance.now();
      waitFor(control, 0);
      expect(performance.now() - started).toBeLessThan(50);
      expect(refused).toHaveBeenCalledTimes(1);
      // Straight to the lane, finished at once, while blocking is refused: the lane's own numbers.
      const split = rowSplit(m, p);
      const expected = { g: new Float64Array(p), sums: new Float64Array(2) };
      linearPassRows(x, y, split, m, p, b, w, expected.g, expected.sums);
      const shared = (a: Float64Array) => {
        const copy = new Float64Array(new SharedArrayBuffer(a.byteLength));
        copy.set(a);
        return copy;
      };
      const got = { g: new Float64Array(p), sums: new Float64Array(2) };
      expect(lane.start({ x: shared(x), y: shared(y), p, from: split, to: m, b, w })).toBe(true);
      expect(lane.finish(got.g, got.sums)).toBe(true);
      expectSameBits([...got.g, ...got.sums], [...expected.g, ...expected.sums], 'the lane, waited for by spinning');
    } finally {
      refused.mockRestore();
    }
  });

  const gdOptions: FitOptions = { ...DEFAULT_FIT_OPTIONS, solver: 'gd', lambda: 0.01, alpha: 0, maxIter: 25, tol: 0 };
  const design = glmnetDesign(12_000, 90, 0.5, 5); // 1,080,000 entries: split

  /** The fitted point and every step's objective and gradient norm. */
  function gdBits(result: FitResult, batch: MetricBatch): number[] {
    return [result.intercept, ...result.coef, result.objective, ...batch.columns.objective, ...batch.columns.gradNorm];
  }

  function gd(): number[] {
    const { result, session } = fit(design, gdOptions);
    expect(result.status).toBe('completed');
    expect(result.iterations).toBe(gdOptions.maxIter);
    return gdBits(result, session.metricsSince(0));
  }

  it('leaves a gd fit bit-identical with the lane, without it and on the TypeScript kernels', () => {
    const alone = gd();
    installPassLane(lane);
    expectSameBits(gd(), alone, 'gd with the lane');
    setKernelMode('reference');
    expectSameBits(gd(), alone, 'gd on the TypeScript kernels with the lane');
  });

  it('a trainer process gives the same gd fit bit for bit (with the lane it starts for a design this large, ready or not)', async () => {
    const alone = gd();
    const child = fork(bundle, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      const got = await new Promise<number[]>((resolve, reject) => {
        const batches: MetricBatch[] = [];
        child.on('message', (message: FromTrainer) => {
          if (message.type === 'ready') child.send({ type: 'start', id: 'gd', design, options: gdOptions });
          else if (message.type === 'progress') batches.push(message.batch);
          else if (message.type === 'done') resolve(gdBits(message.result, joinBatches([...batches, message.batch])));
          else if (message.type === 'error') reject(new Error(message.error.message));
        });
        child.on('exit', (code) => reject(new Error(`the trainer exited with ${code}`)));
      });
      expectSameBits(got, alone, 'gd in a trainer process');
    } finally {
      child.kill();
    }
  }, 60_000);
});
