/**
 * A second lane for the full-data passes: another thread that sums one fixed half of the rows while the
 * calling thread sums the other (see glmPasses.ts: rowSplit). One core streams X at about half of what
 * the memory can deliver here, so a pass over a large X takes nearly half the time on two.
 *
 * The engine stays single-threaded and free of any runtime's thread API: a shell installs a lane (the
 * trainer process does, electron/worker/passLane.ts) and the passes use it when it is there. Whether it
 * is there never changes a result: the halves are fixed by m and p alone and are always summed apart and
 * added in the same order, on one thread or two.
 */

/** One half of a linear pass, handed to the other thread. x and y are views of SharedArrayBuffers. */
export interface LinearPassJob {
  x: Float64Array;
  /** null: y = 0 (the smoothness estimate's pass). */
  y: Float64Array | null;
  p: number;
  /** Rows [from, to) of x. */
  from: number;
  to: number;
  b: number;
  w: Float64Array;
}

export interface PassLane {
  /** Starts the job on the other thread and returns at once; false when the lane cannot take it now. */
  start(job: LinearPassJob): boolean;
  /**
   * Waits for the started job and writes its gradient sums (p) and [Σq², Σq] (2); false when the lane
   * failed it (the caller then sums the half itself).
   */
  finish(g: Float64Array, sums: Float64Array): boolean;
}

let installed: PassLane | null = null;

/** Installs (or, with null, removes) the lane the passes use. */
export function installPassLane(lane: PassLane | null): void {
  installed = lane;
}

export function passLane(): PassLane | null {
  return installed;
}

/** Copies kept for arrays not already shared (the data of a fit, reused by every pass of it). */
const sharedCopies = new WeakMap<Float64Array, Float64Array>();

/** Larger arrays are not copied: doubling their memory costs more than the second lane gains. */
const MAX_SHARED_COPY_BYTES = 2 ** 30;

/**
 * `a` as a view of a SharedArrayBuffer the other thread can read: itself when it is one, else a copy
 * made once per array (and dropped with it); null where SharedArrayBuffer is unavailable or `a` too large.
 */
export function sharedView(a: Float64Array): Float64Array | null {
  const Shared = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer;
  if (!Shared) return null;
  if (a.buffer instanceof Shared) return a;
  const known = sharedCopies.get(a);
  if (known) return known;
  if (a.byteLength > MAX_SHARED_COPY_BYTES) return null;
  const copy = new Float64Array(new Shared(a.byteLength));
  copy.set(a);
  sharedCopies.set(a, copy);
  return copy;
}
