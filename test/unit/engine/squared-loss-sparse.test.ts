/**
 * squaredLoss reads only the nonzero coefficients of a sparse w (shared/engine/linear/squaredLoss.ts): the
 * same bits as the dense sum over every column, written out here in its documented order (rows in
 * groups of four, each residual b − y_i + Σ_j x_ij·w_j in column order).
 */
import { describe, expect, it } from 'vitest';
import { glmnetDesign } from '../../../bench/data.ts';
import { squaredLoss } from '../../../shared/engine/linear/squaredLoss.ts';
import { Pcg64 } from '../../../shared/engine/random/pcg64.ts';
import type { Design } from '../../../shared/engine/types.ts';

function denseLoss({ x, y, m, p }: Design, b: number, w: Float64Array): number {
  let sumSq = 0;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a = [0, 1, 2, 3].map((k) => {
      let r = b - y[i + k];
      for (let j = 0; j < p; j++) r += x[(i + k) * p + j] * w[j];
      return r;
    });
    sumSq += a[0] * a[0] + a[1] * a[1] + (a[2] * a[2] + a[3] * a[3]);
  }
  for (; i < m; i++) {
    let r = b - y[i];
    for (let j = 0; j < p; j++) r += x[i * p + j] * w[j];
    sumSq += r * r;
  }
  return (0.5 * sumSq) / m;
}

describe('squaredLoss on sparse coefficients', () => {
  it('equals the dense sum bit for bit, at every sparsity (both routes) and with −0 and residuals of exactly 0', () => {
    const rng = Pcg64.fromSeed(31);
    for (const [m, p] of [
      [7, 33],
      [50, 400],
      [203, 1000],
    ]) {
      const design = glmnetDesign(m, p, 0.5, 2);
      for (const share of [0, 0.01, 0.1, 0.25, 0.3, 1]) {
        const w = Float64Array.from({ length: p }, (_, j) => (rng.random() < share ? rng.normal() : j % 2 ? -0 : 0));
        for (const b of [0.3, design.y[0]]) {
          const loss = squaredLoss(design, b, w);
          expect(Object.is(loss, denseLoss(design, b, w)), `m=${m} p=${p} share ${share} b=${b}`).toBe(true);
        }
      }
    }
  });
});
