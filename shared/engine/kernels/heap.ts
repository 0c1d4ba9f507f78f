/**
 * A kernel heap: one buffer holding a solver's working arrays (f64 region first, then a u32 region for
 * row tables), and the kernels that run on it. With WebAssembly the buffer is the memory of a private
 * instance of the kernel module (./wasm/kernels.ts), so the SIMD kernels read the arrays in place;
 * without it (no WebAssembly global, compilation refused, or more than MAX_WASM_BYTES needed) it is a
 * plain ArrayBuffer and the TypeScript twins (./reference.ts) run instead, with bit-identical results.
 *
 * Heaps are small (working arrays and a block of rows): the data stay where they are, and the callers
 * copy each block of rows in before a kernel reads it. Measured here, that copy (a memcpy at full memory
 * bandwidth into a block that then sits in L2) plus the kernel on cached rows is as fast as running the
 * kernel on a resident copy of the data (8.8 vs 9.9 ms per pass over 100,000 × 100), and it costs no
 * second copy of the data, no size limit and no start-up copy.
 *
 * A heap never grows, so typed-array views of it stay valid for its lifetime.
 */
import * as reference from './reference.ts';
import { kernelModuleBytes } from './wasm/kernels.ts';

/** The largest heap given to WebAssembly: addresses stay below 2³¹ and far from V8's 4 GiB limit. */
export const MAX_WASM_BYTES = 2 ** 31 - 2 ** 16;
const PAGE = 65536;

export type KernelMode = 'auto' | 'reference';
let mode: KernelMode = 'auto';

/**
 * 'reference' makes every heap created afterwards use the TypeScript kernels (tests compare the two
 * paths; benchmarks time both). 'auto' (the default) uses WebAssembly wherever it is available.
 */
export function setKernelMode(next: KernelMode): void {
  mode = next;
}

export function kernelMode(): KernelMode {
  return mode;
}

interface WasmExports {
  rowDots(x: number, n: number, p: number, w: number, out: number): void;
  gradRows(x: number, n: number, p: number, q: number, g: number): void;
  affineRows(rows: number, n: number, k: number, b: number, nb: number, bias: number, out: number): void;
  weightGrad(rows: number, n: number, nin: number, d: number, nout: number, g: number): void;
  linearPass(x: number, n: number, p: number, w: number, y: number, b: number, g: number, sums: number): void;
  activations(z: number, count: number, kind: number, act: number): void;
  adam(
    theta: number,
    grad: number,
    m1: number,
    m2: number,
    count: number,
    mode: number,
    l2: number,
    l1: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    c1: number,
    c2: number,
    learningRate: number,
    epsilon: number,
  ): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  gramPair(cols: number, m: number, a: number, b: number, ks: number, n: number, outA: number, outB: number): void;
  columnDot(a: number, b: number, m: number, out: number): void;
  subtractScaled(r: number, x: number, m: number, delta: number): void;
  tileStats(tile: number, n: number, p: number, shift: number, inv: number, sums: number, maxAbs: number): void;
  tileSqDev(tile: number, n: number, p: number, mean: number, ss: number): void;
  tileCenter(tile: number, n: number, p: number, shift: number, inv: number, mu: number, dst: number, colBytes: number, ss: number): void;
  screenDots(cols: number, stride: number, ks: number, n: number, r: number, m: number, out: number): void;
  toBf16(src: number, n: number, dst: number): void;
  cdPass(cols: number, m: number, ks: number, n: number, w: number, v: number, r: number, l1: number, l2: number, invM: number, g: number, dw: number): void;
}

