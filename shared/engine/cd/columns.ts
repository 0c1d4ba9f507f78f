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

export function prepareColumns(design: Design, center: boolean): CdColumns {
  const { x, m, p } = design;
  const xcol = new Float64Array(m * p);
  const means = new Float64Array(p);
  const eligible = new Uint8Array(p);
  const sqNorm = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let sum = 0;
    let maxAbs = 0;
    for (let i = 0; i < m; i++) {
      const v = x[i * p + j];
      sum += v;
      const a = Math.abs(v);
      if (a > maxAbs) maxAbs = a;
    }
    const mu = center ? sum / m : 0;
    means[j] = mu;
    let ss = 0;
    const base = j * m;
    for (let i = 0; i < m; i++) {
      const v = x[i * p + j] - mu;
      xcol[base + i] = v;
      ss += v * v;
    }
    const sd = Math.sqrt(ss / m);
    eligible[j] = maxAbs > 0 && sd > 1e-13 * maxAbs ? 1 : 0;
    if (!eligible[j]) xcol.fill(0, base, base + m);
    sqNorm[j] = eligible[j] ? ss / m : 0;
  }
  return { m, p, xcol, means, eligible, sqNorm };
}
