import type { ColumnScaling } from '../design.ts';
import { HeapLayout, type KernelHeap } from '../kernels/heap.ts';
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

interface ColumnRegions {
  xcol: number;
  resid: number;
  ks: number;
  outA: number;
  outB: number;
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

  constructor(
    private readonly heap: KernelHeap,
    private readonly m: number,
    regions: ColumnRegions,
  ) {
    this.xcolAt = regions.xcol;
    this.residAt = regions.resid;
    this.ks = heap.u32Base + regions.ks;
    this.outA = regions.outA;
    this.outB = regions.outB;
  }

  /** Heap regions for columns of m × p: the columns, a residual, the index list (p + 3, room for padding to 4), two output rows. */
  static plan(layout: HeapLayout, m: number, p: number): ColumnRegions {
    return { xcol: layout.f64(m * p), resid: layout.f64(m), outA: layout.f64(Math.max(p, 1)), outB: layout.f64(p), ks: layout.u32(p + 3) };
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

  /** r ← r − x̃_j·δ for the claimed residual r. */
  subtractFromResidual(j: number, delta: number): void {
    this.heap.subtractScaled(this.residAt, this.xcolAt + j * this.m, this.m, delta);
  }
}

/** Rows per tile of the transpose: a tile (rows × p doubles) stays in L1/L2 while its columns are written. */
const TRANSPOSE_ROWS = 32;

/*
 * Why 4 columns per sweep: every statistic here is a sum down one column in row order (the order the
 * row-major route, columnScaling + scaleDesign + prepareColumns, uses, so both routes give the same
 * bits). One such sum is a chain of dependent additions, bound by the add latency (~4 cycles per row);
 * 4 columns at once are 4 independent chains in the same loop, ~3× faster, each still in row order.
 */

/**
 * Copies row-major x into column-major `out` tile by tile (a column-by-column gather would walk all of
 * X once per column; tiles read X once and write runs of TRANSPOSE_ROWS), and accumulates each
 * column's sum and largest magnitude on the way, in row order.
 */
function transposeWithStats(x: Float64Array, m: number, p: number, out: Float64Array, sums: Float64Array, maxAbs: Float64Array): void {
  const p4 = p & ~3;
  for (let i0 = 0; i0 < m; i0 += TRANSPOSE_ROWS) {
    const i1 = Math.min(m, i0 + TRANSPOSE_ROWS);
    for (let j = 0; j < p4; j += 4) {
      const b0 = j * m;
      const b1 = b0 + m;
      const b2 = b1 + m;
      const b3 = b2 + m;
      let s0 = sums[j];
      let s1 = sums[j + 1];
      let s2 = sums[j + 2];
      let s3 = sums[j + 3];
      let a0 = maxAbs[j];
      let a1 = maxAbs[j + 1];
      let a2 = maxAbs[j + 2];
      let a3 = maxAbs[j + 3];
      for (let i = i0; i < i1; i++) {
        const r = i * p + j;
        const v0 = x[r];
        const v1 = x[r + 1];
        const v2 = x[r + 2];
        const v3 = x[r + 3];
        out[b0 + i] = v0;
        out[b1 + i] = v1;
        out[b2 + i] = v2;
        out[b3 + i] = v3;
        s0 += v0;
        s1 += v1;
        s2 += v2;
        s3 += v3;
        const u0 = Math.abs(v0);
        const u1 = Math.abs(v1);
        const u2 = Math.abs(v2);
        const u3 = Math.abs(v3);
        if (u0 > a0) a0 = u0;
        if (u1 > a1) a1 = u1;
        if (u2 > a2) a2 = u2;
        if (u3 > a3) a3 = u3;
      }
      sums[j] = s0;
      sums[j + 1] = s1;
      sums[j + 2] = s2;
      sums[j + 3] = s3;
      maxAbs[j] = a0;
      maxAbs[j + 1] = a1;
      maxAbs[j + 2] = a2;
      maxAbs[j + 3] = a3;
    }
    for (let j = p4; j < p; j++) {
      const base = j * m;
      let sum = sums[j];
      let big = maxAbs[j];
      for (let i = i0; i < i1; i++) {
        const v = x[i * p + j];
        out[base + i] = v;
        sum += v;
        const a = Math.abs(v);
        if (a > big) big = a;
      }
      sums[j] = sum;
      maxAbs[j] = big;
    }
  }
}

/** ss[j] = Σ_i (col_j[i] − mean_j)², in row order. */
function squaredDeviations(xcol: Float64Array, m: number, p: number, mean: Float64Array, ss: Float64Array): void {
  const p4 = p & ~3;
  for (let j = 0; j < p4; j += 4) {
    const b0 = j * m;
    const b1 = b0 + m;
    const b2 = b1 + m;
    const b3 = b2 + m;
    const c0 = mean[j];
    const c1 = mean[j + 1];
    const c2 = mean[j + 2];
    const c3 = mean[j + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < m; i++) {
      const d0 = xcol[b0 + i] - c0;
      const d1 = xcol[b1 + i] - c1;
      const d2 = xcol[b2 + i] - c2;
      const d3 = xcol[b3 + i] - c3;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    ss[j] = s0;
    ss[j + 1] = s1;
    ss[j + 2] = s2;
    ss[j + 3] = s3;
  }
  for (let j = p4; j < p; j++) {
    const base = j * m;
    const c = mean[j];
    let s = 0;
    for (let i = 0; i < m; i++) {
      const d = xcol[base + i] - c;
      s += d * d;
    }
    ss[j] = s;
  }
}

/** col_j ← (col_j − shift_j)·inv_j; sums[j], maxAbs[j] = the sum and largest magnitude of the result, in row order. */
function shiftScale(xcol: Float64Array, m: number, p: number, shift: Float64Array, inv: Float64Array, sums: Float64Array, maxAbs: Float64Array): void {
  const p4 = p & ~3;
  for (let j = 0; j < p4; j += 4) {
    const b0 = j * m;
    const b1 = b0 + m;
    const b2 = b1 + m;
    const b3 = b2 + m;
    const h0 = shift[j];
    const h1 = shift[j + 1];
    const h2 = shift[j + 2];
    const h3 = shift[j + 3];
    const f0 = inv[j];
    const f1 = inv[j + 1];
    const f2 = inv[j + 2];
    const f3 = inv[j + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < m; i++) {
      const v0 = (xcol[b0 + i] - h0) * f0;
      const v1 = (xcol[b1 + i] - h1) * f1;
      const v2 = (xcol[b2 + i] - h2) * f2;
      const v3 = (xcol[b3 + i] - h3) * f3;
      xcol[b0 + i] = v0;
      xcol[b1 + i] = v1;
      xcol[b2 + i] = v2;
      xcol[b3 + i] = v3;
      s0 += v0;
      s1 += v1;
      s2 += v2;
      s3 += v3;
      const u0 = Math.abs(v0);
      const u1 = Math.abs(v1);
      const u2 = Math.abs(v2);
      const u3 = Math.abs(v3);
      if (u0 > a0) a0 = u0;
      if (u1 > a1) a1 = u1;
      if (u2 > a2) a2 = u2;
      if (u3 > a3) a3 = u3;
    }
    sums[j] = s0;
    sums[j + 1] = s1;
    sums[j + 2] = s2;
    sums[j + 3] = s3;
    maxAbs[j] = a0;
    maxAbs[j + 1] = a1;
    maxAbs[j + 2] = a2;
    maxAbs[j + 3] = a3;
  }
  for (let j = p4; j < p; j++) {
    const base = j * m;
    const h = shift[j];
    const f = inv[j];
    let sum = 0;
    let big = 0;
    for (let i = 0; i < m; i++) {
      const v = (xcol[base + i] - h) * f;
      xcol[base + i] = v;
      sum += v;
      const a = Math.abs(v);
      if (a > big) big = a;
    }
    sums[j] = sum;
    maxAbs[j] = big;
  }
}

/** col_j ← col_j − mu_j; ss[j] = Σ of the result's squares, in row order. */
function centerInPlace(xcol: Float64Array, m: number, p: number, mu: Float64Array, ss: Float64Array): void {
  const p4 = p & ~3;
  for (let j = 0; j < p4; j += 4) {
    const b0 = j * m;
    const b1 = b0 + m;
    const b2 = b1 + m;
    const b3 = b2 + m;
    const c0 = mu[j];
    const c1 = mu[j + 1];
    const c2 = mu[j + 2];
    const c3 = mu[j + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < m; i++) {
      const v0 = xcol[b0 + i] - c0;
      const v1 = xcol[b1 + i] - c1;
      const v2 = xcol[b2 + i] - c2;
      const v3 = xcol[b3 + i] - c3;
      xcol[b0 + i] = v0;
      xcol[b1 + i] = v1;
      xcol[b2 + i] = v2;
      xcol[b3 + i] = v3;
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      s3 += v3 * v3;
    }
    ss[j] = s0;
    ss[j + 1] = s1;
    ss[j + 2] = s2;
    ss[j + 3] = s3;
  }
  for (let j = p4; j < p; j++) {
    const base = j * m;
    const c = mu[j];
    let s = 0;
    for (let i = 0; i < m; i++) {
      const v = xcol[base + i] - c;
      xcol[base + i] = v;
      s += v * v;
    }
    ss[j] = s;
  }
}

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

/** Column-major, centered columns of the design as given (no scaling). */
export function prepareColumns(design: Design, center: boolean): CdColumns {
  return buildColumns(design, center, false).cols;
}

/**
 * The columns of the standardized design together with its scaling: the same numbers as
 * `prepareColumns(scaleDesign(design, columnScaling(design, center)), center)` and
 * `columnScaling(design, center)`, operation for operation (so results do not depend on which route
 * a caller takes), but without the row-major scaled copy: X is transposed once and every statistic is
 * then a contiguous sweep over one column.
 */
export function prepareStandardizedColumns(design: Design, center: boolean): { cols: CdColumns; scaling: ColumnScaling } {
  const built = buildColumns(design, center, true);
  return { cols: built.cols, scaling: built.scaling! };
}

function buildColumns(design: Design, center: boolean, standardize: boolean): { cols: CdColumns; scaling: ColumnScaling | null } {
  const { x, m, p } = design;
  const layout = new HeapLayout();
  const regions = ColumnKernels.plan(layout, m, p);
  const heap = layout.create();
  const xcol = heap.f64.subarray(regions.xcol, regions.xcol + m * p);
  const sums = new Float64Array(p);
  const maxAbs = new Float64Array(p);
  transposeWithStats(x, m, p, xcol, sums, maxAbs);
  const ss = new Float64Array(p);
  let scaling: ColumnScaling | null = null;
  if (standardize) {
    // columnScaling's statistics (mean, (1/m)-sd about the mean, constant test) and scaleDesign's map,
    // which also gives the sum and magnitude of each scaled column for the centering below.
    const mean = sums.map((sum) => sum / m);
    squaredDeviations(xcol, m, p, mean, ss);
    const scales = new Float64Array(p);
    const inv = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      const sd = Math.sqrt(ss[j] / m);
      scales[j] = sd > 1e-13 * maxAbs[j] ? sd : 0;
      inv[j] = scales[j] > 0 ? 1 / scales[j] : 0;
    }
    const shifts = center ? mean : new Float64Array(p);
    scaling = { means: shifts, scales };
    shiftScale(xcol, m, p, shifts, inv, sums, maxAbs);
  }
  const means = center ? sums.map((sum) => sum / m) : new Float64Array(p);
  centerInPlace(xcol, m, p, means, ss);
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
  const kernels = new ColumnKernels(heap, m, regions);
  return { cols: { m, p, xcol, views, means, eligible, sqNorm, kernels }, scaling };
}
