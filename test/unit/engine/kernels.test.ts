/**
 * The fast kernels behind paths, CV and closed-form ridge, checked against straightforward reference
 * computations written here (plain loops in the textbook order). Where a kernel promises the reference's
 * summation order (Gram entries, the ridge normal equations, standardized columns, CV predictions), the
 * check is bit-for-bit; where it changes the iterates but not the convergence condition (strong-rule
 * screening), the optima must agree to the solver's precision.
 */
import { describe, expect, it } from 'vitest';
import { glmnetDesign } from '../../../bench/data.ts';
import { prepareColumns, prepareStandardizedColumns } from '../../../shared/engine/cd/columns.ts';
import { LinearCd } from '../../../shared/engine/cd/linearCd.ts';
import { cvCell, cvLambdaGrid, fullPathCell, measureError, randomFolds, sharedMoments, type CvMeasure } from '../../../shared/engine/cv.ts';
import { columnScaling, scaleDesign, subsetRows, validateDesign } from '../../../shared/engine/design.ts';
import { accumulateLowerGram } from '../../../shared/engine/linalg/gram.ts';
import { setKernelMode } from '../../../shared/engine/kernels/heap.ts';
import { choleskySolve } from '../../../shared/engine/linalg/cholesky.ts';
import { ridgeClosedForm } from '../../../shared/engine/linear/ridgeClosedForm.ts';
import { defaultLambdaGrid, fitPath, fitPathFromMoments, lambdaMax, type PathPoint } from '../../../shared/engine/path.ts';
import type { Design } from '../../../shared/engine/types.ts';

/** Σ_i a[i]·b[i], i ascending, one accumulator: the order accumulateLowerGram promises. */
function sequentialDot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Even rows and odd rows each summed in order, an odd length's last product with the even ones, then even + odd: the order of coordinate descent's Gram entries (ColumnKernels). */
function twoLaneDot(a: Float64Array, b: Float64Array): number {
  let even = 0;
  let odd = 0;
  const pairs = a.length >> 1;
  for (let s = 0; s < pairs; s++) {
    even += a[2 * s] * b[2 * s];
    odd += a[2 * s + 1] * b[2 * s + 1];
  }
  if (a.length & 1) even += a[a.length - 1] * b[a.length - 1];
  return even + odd;
}

function columnsOf(m: number, q: number, seed: number): Float64Array[] {
  const d = glmnetDesign(m, q, 0.3, seed);
  return Array.from({ length: q }, (_, j) => Float64Array.from({ length: m }, (_, i) => d.x[i * q + j]));
}

describe('Gram kernels', () => {
  const m = 37;

  for (const mode of ['auto', 'reference'] as const) {
    it(`ColumnKernels (${mode} kernels) gives the two-lane dot / m for every listed column, any count (padding), odd and even m`, () => {
      setKernelMode(mode);
      try {
        for (const rows of [m, m + 1]) {
          const design = glmnetDesign(rows, 11, 0.3, 7);
          const { cols } = prepareStandardizedColumns(design, true);
          for (const n of [1, 2, 3, 4, 5, 7, 11]) {
            const ks = new Int32Array(n + 3);
            for (let t = 0; t < n; t++) ks[t] = (t * 3) % 11;
            const single = new Float64Array(11).fill(Number.NaN);
            cols.kernels!.entries(4, -1, ks, n, single, 0, -1);
            const pair = new Float64Array(22).fill(Number.NaN);
            cols.kernels!.entries(4, 9, ks, n, pair, 0, 11);
            for (let t = 0; t < 11; t++) {
              const k = t;
              const listed = Array.from(ks.subarray(0, n)).includes(k);
              if (!listed) {
                expect(Number.isNaN(single[k]), `column ${k} was not listed`).toBe(true);
                continue;
              }
              expect(single[k]).toBe(twoLaneDot(cols.views[4], cols.views[k]) / rows);
              expect(pair[k]).toBe(single[k]);
              expect(pair[11 + k]).toBe(twoLaneDot(cols.views[9], cols.views[k]) / rows);
              expect(single[k]).toBeCloseTo(sequentialDot(cols.views[4], cols.views[k]) / rows, 12);
            }
          }
        }
      } finally {
        setKernelMode('auto');
      }
    });
  }

  it('Gram entries are exactly symmetric whichever column is the row', () => {
    const { cols } = prepareStandardizedColumns(glmnetDesign(m, 11, 0.3, 3), true);
    const a = new Float64Array(11);
    const b = new Float64Array(11);
    cols.kernels!.entries(4, -1, Int32Array.from([9, 0, 0, 0]), 1, a, 0, -1);
    cols.kernels!.entries(9, -1, Int32Array.from([4, 0, 0, 0]), 1, b, 0, -1);
    expect(a[9]).toBe(b[4]);
  });

  it('accumulateLowerGram over row blocks equals the one-block result and a row-by-row rank-1 sum, bit for bit', () => {
    for (const q of [1, 2, 5, 8]) {
      const full = columnsOf(m, q, q);
      const whole = new Float64Array(q * q);
      accumulateLowerGram(full, m, whole);
      const blocked = new Float64Array(q * q);
      for (const [from, to] of [
        [0, 10],
        [10, 11],
        [11, 30],
        [30, m],
      ]) {
        accumulateLowerGram(
          full.map((c) => c.subarray(from, to)),
          to - from,
          blocked,
        );
      }
      const rankOne = new Float64Array(q * q);
      for (let i = 0; i < m; i++) for (let a = 0; a < q; a++) for (let k = 0; k <= a; k++) rankOne[a * q + k] += full[a][i] * full[k][i];
      for (let a = 0; a < q; a++) {
        for (let k = 0; k <= a; k++) {
          expect(whole[a * q + k]).toBe(rankOne[a * q + k]);
          expect(blocked[a * q + k]).toBe(rankOne[a * q + k]);
        }
      }
    }
  });
});

