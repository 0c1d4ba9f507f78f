/**
 * The full-data pass of the linear model (loss and gradient in one pass over X) and the scratch heap it
 * shares with the logistic pass (../logistic/logLoss.ts), on the WebAssembly kernels where they run and on
 * their TypeScript twins elsewhere, with bit-identical results.
 *
 * Rows are processed in blocks of BLOCK_DOUBLES / p rows (a multiple of 4, so the kernels' 4-row groups
 * are the same whatever the block). On the fast path each block is copied into a small scratch heap
 * (the copy streams X at memory bandwidth and leaves the block in L2 for the kernel); the TypeScript path
 * reads X in place. One scratch heap per row length p is kept for the process (a few hundred KB): the
 * engine is single-threaded and every pass is synchronous, so passes never overlap.
 */
import { HeapLayout, kernelMode, type KernelHeap } from './heap.ts';
import { passLane, sharedView } from './passLane.ts';

/** ≈192 KB of rows per block: with its y and residuals it stays in the 512 KB L2 of a core. */
const BLOCK_DOUBLES = 24576;
/** Scratch heaps kept at once (distinct row lengths in use); the oldest goes first. */
const MAX_SCRATCH = 4;

export interface GlmScratch {
  heap: KernelHeap;
  rows: number;
  w: number;
  g: number;
  sums: number;
  x: number;
  y: number;
  q: number;
}

const scratches = new Map<string, GlmScratch>();

/**
 * The scratch heap for rows of length p: w, g (p each), sums (2), and per block q, y (rows each) and the
 * rows themselves (rows × p; used on the fast path only).
 */
export function glmScratch(p: number): GlmScratch {
  const key = `${kernelMode()}:${p}`;
  const found = scratches.get(key);
  if (found) return found;
  const rows = Math.max(4, Math.floor(BLOCK_DOUBLES / Math.max(1, p)) & ~3);
  const layout = new HeapLayout();
  const w = layout.f64(p);
  const g = layout.f64(p);
  const sums = layout.f64(2);
  const q = layout.f64(rows);
  const y = layout.f64(rows);
  // The block of rows: only the fast path copies rows in, but an unused region costs one allocation.
  const x = layout.f64(rows * p);
  const heap = layout.create();
  const scratch = { heap, rows, w, g, sums, x, y, q };
  if (scratches.size >= MAX_SCRATCH) scratches.delete(scratches.keys().next().value as string);
  scratches.set(key, scratch);
  return scratch;
}

/**
 * Designs of at least this many entries (8 MB) are summed in two halves of rows (rowSplit), which a second
 * lane (passLane.ts) can sum at the same time; smaller ones in one piece, where a thread hand-off costs
 * more than half a pass.
 */
export const SPLIT_MIN_ENTRIES = 2 ** 20;

/**
 * Where the rows are split into the two halves a pass sums apart: fixed by m and p alone (a multiple of
 * 4, the kernels' row groups), m when the pass is one piece.
 */
export function rowSplit(m: number, p: number): number {
  return m * p >= SPLIT_MIN_ENTRIES ? (m >> 1) & ~3 : m;
}

/**
 * gradW ← Σ_i q_i·x_i and sums ← [Σq², Σq] for q_i = (b − y_i) + x_i·w, over all m rows (the caller
 * scales by 1/m). y = null means y = 0 (then q_i = b + x_i·w exactly: the Gram-matrix product X̃ᵀX̃v of
 * the smoothness estimate is this pass). Large designs are summed as two halves of rows (rowSplit), each
 * in reference.linearPass's order, the second added to the first; the second half goes to the installed
 * lane when there is one, so the result is the same on one thread or two.
 */
export function squaredLossSums(x: Float64Array, y: Float64Array | null, m: number, p: number, b: number, w: Float64Array, gradW: Float64Array, sums: Float64Array): void {
  const split = rowSplit(m, p);
  if (split === m) {
    linearPassRows(x, y, 0, m, p, b, w, gradW, sums);
    return;
  }
  const lane = passLane();
  const sharedX = lane && sharedView(x);
  const sharedY = lane && y ? sharedView(y) : null;
  const offloaded = lane !== null && sharedX !== null && (y === null || sharedY !== null) && lane.start({ x: sharedX, y: sharedY, p, from: split, to: m, b, w });
  linearPassRows(x, y, 0, split, p, b, w, gradW, sums);
  // The second half's sums: p + 2 values, next to a pass over ≥ 2²⁰ entries.
  const secondG = new Float64Array(p);
  const secondSums = new Float64Array(2);
  if (!(offloaded && lane.finish(secondG, secondSums))) linearPassRows(x, y, split, m, p, b, w, secondG, secondSums);
  for (let j = 0; j < p; j++) gradW[j] += secondG[j];
  sums[0] += secondSums[0];
  sums[1] += secondSums[1];
}

/**
 * The linear pass over rows [from, to) alone, from zero sums, in reference.linearPass's order (blocks of
 * rows from `from` on). The lane's thread runs this on its half.
 */
export function linearPassRows(
  x: Float64Array,
  y: Float64Array | null,
  from: number,
  to: number,
  p: number,
  b: number,
  w: Float64Array,
  gradW: Float64Array,
  sums: Float64Array,
): void {
  const s = glmScratch(p);
  const { heap } = s;
  const h = heap.f64;
  h.set(w.subarray(0, p), s.w);
  h.fill(0, s.g, s.g + p);
  h[s.sums] = 0;
  h[s.sums + 1] = 0;
  if (!y) h.fill(0, s.y, s.y + s.rows);
  for (let start = from; start < to; start += s.rows) {
    const n = Math.min(s.rows, to - start);
    if (y) h.set(y.subarray(start, start + n), s.y);
    if (heap.fast) {
      h.set(x.subarray(start * p, (start + n) * p), s.x);
      heap.linearPass(null, s.x, n, p, s.w, s.y, b, s.g, s.sums);
    } else {
      heap.linearPass(x, start * p, n, p, s.w, s.y, b, s.g, s.sums);
    }
  }
  gradW.set(h.subarray(s.g, s.g + p));
  sums[0] = h[s.sums];
  sums[1] = h[s.sums + 1];
}
