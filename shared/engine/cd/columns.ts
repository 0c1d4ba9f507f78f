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
  /** Gram entries of these columns by the SIMD kernel (null for columns given by their statistics only). */
  gram: ColumnGram | null;
}

/**
 * Gram entries (1/m)·x̃_aᵀx̃_k of columns that live in a kernel heap (xcol is a view of it), by the
 * heap's gramPair kernel: coordinate descent's one O(m·p) step per column that enters the active set,
 * and so the bulk of a lasso path's time. WebAssembly SIMD runs it at ~6 GMAC/s here against ~1 for the
 * best scalar JavaScript tiles, and the columns are written into the heap where they are built, so
 * there is no copy.
 */
interface ColumnRegions {
  xcol: number;
  ks: number;
  outA: number;
  outB: number;
}

export class ColumnGram {
  private readonly xcolAt: number;
  private readonly ks: number;
  private readonly outA: number;
  private readonly outB: number;

  constructor(
    private readonly heap: KernelHeap,
    private readonly m: number,
    regions: ColumnRegions,
  ) {
    this.xcolAt = regions.xcol;
    this.ks = heap.u32Base + regions.ks;
    this.outA = regions.outA;
    this.outB = regions.outB;
  }

  /** Heap regions for columns of m × p: the columns, the index list (p + 3, room for padding to 4), two output rows. */
  static plan(layout: HeapLayout, m: number, p: number): ColumnRegions {
    return { xcol: layout.f64(m * p), outA: layout.f64(p), outB: layout.f64(p), ks: layout.u32(p + 3) };
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
}

/** Rows per tile of the transpose: a tile (rows × p doubles) stays in L1/L2 while its columns are written. */
const TRANSPOSE_ROWS = 32;

/**
 * Copies row-major x into column-major `out` tile by tile (a column-by-column gather would walk all of
 * X once per column; tiles read X once and write runs of TRANSPOSE_ROWS), and accumulates each
 * column's sum and largest magnitude on the way, in row order (the order a sweep down the column uses).
 */
function transposeWithStats(x: Float64Array, m: number, p: number, out: Float64Array, sums: Float64Array, maxAbs: Float64Array): void {
  for (let i0 = 0; i0 < m; i0 += TRANSPOSE_ROWS) {
    const i1 = Math.min(m, i0 + TRANSPOSE_ROWS);
    for (let j = 0; j < p; j++) {
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
  const regions = ColumnGram.plan(layout, m, p);
  const heap = layout.create();
  const xcol = heap.f64.subarray(regions.xcol, regions.xcol + m * p);
  const rawSums = new Float64Array(p);
  const rawMaxAbs = new Float64Array(p);
  transposeWithStats(x, m, p, xcol, rawSums, rawMaxAbs);
  const means = new Float64Array(p);
  const eligible = new Uint8Array(p);
  const sqNorm = new Float64Array(p);
  const views: Float64Array[] = new Array(p);
  const scaling: ColumnScaling | null = standardize ? { means: new Float64Array(p), scales: new Float64Array(p) } : null;
  // The sweeps are small functions called once per column (statistics come back through this scratch
  // pair): V8 optimizes them after a few columns even in a fresh process, such as a CV cell's first fit.
  const stat = new Float64Array(2);
  for (let j = 0; j < p; j++) {
    const col = xcol.subarray(j * m, j * m + m);
    views[j] = col;
    let sum = rawSums[j];
    let maxAbs = rawMaxAbs[j];
    if (scaling) {
      // columnScaling's statistics (mean, (1/m)-sd about the mean, constant test) and scaleDesign's
      // map, followed by the sum and magnitude of the scaled column for the centering below.
      const mean = sum / m;
      const sd = Math.sqrt(squaredDeviations(col, m, mean) / m);
      const scale = sd > 1e-13 * maxAbs ? sd : 0;
      const shift = center ? mean : 0;
      scaling.means[j] = shift;
      scaling.scales[j] = scale;
      shiftScale(col, m, shift, scale > 0 ? 1 / scale : 0, stat);
      sum = stat[0];
      maxAbs = stat[1];
    }
    const mu = center ? sum / m : 0;
    means[j] = mu;
    const ss = centerInPlace(col, m, mu);
    const sd = Math.sqrt(ss / m);
    eligible[j] = maxAbs > 0 && sd > 1e-13 * maxAbs ? 1 : 0;
    if (!eligible[j]) col.fill(0);
    sqNorm[j] = eligible[j] ? ss / m : 0;
  }
  const gram = new ColumnGram(heap, m, regions);
  return { cols: { m, p, xcol, views, means, eligible, sqNorm, gram }, scaling };
}

/** Σ (col[i] − mean)², in row order. */
function squaredDeviations(col: Float64Array, m: number, mean: number): number {
  let ss = 0;
  for (let i = 0; i < m; i++) {
    const d = col[i] - mean;
    ss += d * d;
  }
  return ss;
}

/** col ← (col − shift)·inv; stat = [sum, largest magnitude] of the result, in row order. */
function shiftScale(col: Float64Array, m: number, shift: number, inv: number, stat: Float64Array): void {
  let sum = 0;
  let maxAbs = 0;
  for (let i = 0; i < m; i++) {
    const v = (col[i] - shift) * inv;
    col[i] = v;
    sum += v;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
  }
  stat[0] = sum;
  stat[1] = maxAbs;
}

/** col ← col − mu; returns Σ col², in row order. */
function centerInPlace(col: Float64Array, m: number, mu: number): number {
  let ss = 0;
  for (let i = 0; i < m; i++) {
    const v = col[i] - mu;
    col[i] = v;
    ss += v * v;
  }
  return ss;
}