/** The textbook ridge solve: rank-1 updates of the centered normal equations, one row at a time. */
function referenceRidge(design: Design, lambda: number, fitIntercept: boolean): { intercept: number; coef: Float64Array } {
  const { x, y, m, p } = design;
  const mean = new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) {
    for (let i = 0; i < m; i++) {
      yMean += y[i];
      for (let j = 0; j < p; j++) mean[j] += x[i * p + j];
    }
    yMean /= m;
    for (let j = 0; j < p; j++) mean[j] /= m;
  }
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < m; i++) {
    const yc = y[i] - yMean;
    for (let j = 0; j < p; j++) {
      const cj = x[i * p + j] - mean[j];
      b[j] += cj * yc;
      for (let k = 0; k <= j; k++) a[j * p + k] += cj * (x[i * p + k] - mean[k]);
    }
  }
  for (let j = 0; j < p; j++) {
    b[j] /= m;
    for (let k = 0; k <= j; k++) a[k * p + j] = a[j * p + k] = a[j * p + k] / m;
    a[j * p + j] += lambda;
  }
  const coef = choleskySolve(a, b, p);
  let intercept = yMean;
  for (let j = 0; j < p; j++) intercept -= mean[j] * coef[j];
  return { intercept, coef };
}

describe('closed-form ridge (blocked Gram)', () => {
  it.each([
    [50, 1, true],
    [200, 7, true],
    [301, 12, false],
    // Over 2^18 / (p + 1) rows: several row blocks.
    [2300, 120, true],
  ])('%i × %i (intercept %s) equals the row-by-row normal equations bit for bit', (m, p, fitIntercept) => {
    const design = glmnetDesign(m, p, 0.5, m + p);
    const got = ridgeClosedForm(design, 0.03, fitIntercept);
    const want = referenceRidge(design, 0.03, fitIntercept);
    expect(got.intercept).toBe(want.intercept);
    got.coef.forEach((v, j) => expect(v, `coef[${j}]`).toBe(want.coef[j]));
  });
});

