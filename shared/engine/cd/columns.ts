import { validateDesign, type ColumnScaling } from '../design.ts';
import { HeapLayout, type KernelHeap } from '../kernels/heap.ts';
import { SCREEN_ORDER } from '../kernels/reference.ts';
import type { Design } from '../types.ts';

/**
 * The design as coordinate descent wants it: column-major (each coordinate update reads one column
 * contiguously) and, with an intercept, centered. Centering is what glmnet does too: it decouples the
 * intercept from the coefficients (exactly for squared loss), which CD needs to converge quickly when
 * columns have large means. The intercept of the uncentered problem is recovered as b − Σ μ_j·w_j.
 */
export interface CdColumns {
  m: number;
  p: number;
  /** x̃[j*m + i] = x[i, j] − μ_j. */
  xcol: Float64Array;
  /** Column j as its own view of `xcol` (kernels index views from 0, which V8 compiles tighter). */
  views: Float64Array[];
  /** μ_j (all 0 without intercept). */
  means: Float64Array;
  /**
   * 0 for a column that cannot move the fit: all zeros, or (centered) constant up to rounding, i.e.
   * spread ≤ 1e-13 of its largest magnitude. Its coefficient stays exactly 0, as glmnet does.
   */
  eligible: Uint8Array;
  /** (1/m)‖x̃_j‖². */
  sqNorm: Float64Array;
  /** SIMD kernels on these columns (null for columns given by their statistics only). */
  kernels: ColumnKernels | null;
}

/**
 * Coordinate descent works in covariance mode up to this many columns and in naive mode above (see
 * linearCd.ts); only naive mode checks screened-out columns from their rows, with screenDots.
 */
export const COVARIANCE_MAX_P = 500;

interface ColumnRegions {
  xcol: number;
  resid: number;
  ks: number;
  outA: number;
  outB: number;
  /** The bf16 copy of the columns and the f32 one of the residual (f64 regions read as u16, f32) and screenDots' output; −1 below naive mode. */
  colsBf16: number;
  resid32: number;
  screenOut: number;
  /** Naive mode's fused pass (cdPass): the coefficients, (1/m)‖x̃_j‖², and its outputs; −1 below naive mode. */
  weights: number;
  sqNorm: number;
  passGrad: number;
  passChange: number;
}

/**
 * Kernels on columns that live in a kernel heap (xcol is a view of it; the columns are written there
 * where they are built, so there is no copy):
 * - Gram entries (1/m)·x̃_aᵀx̃_k by gramPair: covariance-mode coordinate descent's one O(m·p) step per
 *   column that enters the active set, and so the bulk of a lasso path's time. WebAssembly SIMD runs it
 *   at ~6 GMAC/s here against ~1 for the best scalar JavaScript tiles.
 * - naive-mode coordinate descent's dot product with a residual kept in the heap and its update, on
 *   f64x2 (~3× the scalar loops per element), in linalg/gram.ts's dot order, so the same bits either way.
 */
export class ColumnKernels {
  private readonly xcolAt: number;
  private readonly residAt: number;
  private readonly ks: number;
  private readonly outA: number;
  private readonly outB: number;
  private residClaimed = false;
  private readonly regions: ColumnRegions;
  private weightsClaimed = false;
  private readonly screenOut: number;
  private colsBf16Filled = false;

  constructor(
    private readonly heap: KernelHeap,
    private readonly m: number,
    private readonly p: number,
    regions: ColumnRegions,
  ) {
    this.xcolAt = regions.xcol;
    this.residAt = regions.resid;
    this.ks = heap.u32Base + regions.ks;
    this.outA = regions.outA;
    this.outB = regions.outB;
    this.regions = regions;
    this.screenOut = regions.screenOut;
  }

  /** Heap regions for columns of m × p: the columns, a residual, the index list (p + 3, room for padding to 4), two output rows. */
  static plan(layout: HeapLayout, m: number, p: number): ColumnRegions {
    const naive = p > COVARIANCE_MAX_P;
    return {
      xcol: layout.f64(m * p),
      resid: layout.f64(m),
      outA: layout.f64(Math.max(p, 1)),
      outB: layout.f64(p),
      ks: layout.u32(p + 3),
      colsBf16: naive ? layout.f64(Math.ceil((m * p) / 4)) : -1,
      resid32: naive ? layout.f64(Math.ceil(m / 2)) : -1,
      weights: naive ? layout.f64(p) : -1,
      sqNorm: naive ? layout.f64(p) : -1,
      passGrad: naive ? layout.f64(p) : -1,
      passChange: naive ? layout.f64(p) : -1,
      screenOut: naive ? layout.f64(p) : -1,
    };
  }

