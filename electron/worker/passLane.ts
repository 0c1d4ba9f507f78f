/**
 * The trainer's second lane (shared/engine/kernels/passLane.ts) on a worker thread: the thread sums one
 * half of a pass's rows while the trainer's own thread sums the other.
 *
 * Why a blocking hand-off: a pass over 100,000 × 100 takes ~10 ms and a gd fit makes one per iteration,
 * synchronously. The trainer posts the job in a shared control block and wakes the thread with
 * Atomics.notify; the thread answers the same way (a few microseconds each way), where a message
 * round trip through the event loop would need the synchronous pass to return first. The data are read
 * in place from SharedArrayBuffers; each new buffer reaches the thread once, as a message it drains
 * synchronously (receiveMessageOnPort) when a job names it.
 */
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { LinearPassJob, PassLane } from '../../shared/engine/kernels/passLane.ts';
import { CONTROL, type LaneAttachment, type LaneStart } from './passLaneProtocol.ts';

/**
 * Blocks until control[done] changes from `seen` (or 100 ms pass). Where the embedder forbids blocking this
 * thread (Atomics.wait throws), it spins on the value instead: a pass half takes milliseconds.
 */
let canBlock = true;
export function waitFor(control: Int32Array, seen: number): void {
  if (canBlock) {
    try {
      Atomics.wait(control, CONTROL.done, seen, 100);
      return;
    } catch {
      canBlock = false;
    }
  }
  const until = performance.now() + 100;
  while (Atomics.load(control, CONTROL.done) === seen && performance.now() < until);
}

/** A pass half takes milliseconds; a lane silent this long is stuck, and is not waited for again. */
const GIVE_UP_MS = 10_000;

export interface StartedPassLane extends PassLane {
  /** Resolves once the thread has loaded its kernels and takes jobs (the lane refuses them before). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the lane's thread on `entry` (a module that calls runPassLane for a thread started with
 * workerData.role 'passLane': the trainer bundle itself, see trainer.ts).
 */
export function startPassLane(entry: string | URL): StartedPassLane {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL.bytes));
  const { port1, port2 } = new MessageChannel();
  const start: LaneStart = { role: 'passLane', control, port: port2 };
  const worker = new Worker(entry, { workerData: start, transferList: [port2] });
  // The thread must not keep a trainer alive that its parent has left.
  worker.unref();
  let usable = false;
  let failed = false;
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => {
      usable = !failed;
      resolve();
    });
    worker.once('error', (error) => {
      failed = true;
      usable = false;
      reject(error);
    });
    worker.once('exit', () => {
      failed = true;
      usable = false;
      reject(new Error('the pass lane thread exited'));
    });
  });
  ready.catch(() => undefined);

  let generation = 0;
  let sentX: Float64Array | null = null;
  let sentY: Float64Array | null = null;
  let io: Float64Array | null = null;
  let seq = 0;
  let pending: { p: number } | null = null;

  /** Sends the buffers a job needs when they differ from the last ones sent. */
  function attach(job: LinearPassJob): Float64Array {
    const ioLength = CONTROL.ioHeader + 2 * job.p + 2;
    if (job.x !== sentX || job.y !== sentY || !io || io.length < ioLength) {
      sentX = job.x;
      sentY = job.y;
      if (!io || io.length < ioLength) io = new Float64Array(new SharedArrayBuffer(ioLength * 8));
      const message: LaneAttachment = { generation: ++generation, x: job.x, y: job.y, io };
      port1.postMessage(message);
    }
    return io;
  }

  return {
    ready,
    start(job) {
      if (!usable || pending) return false;
      const buffer = attach(job);
      buffer[0] = job.from;
      buffer[1] = job.to;
      buffer[2] = job.p;
      buffer[3] = job.b;
      buffer.set(job.w.subarray(0, job.p), CONTROL.ioHeader);
      control[CONTROL.generation] = generation;
      Atomics.store(control, CONTROL.seq, ++seq);
      Atomics.notify(control, CONTROL.seq);
      pending = { p: job.p };
      return true;
    },
    finish(g, sums) {
      if (!pending) return false;
      const { p } = pending;
      pending = null;
      // The thread answers seq when done and −seq when the job threw. Either that or no answer within
      // GIVE_UP_MS retires the lane, and this thread sums the half itself: the same numbers, later.
      const deadline = performance.now() + GIVE_UP_MS;
      for (;;) {
        const done = Atomics.load(control, CONTROL.done);
        if (done === seq) break;
        if (done === -seq || performance.now() > deadline) {
          usable = false;
          return false;
        }
        waitFor(control, done);
      }
      const buffer = io!;
      g.set(buffer.subarray(CONTROL.ioHeader + p, CONTROL.ioHeader + 2 * p));
      sums[0] = buffer[CONTROL.ioHeader + 2 * p];
      sums[1] = buffer[CONTROL.ioHeader + 2 * p + 1];
      return true;
    },
    async close() {
      usable = false;
      Atomics.store(control, CONTROL.seq, CONTROL.quit);
      Atomics.notify(control, CONTROL.seq);
      port1.close();
      await worker.terminate();
    },
  };
}