describe('column preparation for coordinate descent', () => {
  const design = glmnetDesign(203, 9, 0.5, 3);
  // A constant column and one on a wildly different scale.
  for (let i = 0; i < design.m; i++) {
    design.x[i * 9 + 2] = 4.25;
    design.x[i * 9 + 5] *= 1e6;
  }

  it.each([true, false])('standardized columns (center %s) equal scaling the row-major design first, bit for bit', (center) => {
    const direct = prepareStandardizedColumns(design, center);
    const scaling = columnScaling(design, center);
    const viaRows = prepareColumns(scaleDesign(design, scaling), center);
    expect(Array.from(direct.scaling.means)).toEqual(Array.from(scaling.means));
    expect(Array.from(direct.scaling.scales)).toEqual(Array.from(scaling.scales));
    expect(Array.from(direct.cols.xcol)).toEqual(Array.from(viaRows.xcol));
    expect(Array.from(direct.cols.sqNorm)).toEqual(Array.from(viaRows.sqNorm));
    expect(Array.from(direct.cols.eligible)).toEqual(Array.from(viaRows.eligible));
    expect(direct.cols.eligible[2]).toBe(0);
    direct.cols.views.forEach((view, j) => expect(Array.from(view)).toEqual(Array.from(direct.cols.xcol.subarray(j * design.m, (j + 1) * design.m))));
  });

  it('the same bits with the WebAssembly kernels and their TypeScript twins (odd p, rows past a tile)', () => {
    const wide = glmnetDesign(611, 13, 0.4, 5);
    for (const center of [true, false]) {
      const fast = prepareStandardizedColumns(wide, center);
      const fastRaw = prepareColumns(wide, center);
      setKernelMode('reference');
      try {
        const twin = prepareStandardizedColumns(wide, center);
        const twinRaw = prepareColumns(wide, center);
        expect(Buffer.from(fast.cols.xcol.slice().buffer).equals(Buffer.from(twin.cols.xcol.slice().buffer))).toBe(true);
        expect(Array.from(fast.scaling.scales)).toEqual(Array.from(twin.scaling.scales));
        expect(Array.from(fast.cols.sqNorm)).toEqual(Array.from(twin.cols.sqNorm));
        expect(Buffer.from(fastRaw.xcol.slice().buffer).equals(Buffer.from(twinRaw.xcol.slice().buffer))).toBe(true);
      } finally {
        setKernelMode('auto');
      }
    }
  });

  it('paths find a non-finite entry of X in their first pass over it, and name it', () => {
    const options = { model: 'linear' as const, alpha: 1, standardize: true, fitIntercept: true };
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const x = Float64Array.from(design.x);
      x[150 * 9 + 7] = bad;
      expect(() => fitPath({ ...design, x }, options, [0.1])).toThrow(`x[150, x8] is ${bad}`);
      expect(() => lambdaMax({ ...design, x }, options)).toThrow(`x[150, x8] is ${bad}`);
      const labels = design.y.map((v) => (v > 0 ? 1 : 0));
      expect(() => fitPath({ ...design, x, y: labels }, { ...options, standardize: false, model: 'logistic', fitIntercept: false }, [0.1])).toThrow(`x[150, x8] is ${bad}`);
    }
    // Finite values whose column sum overflows to ∞ are not reported as non-finite entries.
    const huge = Float64Array.from(design.x);
    for (let i = 0; i < design.m; i++) huge[i * 9 + 4] = 1e308;
    expect(() => fitPath({ ...design, x: huge }, { ...options, standardize: false }, [0.1])).not.toThrow();
  });

  it('the transpose is exact for row counts that are not a multiple of its tile', () => {
    const cols = prepareColumns(design, false);
    for (let i = 0; i < design.m; i++) {
      for (let j = 0; j < design.p; j++) {
        if (cols.eligible[j]) expect(cols.xcol[j * design.m + i]).toBe(design.x[i * design.p + j]);
      }
    }
  });
});

describe('validation and row subsets', () => {
  it('a non-finite entry is still reported by row and column name', () => {
    const design = glmnetDesign(10, 3, 0.5, 1);
    expect(() => validateDesign(design)).not.toThrow();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const x = Float64Array.from(design.x);
      x[7 * 3 + 1] = bad;
      expect(() => validateDesign({ ...design, x })).toThrow(`x[7, x2] is ${bad}`);
    }
  });

  it('subsetRows keeps the selected rows in order', () => {
    const design = glmnetDesign(9, 4, 0.5, 2);
    const sub = subsetRows(design, (i) => i % 3 !== 1);
    expect(sub.m).toBe(6);
    [0, 2, 3, 5, 6, 8].forEach((row, r) => {
      expect(Array.from(sub.x.subarray(r * 4, r * 4 + 4))).toEqual(Array.from(design.x.subarray(row * 4, row * 4 + 4)));
      expect(sub.y[r]).toBe(design.y[row]);
    });
  });
});

