/** What the trainer and its pass lane thread share (passLane.ts, passLaneThread.ts). */
import type { MessagePort } from 'node:worker_threads';

/**
 * The control block (Int32Array on a SharedArrayBuffer): seq, the job number the trainer posted (QUIT
 * ends the thread); done, the job number the thread finished (negated when the job threw); generation,
 * the attachment the job reads. The io block (Float64Array, shared, sent as an attachment): from, to, p,
 * b, then w (p), then the thread's results: g (p) and [Σq², Σq].
 */
export const CONTROL = { seq: 0, done: 1, generation: 2, bytes: 16, ioHeader: 4, quit: -1 } as const;

/** workerData of the lane's thread. */
export interface LaneStart {
  role: 'passLane';
  control: Int32Array;
  port: MessagePort;
}

/** The buffers jobs read from `generation` on. */
export interface LaneAttachment {
  generation: number;
  x: Float64Array;
  y: Float64Array | null;
  io: Float64Array;
}

export function isLaneStart(data: unknown): data is LaneStart {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === 'passLane';
}
