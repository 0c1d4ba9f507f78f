import type { ColumnScaling } from '../design.ts';
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
}

/** Rows per tile of the transpose: a tile (rows × p doubles) stays in L1/L2 while its columns are written. */
const TRANSPOSE_ROWS = 32;

/**
 * Copies row-major x into column-major `out` tile by tile: a naive column-by-column gather would walk
 * all of X once per column (p strided sweeps); tiles read X once and write runs of TRANSPOSE_ROWS.
 */
function transpose(x: Float64Array, m: number, p: number, out: Float64Array): void {
  for (let i0 = 0; i0 < m; i0 += TRANSPOSE_ROWS) {
    const i1 = Math.min(m, i0 + TRANSPOSE_ROWS);
    for (let j = 0; j < p; j++) {
      const base = j * m;
      for (let i = i0; i < i1; i++) out[base + i] = x[i * p + j];
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
  const xcol = new Float64Array(m * p);
  transpose(x, m, p, xcol);
  const means = new Float64Array(p);
  const eligible = new Uint8Array(p);
  const sqNorm = new Float64Array(p);
  const views: Float64Array[] = new Array(p);
  const scaling: ColumnScaling | null = standardize ? { means: new Float64Array(p), scales: new Float64Array(p) } : null;
  for (let j = 0; j < p; j++) {
    const col = xcol.subarray(j * m, j * m + m);
    views[j] = col;
    if (scaling) {
      // columnScaling's statistics (mean, (1/m)-sd about the mean, constant test) and scaleDesign's map.
      let sum = 0;
      let maxAbs = 0;
      for (let i = 0; i < m; i++) {
        sum += col[i];
        maxAbs = Math.max(maxAbs, Math.abs(col[i]));
      }
      const mean = sum / m;
      let ss = 0;
      for (let i = 0; i < m; i++) {
        const d = col[i] - mean;
        ss += d * d;
      }
      const sd = Math.sqrt(ss / m);
      const scale = sd > 1e-13 * maxAbs ? sd : 0;
      const shift = center ? mean : 0;
      scaling.means[j] = shift;
      scaling.scales[j] = scale;
      const inv = scale > 0 ? 1 / scale : 0;
      for (let i = 0; i < m; i++) col[i] = (col[i] - shift) * inv;
    }
    let sum = 0;
    let maxAbs = 0;
    for (let i = 0; i < m; i++) {
      const v = col[i];
      sum += v;
      const a = Math.abs(v);
      if (a > maxAbs) maxAbs = a;
    }
    const mu = center ? sum / m : 0;
    means[j] = mu;
    let ss = 0;
    for (let i = 0; i < m; i++) {
      const v = col[i] - mu;
      col[i] = v;
      ss += v * v;
    }
    const sd = Math.sqrt(ss / m);
    eligible[j] = maxAbs > 0 && sd > 1e-13 * maxAbs ? 1 : 0;
    if (!eligible[j]) col.fill(0);
    sqNorm[j] = eligible[j] ? ss / m : 0;
  }
  return { cols: { m, p, xcol, views, means, eligible, sqNorm }, scaling };
}