describe('strong-rule screening (naive kernel)', () => {
  it('a wide path (p > 500, naive kernel) reaches the covariance kernel’s optima and zero patterns', () => {
    const design = glmnetDesign(60, 520, 0.5, 7);
    const options = { model: 'linear' as const, alpha: 0.9, standardize: true, fitIntercept: true };
    const grid = defaultLambdaGrid(design, options, 25);
    const { cols } = prepareStandardizedColumns(design, true);
    const run = (naive: boolean): Float64Array[] => {
      const cd = new LinearCd(design, true, naive, cols);
      cd.certify = false;
      return Array.from(grid, (lambda) => {
        cd.setPenalty(lambda, options.alpha);
        let passes = 0;
        while (!cd.pass(1e-24 * cd.scale) && passes < 200000) passes++;
        return Float64Array.from(cd.w);
      });
    };
    const naive = run(true);
    const covariance = run(false);
    naive.forEach((w, l) => {
      let scale = 1;
      for (const v of covariance[l]) scale = Math.max(scale, Math.abs(v));
      w.forEach((v, j) => {
        expect(Math.abs(v - covariance[l][j]), `λ[${l}] w[${j}]`).toBeLessThan(1e-7 * scale);
        // Coefficients that are exactly zero in one are (at most rounding-level) zero in the other.
        if (covariance[l][j] === 0) expect(Math.abs(v)).toBeLessThan(1e-9 * scale);
      });
    });
    // And fitPath (which picks the naive kernel for p > 500) agrees with it.
    const path = fitPath(design, { ...options, tol: 1e-24 }, grid);
    expect(path.at(-1)!.nonzero).toBeGreaterThan(10);
  });
});

describe('strong-rule screening: the KKT check admits what the rule wrongly left out', () => {
  it('a suppressor column (uncorrelated with y at w = 0, needed once its partner enters) joins the naive path', () => {
    // y = z1; x1 = z1 + z2, x2 = z2: x2ᵀy is small, so the strong rule screens x2 out, but y = x1 − x2 exactly,
    // so x2 must enter soon after x1 does: at that λ only the KKT check of the screened columns brings it in.
    const m = 200;
    const p = 12;
    const noise = glmnetDesign(m, p, 0, 21);
    const x = Float64Array.from(noise.x);
    const y = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const z1 = noise.y[i];
      const z2 = noise.x[i * p + 11];
      x[i * p] = z1 + z2;
      x[i * p + 1] = z2;
      y[i] = z1;
    }
    const design: Design = { ...noise, x, y };
    const options = { model: 'linear' as const, alpha: 1, standardize: true, fitIntercept: true };
    const grid = defaultLambdaGrid(design, options, 20);
    const { cols } = prepareStandardizedColumns(design, true);
    const run = (naive: boolean): Float64Array[] => {
      const cd = new LinearCd(design, true, naive, cols);
      cd.certify = false;
      return Array.from(grid, (lambda) => {
        cd.setPenalty(lambda, 1);
        let passes = 0;
        while (!cd.pass(1e-24 * cd.scale) && passes < 200000) passes++;
        return Float64Array.from(cd.w);
      });
    };
    const naive = run(true);
    const covariance = run(false);
    expect(Math.abs(covariance.at(-1)![1])).toBeGreaterThan(0.1);
    naive.forEach((w, l) => w.forEach((v, j) => expect(Math.abs(v - covariance[l][j]), `λ[${l}] w[${j}]`).toBeLessThan(1e-7)));
  });
});

/** The fold's error at each λ of a path, evaluated row by row, λ by λ (the textbook order). */
function rowByRow(test: Design, path: readonly PathPoint[], model: 'linear' | 'logistic', measure: CvMeasure): number[] {
  return path.map((point) => {
    const eta = new Float64Array(test.m);
    for (let i = 0; i < test.m; i++) {
      let s = point.intercept;
      for (let j = 0; j < test.p; j++) s += test.x[i * test.p + j] * point.coef[j];
      eta[i] = s;
    }
    return model === 'linear' ? measureError(test.y, eta, false, measure) : measureError(test.y, eta.map((e) => 1 / (1 + Math.exp(-e))), true, measure);
  });
}