  /**
   * out[offA + k] = x̃_aᵀx̃_k / m for the n columns k of ks (and out[offB + k] for column b, unless b < 0),
   * each in reference.gramPair's order, which makes G exactly symmetric whichever column is the row.
   */
  entries(a: number, b: number, ks: Int32Array, n: number, out: Float64Array, offA: number, offB: number): void {
    if (n === 0) return;
    const { heap } = this;
    const u32 = heap.u32;
    for (let t = 0; t < n; t++) u32[this.ks + t] = ks[t];
    const n4 = (n + 3) & ~3;
    for (let t = n; t < n4; t++) u32[this.ks + t] = ks[n - 1];
    heap.gramPair(this.xcolAt, this.m, a, b < 0 ? a : b, this.ks, n4, this.outA, this.outB);
    const h = heap.f64;
    for (let t = 0; t < n; t++) {
      const k = ks[t];
      out[offA + k] = h[this.outA + k];
      if (b >= 0) out[offB + k] = h[this.outB + k];
    }
  }

  /** The heap's residual (m entries) for one solver, which then uses residualDot and subtractFromResidual; null once taken. */
  claimResidual(): Float64Array | null {
    if (this.residClaimed) return null;
    this.residClaimed = true;
    return this.heap.f64.subarray(this.residAt, this.residAt + this.m);
  }

  /** x̃_jᵀr for the claimed residual r, in linalg/gram.ts's dot order. */
  residualDot(j: number): number {
    this.heap.columnDot(this.xcolAt + j * this.m, this.residAt, this.m, this.outA);
    return this.heap.f64[this.outA];
  }

  /**
   * The heap's coefficient array (p zeros) for the solver that also claimed the residual, with `sqNorm`
   * copied beside it: then `pass` runs whole coordinate-descent passes in the kernel. Null below naive
   * mode or once taken.
   */
  claimWeights(sqNorm: Float64Array): Float64Array | null {
    const { weights, sqNorm: at } = this.regions;
    if (weights < 0 || this.weightsClaimed) return null;
    this.weightsClaimed = true;
    this.heap.f64.set(sqNorm, at);
    return this.heap.f64.subarray(weights, weights + this.p);
  }

  /**
   * One coordinate-descent pass (reference.cdPass) over the n columns of `visit`, on the claimed residual
   * and weights: returns each column's g and its coefficient's change (0: unchanged), n entries each.
   */
  pass(visit: Int32Array, n: number, l1: number, l2: number, invM: number): { grad: Float64Array; change: Float64Array } {
    const { heap, regions } = this;
    const u32 = heap.u32;
    for (let t = 0; t < n; t++) u32[this.ks + t] = visit[t];
    heap.cdPass(this.xcolAt, this.m, this.ks, n, regions.weights, regions.sqNorm, this.residAt, l1, l2, invM, regions.passGrad, regions.passChange);
    const f64 = heap.f64;
    return { grad: f64.subarray(regions.passGrad, regions.passGrad + n), change: f64.subarray(regions.passChange, regions.passChange + n) };
  }

  /** x̃_aᵀx̃_b in linalg/gram.ts's dot order (the same bits as dot()). */
  pairDot(a: number, b: number): number {
    this.heap.columnDot(this.xcolAt + a * this.m, this.xcolAt + b * this.m, this.m, this.outA);
    return this.heap.f64[this.outA];
  }

  /**
   * x̃_kᵀr for the claimed residual r and the n columns listed in ks, from a bf16 copy of the columns (made
   * at the first call: naive mode's columns never change) and an f32 one of r·σ (σ = screenScale(r), a
   * power of 2 that keeps r's copy from overflowing), in f32 arithmetic: within screenError's bound of
   * residualDot's value. Null where the heap has no room for the copies (covariance mode).
   */
  screenDots(ks: Int32Array, n: number): Float64Array | null {
    const { heap, m } = this;
    const { colsBf16, resid32 } = this.regions;
    if (colsBf16 < 0) return null;
    if (!this.colsBf16Filled) {
      heap.toBf16(this.xcolAt, m * this.p, 4 * colsBf16);
      this.colsBf16Filled = true;
    }
    const f64 = heap.f64;
    const f32 = heap.f32;
    const r = this.residAt;
    const r32 = 2 * resid32;
    const sigma = screenScale(f64.subarray(r, r + m), m);
    // In screenDots' order within each block of 16 (SCREEN_ORDER), in order after.
    const m16 = m & ~15;
    for (let i = 0; i < m16; i += 16) for (let j = 0; j < 16; j++) f32[r32 + i + j] = f64[r + i + SCREEN_ORDER[j]] * sigma;
    for (let i = m16; i < m; i++) f32[r32 + i] = f64[r + i] * sigma;
    const u32 = heap.u32;
    for (let t = 0; t < n; t++) u32[this.ks + t] = ks[t];
    heap.screenDots(4 * colsBf16, m, this.ks, n, r32, m, this.screenOut);
    const out = f64.subarray(this.screenOut, this.screenOut + n);
    const unscale = 1 / sigma;
    for (let t = 0; t < n; t++) out[t] *= unscale;
    return out;
  }