/** The parts of the WebAssembly global used here (declared locally: shared/ compiles without DOM or Node types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

let compiled: { api: WasmApi; module: object } | null | undefined;

/** The compiled kernel module, or null where WebAssembly (with SIMD) is unavailable. Compiled once. */
function kernelModule(): { api: WasmApi; module: object } | null {
  if (compiled !== undefined) return compiled;
  try {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    compiled = api ? { api, module: new api.Module(kernelModuleBytes()) } : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether the WebAssembly kernels can run here (for reports and tests). */
export function wasmKernelsAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * Offsets are element indices: f64 offsets into `f64`, u32 offsets into `u32` (both views span the whole
 * buffer). Row tables hold the f64 offsets of rows. `src` is where the rows of the data matrix are read:
 * null for the heap itself; the TypeScript kernels also accept the data array in place (the WebAssembly
 * kernels see only their memory, so their callers copy rows into the heap first and pass null).
 */
export interface KernelHeap {
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  /** The buffer as f32 (f32 index = 2 × f64 index), for screenDots' residual. */
  readonly f32: Float32Array;
  /** The buffer as u16 (u16 index = 4 × f64 index), for screenDots' bf16 columns. */
  readonly u16: Uint16Array;
  /** true when the WebAssembly kernels run. */
  readonly fast: boolean;
  /** Where the planned u32 regions start in `u32`. */
  readonly u32Base: number;
  rowDots(src: Float64Array | null, x: number, n: number, p: number, w: number, out: number): void;
  gradRows(src: Float64Array | null, x: number, n: number, p: number, q: number, g: number): void;
  affineRows(src: Float64Array | null, rows: number, n: number, k: number, b: number, nb: number, bias: number, out: number): void;
  weightGrad(src: Float64Array | null, rows: number, n: number, nin: number, d: number, nout: number, g: number): void;
  linearPass(src: Float64Array | null, x: number, n: number, p: number, w: number, y: number, b: number, g: number, sums: number): void;
  /** reference.activations (kinds RELU_FORWARD, RELU_BACKWARD, TANH_BACKWARD there). */
  activations(z: number, count: number, kind: number, act: number): void;
  /** reference.adam over `count` entries, an even number (the WebAssembly kernel works in pairs). */
  adam(theta: number, grad: number, m1: number, m2: number, count: number, mode: number, step: reference.AdamStep): void;
  /** dst (cols × rows) = srcᵀ (src rows × cols). */
  transpose(src: number, rows: number, cols: number, dst: number): void;
  /** reference.gramPair: Gram entries of columns a and b with the n (a multiple of 4) columns listed at u32[ks..). */
  gramPair(cols: number, m: number, a: number, b: number, ks: number, n: number, outA: number, outB: number): void;
  /** reference.columnDot: f64[out] = the dot product of the m entries at a and at b. */
  columnDot(a: number, b: number, m: number, out: number): void;
  /** reference.subtractScaled: the m entries at r minus δ times those at x. */
  subtractScaled(r: number, x: number, m: number, delta: number): void;
  /** reference.tileStats: running column sums and magnitudes of (x − shift)·inv over a tile of n rows. */
  tileStats(tile: number, n: number, p: number, shift: number, inv: number, sums: number, maxAbs: number): void;
  /** reference.tileSquaredDeviations: running Σ (x − mean)² per column over a tile of n rows. */
  tileSquaredDeviations(tile: number, n: number, p: number, mean: number, ss: number): void;
  /** reference.tileCenter: (x − shift)·inv − mu written column-major at dst (columns of length m), Σ of its squares. */
  tileCenter(tile: number, n: number, p: number, shift: number, inv: number, mu: number, dst: number, m: number, ss: number): void;
  /**
   * reference.screenDots: f64[out + t] = the dot of the bf16 column u32[ks + t] (m values at cols + k·stride,
   * u16 indices) with the m f32 at r (an f32 index), for t < n.
   */
  screenDots(cols: number, stride: number, ks: number, n: number, r: number, m: number, out: number): void;
  /** reference.toBf16: the n f64 at src rounded to bf16 at dst (a u16 index). */
  toBf16(src: number, n: number, dst: number): void;
  /** reference.cdPass: one naive coordinate-descent pass over the n columns listed at u32[ks..) (f64 indices otherwise). */
  cdPass(cols: number, m: number, ks: number, n: number, w: number, v: number, r: number, l1: number, l2: number, invM: number, g: number, dw: number): void;
  /**
   * Hands the heap's memory back for a later heap of about its size (see HEAP_POOL_BYTES). Every view of
   * the heap is then invalid: only its owner, when nothing it returns refers to the heap, may call this.
   */
  release(): void;
}

/**
 * Released WebAssembly memories kept for the next heaps, up to this many bytes in all. Why: a new
 * memory's pages are mapped on first touch, one fault (and a zeroed page) per 4 KiB, and its buffer is
 * garbage afterwards. A CV of 500 × 5,000 builds six 33 MB heaps; faulting in each costs ~12 ms, against
 * ~3 ms to zero a reused one, and the six no longer churn the garbage collector.
 */
const HEAP_POOL_BYTES = 128 * 2 ** 20;
const HEAP_POOL_ENTRIES = 4;

interface PooledMemory {
  memory: { buffer: ArrayBuffer };
  exports: WasmExports;
  pages: number;
}

const heapPool: PooledMemory[] = [];

/** A pooled memory of at least `pages` pages and not more than about twice that (the smallest such), taken out of the pool. */
function takePooled(pages: number): PooledMemory | null {
  let best = -1;
  for (let k = 0; k < heapPool.length; k++) {
    const entry = heapPool[k];
    if (entry.pages < pages || entry.pages > 2 * pages + 16) continue;
    if (best < 0 || entry.pages < heapPool[best].pages) best = k;
  }
  return best < 0 ? null : heapPool.splice(best, 1)[0];
}

function poolMemory(entry: PooledMemory): void {
  if (entry.pages * PAGE > HEAP_POOL_BYTES) return;
  heapPool.push(entry);
  let total = heapPool.reduce((sum, e) => sum + e.pages * PAGE, 0);
  // The oldest go first: the newest is the likeliest to fit the next cell of the same sweep.
  while (heapPool.length > HEAP_POOL_ENTRIES || total > HEAP_POOL_BYTES) total -= heapPool.shift()!.pages * PAGE;
}

/** How many released memories are pooled (for tests). */
export function pooledHeapCount(): number {
  return heapPool.length;
}

/**
 * Plans a heap: reserve regions (offsets are final), then `create`. Every f64 region starts on a 16-byte
 * boundary. u32 offsets are relative to the heap's `u32Base`, known after `create`.
 */
export class HeapLayout {
  private f64Count = 0;
  private u32Count = 0;

  f64(count: number): number {
    const at = this.f64Count;
    this.f64Count += count + (count & 1);
    return at;
  }

  u32(count: number): number {
    const at = this.u32Count;
    this.u32Count += count;
    return at;
  }

  /** A WebAssembly heap where possible (mode 'auto', small enough, WebAssembly available), else a plain one. */
  create(): KernelHeap {
    const u32Base = this.f64Count * 2;
    const bytes = this.f64Count * 8 + (this.u32Count + (this.u32Count & 1)) * 4;
    const wasm = mode === 'auto' && bytes <= MAX_WASM_BYTES ? kernelModule() : null;
    if (wasm) {
      const pages = Math.max(1, Math.ceil(bytes / PAGE));
      const pooled = takePooled(pages);
      if (pooled) {
        // A new memory reads as zeros, and some heaps rely on that (running sums start there): so does a reused one.
        new Uint8Array(pooled.memory.buffer, 0, bytes).fill(0);
        return wasmHeap(pooled, u32Base);
      }
      try {
        const memory = new wasm.api.Memory({ initial: pages });
        const exports = new wasm.api.Instance(wasm.module, { env: { memory } }).exports as WasmExports;
        return wasmHeap({ memory, exports, pages }, u32Base);
      } catch {
        // Memory refused: the plain heap below is the same size, but an ArrayBuffer may still fit.
      }
    }
    return referenceHeap(new ArrayBuffer(bytes), u32Base);
  }
}

function onlyHeap(src: Float64Array | null): void {
  if (src !== null) throw new Error('the WebAssembly kernels read rows from their own memory only');
}

function wasmHeap(entry: PooledMemory, u32Base: number): KernelHeap {
  const { buffer } = entry.memory;
  const ex = entry.exports;
  let released = false;
  const f64 = new Float64Array(buffer);
  const u16 = new Uint16Array(buffer);
  return {
    f64,
    u32: new Uint32Array(buffer),
    f32: new Float32Array(buffer),
    u16,
    fast: true,
    u32Base,
    release: () => {
      if (released) return;
      released = true;
      poolMemory(entry);
    },
    rowDots: (src, x, n, p, w, out) => (onlyHeap(src), ex.rowDots(x * 8, n, p, w * 8, out * 8)),
    gradRows: (src, x, n, p, q, g) => (onlyHeap(src), ex.gradRows(x * 8, n, p, q * 8, g * 8)),
    affineRows: (src, rows, n, k, b, nb, bias, out) => (onlyHeap(src), ex.affineRows(rows * 4, n, k, b * 8, nb, bias * 8, out * 8)),
    weightGrad: (src, rows, n, nin, d, nout, g) => (onlyHeap(src), ex.weightGrad(rows * 4, n, nin, d * 8, nout, g * 8)),
    linearPass: (src, x, n, p, w, y, b, g, sums) => (onlyHeap(src), ex.linearPass(x * 8, n, p, w * 8, y * 8, b, g * 8, sums * 8)),
    activations: (z, count, kind, act) => ex.activations(z * 8, count, kind, act * 8),
    adam: (theta, grad, m1, m2, count, mode, c) =>
      ex.adam(theta * 8, grad * 8, m1 * 8, m2 * 8, count, mode, c.l2, c.l1, c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.c1, c.c2, c.learningRate, c.epsilon),
    transpose: (src, rows, cols, dst) => ex.transpose(src * 8, rows, cols, dst * 8),
    gramPair: (cols, m, a, b, ks, n, outA, outB) => ex.gramPair(cols * 8, m, a, b, ks * 4, n, outA * 8, outB * 8),
    columnDot: (a, b, m, out) => ex.columnDot(a * 8, b * 8, m, out * 8),
    subtractScaled: (r, x, m, delta) => ex.subtractScaled(r * 8, x * 8, m, delta),
    tileStats: (tile, n, p, shift, inv, sums, maxAbs) => ex.tileStats(tile * 8, n, p, shift * 8, inv * 8, sums * 8, maxAbs * 8),
    tileSquaredDeviations: (tile, n, p, mean, ss) => ex.tileSqDev(tile * 8, n, p, mean * 8, ss * 8),
    tileCenter: (tile, n, p, shift, inv, mu, dst, m, ss) => ex.tileCenter(tile * 8, n, p, shift * 8, inv * 8, mu * 8, dst * 8, m * 8, ss * 8),
    screenDots: (cols, stride, ks, n, r, m, out) => ex.screenDots(cols * 2, stride * 2, ks * 4, n, r * 4, m, out * 8),
    toBf16: (src, n, dst) => {
      // The kernel converts eight at a time; the twin, the same operations, takes the tail.
      const n8 = n & ~7;
      ex.toBf16(src * 8, n8, dst * 2);
      if (n8 < n) reference.toBf16(f64, u16, src + n8, n - n8, dst + n8);
    },
    cdPass: (cols, m, ks, n, w, v, r, l1, l2, invM, g, dw) => ex.cdPass(cols * 8, m, ks * 4, n, w * 8, v * 8, r * 8, l1, l2, invM, g * 8, dw * 8),
  };
}

function referenceHeap(buffer: ArrayBuffer, u32Base: number): KernelHeap {
  const f64 = new Float64Array(buffer);
  const u32 = new Uint32Array(buffer);
  const f32 = new Float32Array(buffer);
  const u16 = new Uint16Array(buffer);
  return {
    f64,
    u32,
    f32,
    u16,
    fast: false,
    u32Base,
    // A plain buffer costs no more to allocate than to clear: the garbage collector takes it.
    release: () => {},
    rowDots: (src, x, n, p, w, out) => reference.rowDots(f64, src ?? f64, x, n, p, w, out),
    gradRows: (src, x, n, p, q, g) => reference.gradRows(f64, src ?? f64, x, n, p, q, g),
    affineRows: (src, rows, n, k, b, nb, bias, out) => reference.affineRows(f64, src ?? f64, u32, rows, n, k, b, nb, bias, out),
    weightGrad: (src, rows, n, nin, d, nout, g) => reference.weightGrad(f64, src ?? f64, u32, rows, n, nin, d, nout, g),
    linearPass: (src, x, n, p, w, y, b, g, sums) =>
      reference.linearPass({ a: src ?? f64, at: x }, n, p, { a: f64, at: w }, { a: f64, at: y }, b, { a: f64, at: g }, { a: f64, at: sums }),
    activations: (z, count, kind, act) => reference.activations(f64, z, count, kind, act),
    adam: (theta, grad, m1, m2, count, mode, c) => reference.adam(f64, theta, grad, m1, m2, count, mode, c),
    transpose: (src, rows, cols, dst) => reference.transpose(f64, src, rows, cols, dst),
    gramPair: (cols, m, a, b, ks, n, outA, outB) => reference.gramPair(f64, u32, cols, m, a, b, ks, n, outA, outB),
    columnDot: (a, b, m, out) => reference.columnDot(f64, a, b, m, out),
    subtractScaled: (r, x, m, delta) => reference.subtractScaled(f64, r, x, m, delta),
    tileStats: (tile, n, p, shift, inv, sums, maxAbs) => reference.tileStats(f64, tile, n, p, shift, inv, sums, maxAbs),
    tileSquaredDeviations: (tile, n, p, mean, ss) => reference.tileSquaredDeviations(f64, tile, n, p, mean, ss),
    tileCenter: (tile, n, p, shift, inv, mu, dst, m, ss) => reference.tileCenter(f64, tile, n, p, shift, inv, mu, dst, m, ss),
    screenDots: (cols, stride, ks, n, r, m, out) => reference.screenDots(f64, u16, f32, u32, cols, stride, ks, n, r, m, out),
    toBf16: (src, n, dst) => reference.toBf16(f64, u16, src, n, dst),
    cdPass: (cols, m, ks, n, w, v, r, l1, l2, invM, g, dw) => reference.cdPass(f64, u32, cols, m, ks, n, w, v, r, l1, l2, invM, g, dw),
  };
}