describe('CV cell errors', () => {
  it('logistic: equal a row-by-row, λ-by-λ evaluation of the path on the training rows bit for bit', () => {
    const base = glmnetDesign(303, 13, 0.5, 11);
    const design = { ...base, y: Float64Array.from(base.y, (v) => (v > 0 ? 1 : 0)) };
    const options = { model: 'logistic' as const, alpha: 0.7, standardize: true, fitIntercept: true, tol: 1e-7 };
    const grid = Array.from(defaultLambdaGrid(design, options, 30));
    const folds = randomFolds(design.m, 5, 0);
    expect(sharedMoments(design, folds, options)).toBeUndefined();
    const cell = cvCell(design, folds, 2, grid, options, 'deviance');
    const path = fitPath(subsetRows(design, (i) => folds[i] !== 2), options, grid);
    expect(Array.from(cell.errors)).toEqual(rowByRow(subsetRows(design, (i) => folds[i] === 2), path, 'logistic', 'deviance'));
  });

  it('linear: the quadratic form in the fold moments equals a row-by-row evaluation of the same path to 1e-10', () => {
    const design = glmnetDesign(303, 13, 0.5, 11);
    const options = { model: 'linear' as const, alpha: 0.7, standardize: true, fitIntercept: true, tol: 1e-7 };
    const grid = Array.from(defaultLambdaGrid(design, options, 30));
    const folds = randomFolds(design.m, 5, 0);
    const moments = sharedMoments(design, folds, options)!;
    const cell = cvCell(design, folds, 2, grid, options, 'mse', moments);
    const want = rowByRow(subsetRows(design, (i) => folds[i] === 2), fitPathFromMoments(moments, 2, options, grid), 'linear', 'mse');
    want.forEach((w, l) => expect(Math.abs(cell.errors[l] - w), `λ[${l}]`).toBeLessThan(1e-10 * w));
  });

  it('linear: a near-perfect fit, where the quadratic form would cancel, is evaluated on the rows', () => {
    // y = Xβ + 1e-7·noise: at small λ the fold error is ~1e-14 of var(y), below what the moments resolve.
    const base = glmnetDesign(240, 6, 0.3, 4);
    const noise = glmnetDesign(240, 1, 0, 99).y;
    const y = Float64Array.from({ length: base.m }, (_, i) => {
      let s = 0.5;
      for (let j = 0; j < base.p; j++) s += base.x[i * base.p + j] * (j + 1);
      return s + 1e-7 * noise[i];
    });
    const design = { ...base, y };
    const options = { model: 'linear' as const, alpha: 1, standardize: true, fitIntercept: true, tol: 1e-14 };
    const grid = Array.from(defaultLambdaGrid(design, options, 40, 1e-9));
    const folds = randomFolds(design.m, 4, 3);
    const moments = sharedMoments(design, folds, options)!;
    const cell = cvCell(design, folds, 1, grid, options, 'mse', moments);
    const want = rowByRow(subsetRows(design, (i) => folds[i] === 1), fitPathFromMoments(moments, 1, options, grid), 'linear', 'mse');
    expect(want.at(-1)!).toBeLessThan(1e-10 * want[0]);
    want.forEach((w, l) => expect(Math.abs(cell.errors[l] - w), `λ[${l}]`).toBeLessThan(1e-9 * w));
  });
});

/** Every (standardize, fitIntercept) pair: the moments take a different route for each. */
const SCALINGS: [boolean, boolean][] = [
  [true, true],
  [false, true],
  [true, false],
  [false, false],
];