  /** Returns the heap's memory for reuse: the columns (xcol, views) and the residual are invalid afterwards. */
  release(): void {
    this.heap.release();
  }

  /** r ← r − x̃_j·δ for the claimed residual r. */
  subtractFromResidual(j: number, delta: number): void {
    this.heap.subtractScaled(this.residAt, this.xcolAt + j * this.m, this.m, delta);
  }
}

/**
 * The power of 2 σ by which screenDots scales the residual before rounding it to f32: max|σ·r_i| in
 * [0.5, 1), so the copy neither overflows nor loses more than 2⁻¹²⁶ of its largest entry to underflow
 * (1 when r is 0 or not finite). Scaling by a power of 2 is exact in f64.
 */
export function screenScale(r: Float64Array, m: number): number {
  let top = 0;
  for (let i = 0; i < m; i++) top = Math.max(top, Math.abs(r[i]));
  if (!(top > 0 && Number.isFinite(top))) return 1;
  let sigma = 1;
  while (top * sigma >= 1) sigma *= 0.5;
  while (top * sigma < 0.5 && sigma < 2 ** 1000) sigma *= 2;
  return sigma;
}

/**
 * Doubles per tile of rows for the column statistics: 32 KB, so a tile stays in L1 while the kernels
 * walk it two columns at a time.
 *
 * Why tiles of row-major rows: every statistic here is a sum down one column in row order (the order
 * the row-major route, columnScaling + scaleDesign + prepareColumns, uses, so both routes give the same
 * bits). Read from rows, two adjacent columns share one f64x2 load, one lane per column, so each lane is
 * exactly its column's scalar chain; read from columns, the two lanes would be two rows of one column
 * and the order would change. So X is swept a tile at a time (copied into the kernels' memory): raw
 * sums and magnitudes; squared deviations; the scaled sums and magnitudes; and last the scaled, centered
 * columns written column-major with their squares. Measured on 10,000 × 100: 8.9 ms for the earlier
 * JavaScript transpose and column sweeps, 6.4 ms for these (most of what is left is the first touch of
 * the new columns' pages and the stores to 100 column streams; larger tiles measured no better).
 */
const TILE_DOUBLES = 4096;

/**
 * out[j] = Σ_i col_j[i]·v[i] for every column, each one sequential sum in row order (4 columns per sweep,
 * as the statistics above). The order λ_max and coordinate descent's c_j share, so that at λ = λ_max every
 * coefficient stays exactly 0.
 */