describe('fold moments of a CV (cd/foldGram.ts)', () => {
  it.each(SCALINGS)('standardize %s, intercept %s: every statistic and Gram entry equals the rows\' own, also for a column with a large mean', (standardize, center) => {
    const base = glmnetDesign(257, 9, 0.5, 21);
    // Column 3 sits at 1e4 with spread 1: raw cross-products would cancel ~8 digits; y sits at 500.
    const x = Float64Array.from(base.x, (v, idx) => (idx % 9 === 3 ? 1e4 + v : v));
    const design = { ...base, x, y: base.y.map((v) => v + 500) };
    const folds = randomFolds(design.m, 4, 1);
    const moments = sharedMoments(design, folds, { model: 'linear' })!;
    const close = (got: number, want: number, scale: number, what: string) => expect(Math.abs(got - want), what).toBeLessThanOrEqual(1e-12 * scale);
    for (const heldOut of [-1, 0, 3]) {
      const train = heldOut < 0 ? design : subsetRows(design, (i) => folds[i] !== heldOut);
      const stats = moments.cellStatistics(heldOut, center, standardize);
      const prepared = standardize ? prepareStandardizedColumns(train, center) : { cols: prepareColumns(train, center), scaling: null };
      const cols = prepared.cols;
      expect(stats.n).toBe(train.m);
      expect(Array.from(stats.eligible)).toEqual(Array.from(cols.eligible));
      // The rows' own response statistics, as LinearCd computes them.
      const yMean = center ? train.y.reduce((a, v) => a + v, 0) / train.m : 0;
      const yc = train.y.map((v) => v - yMean);
      close(stats.yMean, yMean, Math.abs(yMean), `held out ${heldOut}, ȳ`);
      close(stats.yy, sequentialDot(yc, yc) / train.m, sequentialDot(yc, yc) / train.m, `held out ${heldOut}, yy`);
      for (let j = 0; j < design.p; j++) {
        const vj = sequentialDot(cols.views[j], cols.views[j]) / train.m;
        close(stats.sqNorm[j], cols.sqNorm[j], vj, `held out ${heldOut}, v[${j}]`);
        close(stats.c[j], sequentialDot(cols.views[j], yc) / train.m, Math.sqrt(vj * stats.yy), `held out ${heldOut}, c[${j}]`);
        if (prepared.scaling) {
          close(stats.scaling!.means[j], prepared.scaling.means[j], Math.abs(prepared.scaling.means[j]) + prepared.scaling.scales[j], `held out ${heldOut}, mean[${j}]`);
          close(stats.scaling!.scales[j], prepared.scaling.scales[j], prepared.scaling.scales[j], `held out ${heldOut}, sd[${j}]`);
        } else {
          close(stats.means[j], cols.means[j], Math.abs(cols.means[j]) + 1, `held out ${heldOut}, mean[${j}]`);
        }
      }
      const ks = Int32Array.from({ length: design.p + 3 }, (_, k) => Math.min(k, design.p - 1));
      const out = new Float64Array(design.p);
      for (let j = 0; j < design.p; j++) {
        stats.source.fill(j, ks, design.p, out, 0);
        for (let k = 0; k < design.p; k++) {
          const want = sequentialDot(cols.views[j], cols.views[k]) / train.m;
          const scale = Math.sqrt(cols.sqNorm[j] * cols.sqNorm[k]);
          close(out[k], want, scale, `held out ${heldOut}, G[${j},${k}]`);
        }
      }
    }
  });

  it("a cell's path does not depend on the cells its process ran before (bit for bit), and is the training rows' path", () => {
    const design = glmnetDesign(400, 30, 0.5, 5);
    const options = { model: 'linear' as const, alpha: 0.9, standardize: true, fitIntercept: true, tol: 1e-7 };
    const grid = Array.from(defaultLambdaGrid(design, options, 25));
    const folds = randomFolds(design.m, 5, 2);
    const fresh = cvCell(design, folds, 3, grid, options, 'mse');
    const busy = sharedMoments(design, folds, options)!;
    fullPathCell(design, grid, options, busy);
    for (const f of [4, 0, 1]) cvCell(design, folds, f, grid, options, 'mse', busy);
    const after = cvCell(design, folds, 3, grid, options, 'mse', busy);
    expect(Array.from(after.errors)).toEqual(Array.from(fresh.errors));
    expect(Array.from(after.nonzero)).toEqual(Array.from(fresh.nonzero));
    const direct = fitPath(subsetRows(design, (i) => folds[i] !== 3), options, grid);
    const fromMoments = fitPathFromMoments(busy, 3, options, grid);
    direct.forEach((point, l) => {
      expect(fromMoments[l].nonzero).toBe(point.nonzero);
      expect(Math.abs(fromMoments[l].intercept - point.intercept)).toBeLessThan(1e-9 * (1 + Math.abs(point.intercept)));
      point.coef.forEach((w, j) => expect(Math.abs(fromMoments[l].coef[j] - w), `λ[${l}] w[${j}]`).toBeLessThan(1e-9 * (1 + Math.abs(w))));
    });
  });

  it.each(SCALINGS)('standardize %s, intercept %s: a column constant on a cell\'s rows (not elsewhere) is left out exactly, and a nearly constant one sends the cell to its rows', (standardize, center) => {
    const base = glmnetDesign(300, 6, 0.4, 13);
    const folds = randomFolds(base.m, 4, 2);
    // Column 1: 3 on folds 0, 1, 3 and 7 on fold 2. Column 4: 5 + 1e-9·noise off fold 0, spread on fold 0.
    const x = Float64Array.from(base.x, (v, idx) => {
      const i = Math.floor(idx / 6);
      const j = idx % 6;
      if (j === 1) return folds[i] === 2 ? 7 : 3;
      if (j === 4) return folds[i] === 0 ? v * 10 : 5 + 1e-9 * v;
      return v;
    });
    const design = { ...base, x };
    const options = { model: 'linear' as const, alpha: 0.5, standardize, fitIntercept: center, tol: 1e-10 };
    const grid = Array.from(defaultLambdaGrid(design, options, 15));
    const moments = sharedMoments(design, folds, options)!;
    const rowErrors = (fold: number): number[] =>
      rowByRow(subsetRows(design, (i) => folds[i] === fold), fitPath(subsetRows(design, (i) => folds[i] !== fold), options, grid), 'linear', 'mse');
    // Fold 0 held out: column 4 is 5 + 1e-9·noise on the training rows, its moment cancels: the cell is
    // computed from its rows, exactly as the rows route computes it.
    expect(moments.cellStatistics(0, center, standardize).reliable).toBe(false);
    expect(Array.from(cvCell(design, folds, 0, grid, options, 'mse', moments).errors)).toEqual(rowErrors(0));
    // Fold 2 held out: column 1 is constant (3) on the training rows and stays out, as on the rows; the
    // moments are fine otherwise.
    const stats = moments.cellStatistics(2, center, standardize);
    expect(stats.reliable).toBe(true);
    expect(stats.eligible[1]).toBe(center || standardize ? 0 : 1);
    const cell = cvCell(design, folds, 2, grid, options, 'mse', moments);
    rowErrors(2).forEach((want, l) => expect(Math.abs(cell.errors[l] - want), `λ[${l}]`).toBeLessThan(1e-9 * want));
  });

  it('leaves out a column that is constant on the training rows but not on the held-out fold, as the rows do', () => {
    const base = glmnetDesign(300, 5, 0.4, 17);
    const folds = randomFolds(base.m, 4, 5);
    const x = Float64Array.from(base.x, (v, idx) => (idx % 5 === 2 ? (folds[Math.floor(idx / 5)] === 1 ? 9 : -4) : v));
    const design = { ...base, x };
    for (const standardize of [true, false]) {
      const options = { model: 'linear' as const, alpha: 1, standardize, fitIntercept: true, tol: 1e-10 };
      const grid = Array.from(defaultLambdaGrid(design, options, 15));
      const moments = sharedMoments(design, folds, options)!;
      const stats = moments.cellStatistics(1, true, standardize);
      expect(stats.reliable).toBe(true);
      expect(stats.eligible[2]).toBe(0);
      const direct = fitPath(subsetRows(design, (i) => folds[i] !== 1), options, grid);
      fitPathFromMoments(moments, 1, options, grid).forEach((point, l) => {
        expect(point.coef[2]).toBe(0);
        point.coef.forEach((w, j) => expect(Math.abs(w - direct[l].coef[j]), `λ[${l}] w[${j}]`).toBeLessThan(1e-8 * (1 + Math.abs(direct[l].coef[j]))));
      });
    }
  });

  it('the CV grid starts at the λ_max of the rows, and the full path is exactly 0 there', () => {
    for (const alpha of [1, 0.5, 0.3, 0.1, 0.05, 0.7]) {
      const design = glmnetDesign(350, 12, 0.5, 8);
      const options = { model: 'linear' as const, alpha, standardize: true, fitIntercept: true, tol: 1e-7 };
      const folds = randomFolds(design.m, 5, 0);
      const moments = sharedMoments(design, folds, options)!;
      const grid = cvLambdaGrid(design, options, moments, 20);
      const rows = defaultLambdaGrid(design, options, 20);
      expect(Math.abs(grid[0] - rows[0])).toBeLessThan(1e-13 * rows[0]);
      expect(grid[0] * alpha).toBeGreaterThanOrEqual(Math.max(...Array.from(moments.cellStatistics(-1, true, true).c, Math.abs)));
      expect(fullPathCell(design, grid, options, moments).nonzero[0], `α = ${alpha}`).toBe(0);
    }
  });
});