export function sequentialColumnDots(xcol: Float64Array, m: number, p: number, v: Float64Array, out: Float64Array): void {
  const p4 = p & ~3;
  for (let j = 0; j < p4; j += 4) {
    const b0 = j * m;
    const b1 = b0 + m;
    const b2 = b1 + m;
    const b3 = b2 + m;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < m; i++) {
      const vi = v[i];
      s0 += xcol[b0 + i] * vi;
      s1 += xcol[b1 + i] * vi;
      s2 += xcol[b2 + i] * vi;
      s3 += xcol[b3 + i] * vi;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (let j = p4; j < p; j++) {
    const base = j * m;
    let s = 0;
    for (let i = 0; i < m; i++) s += xcol[base + i] * v[i];
    out[j] = s;
  }
}

/**
 * Column-major, centered columns of the design as given (no scaling). `rows`: only these rows of the
 * design, in this order (a CV cell's training rows), with the same bits as from a copy of them.
 */
export function prepareColumns(design: Design, center: boolean, rows?: Int32Array): CdColumns {
  return buildColumns(design, center, false, rows).cols;
}

/**
 * The columns of the standardized design together with its scaling: the same numbers as
 * `prepareColumns(scaleDesign(design, columnScaling(design, center)), center)` and
 * `columnScaling(design, center)`, operation for operation (so results do not depend on which route
 * a caller takes), but without the row-major scaled copy: X is transposed once and every statistic is
 * then a contiguous sweep over one column.
 */
export function prepareStandardizedColumns(design: Design, center: boolean, rows?: Int32Array): { cols: CdColumns; scaling: ColumnScaling } {
  const built = buildColumns(design, center, true, rows);
  return { cols: built.cols, scaling: built.scaling! };
}

function buildColumns(design: Design, center: boolean, standardize: boolean, rows?: Int32Array): { cols: CdColumns; scaling: ColumnScaling | null } {
  const { x, p } = design;
  const m = rows ? rows.length : design.m;
  const layout = new HeapLayout();
  const regions = ColumnKernels.plan(layout, m, p);
  const tileRows = Math.max(8, Math.floor(TILE_DOUBLES / Math.max(1, p)));
  const tile = layout.f64(tileRows * p);
  const [shiftAt, invAt, muAt, sumsAt, maxAbsAt, ssAt] = Array.from({ length: 6 }, () => layout.f64(p));
  const heap = layout.create();
  const h = heap.f64;
  const xcol = h.subarray(regions.xcol, regions.xcol + m * p);
  const column = (at: number): Float64Array => h.subarray(at, at + p);
  const [shift, inv, mu, sums, maxAbs, ss] = [shiftAt, invAt, muAt, sumsAt, maxAbsAt, ssAt].map(column);
  /** One sweep of X's rows, a tile at a time copied into the heap: pass(tile rows, first row). */
  const sweep = (pass: (n: number, row0: number) => void): void => {
    for (let row0 = 0; row0 < m; row0 += tileRows) {
      const n = Math.min(tileRows, m - row0);
      if (rows) for (let k = 0; k < n; k++) h.set(x.subarray(rows[row0 + k] * p, (rows[row0 + k] + 1) * p), tile + k * p);
      else h.set(x.subarray(row0 * p, (row0 + n) * p), tile);
      pass(n, row0);
    }
  };
  // Raw sums and magnitudes: (x − 0)·1 is x, bit for bit.
  inv.fill(1);
  sweep((n) => heap.tileStats(tile, n, p, shiftAt, invAt, sumsAt, maxAbsAt));
  // A NaN or ±∞ in X makes its column's sum non-finite (so can an overflow of finite values): the full
  // check then names the entry, or finds none and the build goes on. Callers skip their own scan of X.
  if (!sums.every(Number.isFinite)) validateDesign(design);
  let scaling: ColumnScaling | null = null;
  if (standardize) {
    // columnScaling's statistics (mean, (1/m)-sd about the mean, constant test) and scaleDesign's map,
    // which also gives the sum and magnitude of each scaled column for the centering below.
    const mean = sums.map((sum) => sum / m);
    mu.set(mean);
    sweep((n) => heap.tileSquaredDeviations(tile, n, p, muAt, ssAt));
    const scales = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      const sd = Math.sqrt(ss[j] / m);
      scales[j] = sd > 1e-13 * maxAbs[j] ? sd : 0;
      inv[j] = scales[j] > 0 ? 1 / scales[j] : 0;
    }
    if (center) shift.set(mean);
    scaling = { means: Float64Array.from(shift), scales };
    sums.fill(0);
    maxAbs.fill(0);
    sweep((n) => heap.tileStats(tile, n, p, shiftAt, invAt, sumsAt, maxAbsAt));
  }
  const means = center ? sums.map((sum) => sum / m) : new Float64Array(p);
  mu.set(means);
  ss.fill(0);
  sweep((n, row0) => heap.tileCenter(tile, n, p, shiftAt, invAt, muAt, regions.xcol + row0, m, ssAt));
  const eligible = new Uint8Array(p);
  const sqNorm = new Float64Array(p);
  const views: Float64Array[] = new Array(p);
  for (let j = 0; j < p; j++) {
    const col = xcol.subarray(j * m, j * m + m);
    views[j] = col;
    const sd = Math.sqrt(ss[j] / m);
    eligible[j] = maxAbs[j] > 0 && sd > 1e-13 * maxAbs[j] ? 1 : 0;
    if (!eligible[j]) col.fill(0);
    sqNorm[j] = eligible[j] ? ss[j] / m : 0;
  }
  const kernels = new ColumnKernels(heap, m, p, regions);
  return { cols: { m, p, xcol, views, means, eligible, sqNorm, kernels }, scaling };
}
