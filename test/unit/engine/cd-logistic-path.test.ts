// The logistic path's work-saving machinery (shared/engine/cd/logisticPath.ts, logisticCd.ts): the
// sequential strong rule with its KKT check, and the Gram-matrix inner loop. Neither may change the
// optimum reached: every point is checked against the KKT conditions computed here independently
// (logLossAndGradient on the standardized design, kktResiduals), paths with the machinery off are the
// comparison, and repeated runs must give the same bits.
import { describe, expect, it } from 'vitest';
import { LogisticCd } from '../../../shared/engine/cd/logisticCd.ts';
import { logisticPath } from '../../../shared/engine/cd/logisticPath.ts';
import { cvCell } from '../../../shared/engine/cv.ts';
import { columnScaling, scaleDesign } from '../../../shared/engine/design.ts';
import { kernelMode, setKernelMode } from '../../../shared/engine/kernels/heap.ts';
import { dot, dot2, dotAndCurvature, subtractWeighted, subtractWeightedThenDot, subtractWeightedThenDotAndCurvature, weightColumn, addScaled, irlsWeights, etaStep, initialLossLanes, lossLanes, lossTotal, LOSS_LANES } from '../../../shared/engine/cd/logisticKernels.ts';
import { logisticKernels } from '../../../shared/engine/cd/logisticWasm.ts';
import { kktResiduals } from '../../../shared/engine/kkt.ts';
import { logLossAndGradient, sigmoid } from '../../../shared/engine/logistic/logLoss.ts';
import { scaleCoefficients } from '../../../shared/engine/objective.ts';
import { defaultLambdaGrid, fitPath, type PathPoint } from '../../../shared/engine/path.ts';
import { Pcg64 } from '../../../shared/engine/random/pcg64.ts';
import type { Design } from '../../../shared/engine/types.ts';
import { loadDesign, loadReference } from './loadCsv.ts';

/** Gaussian columns with pairwise correlation rho; labels from a sparse β (so most columns stay at 0 for long). */
function synthetic(m: number, p: number, rho: number, seed: number, signal: number, noise: number): Design {
  const rng = Pcg64.fromSeed(seed);
  const x = new Float64Array(m * p);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const z = rng.normal();
    let eta = 0;
    for (let j = 0; j < p; j++) {
      const v = Math.sqrt(rho) * z + Math.sqrt(1 - rho) * rng.normal();
      // Columns on different scales, as real data are (standardization has work to do).
      x[i * p + j] = v * (1 + j);
      if (j < 5) eta += (j % 2 === 0 ? signal : -signal) * v;
    }
    y[i] = eta + noise * rng.normal() > 0 ? 1 : 0;
  }
  return { x, y, m, p, featureNames: Array.from({ length: p }, (_, j) => `x${j}`) };
}

const ref = loadReference('logistic_synth_glmnet.json');
// coefTol: how far coefficients of two points settled by the rule may differ, relative to the largest.
// On nearly separable data the objective is nearly flat along some directions, so points whose objectives
// agree to 1e-11 can differ by ~1e-4 there (naive CD, the comparison, stops farther from the optimum: at
// λ[37] its KKT residual is 3.8e-8 against 2.1e-9 with the exact face solve, and its objective 9.5e-12 higher).
const CASES: { name: string; design: Design; alpha: number; lambdas?: number[]; coefTol: number }[] = [
  { name: 'logistic_synth (glmnet reference data, its λ list)', design: loadDesign(ref.data, ref.features, ref.target), alpha: 1, lambdas: ref.cv!.lambda, coefTol: 1e-5 },
  { name: 'correlated, sparse truth, 400 × 30', design: synthetic(400, 30, 0.5, 11, 1, 1), alpha: 1, coefTol: 1e-5 },
  { name: 'nearly separable, 300 × 20', design: synthetic(300, 20, 0.3, 12, 3, 0.2), alpha: 1, coefTol: 1e-3 },
  { name: 'elastic net α = 0.5, 400 × 30', design: synthetic(400, 30, 0.5, 13, 1, 1), alpha: 0.5, coefTol: 1e-5 },
];
const TOL = 1e-12;

type Variant = { screening: boolean; gram: LogisticCd['gramPolicy'] };

function runPath(design: Design, alpha: number, lambdas: ArrayLike<number>, variant: Variant): PathPoint[] {
  const scaling = columnScaling(design, true);
  const cd = new LogisticCd(scaleDesign(design, scaling), true);
  cd.gramPolicy = variant.gram;
  return logisticPath(cd, { alpha, tol: TOL, screening: variant.screening }, Array.from(lambdas), scaling);
}

/** The largest KKT residual of a path point over every column, on the standardized problem. */
function kktMax(design: Design, point: PathPoint, alpha: number): number {
  const scaling = columnScaling(design, true);
  const problem = scaleDesign(design, scaling);
  const scaled = scaleCoefficients(point.intercept, point.coef, scaling);
  const grad = new Float64Array(design.p);
  const out = new Float64Array(2);
  logLossAndGradient(problem, scaled.intercept, scaled.coef, grad, out);
  return Math.max(Math.abs(out[1]), kktResiduals(grad, scaled.coef, point.lambda, alpha).max);
}

function grid(design: Design, alpha: number, lambdas?: number[]): number[] {
  return lambdas ?? Array.from(defaultLambdaGrid(design, { model: 'logistic', alpha, standardize: true, fitIntercept: true }, 60));
}

describe.each(CASES)('logistic path machinery: $name', ({ design, alpha, lambdas, coefTol }) => {
  const lams = grid(design, alpha, lambdas);
  const plain = runPath(design, alpha, lams, { screening: false, gram: 'never' });

  it('without screening or Gram matrix, every point satisfies the KKT conditions (the baseline is right)', () => {
    for (const point of plain) {
      expect(point.converged).toBe(true);
      expect(kktMax(design, point, alpha), `λ = ${point.lambda}`).toBeLessThan(1e-6);
    }
  });

  for (const variant of [
    { screening: true, gram: 'auto' },
    { screening: true, gram: 'never' },
    { screening: false, gram: 'always' },
    { screening: true, gram: 'always' },
  ] as Variant[]) {
    it(`screening ${variant.screening ? 'on' : 'off'}, Gram ${variant.gram}: the same optima (KKT over all columns, objective, zeros)`, () => {
      const path = runPath(design, alpha, lams, variant);
      path.forEach((point, k) => {
        expect(point.converged).toBe(true);
        // No column that KKT says should move is left out by the screen.
        expect(kktMax(design, point, alpha), `λ = ${point.lambda}`).toBeLessThan(1e-6);
        // Both points are settled by the same rule (steps below tol·D0, D0 = ȳ(1−ȳ) ≤ ¼): neither may be
        // worse than the other by more than O(tol·D0). (The exact face solve may end lower than naive CD,
        // which stops farther from the optimum on ill-conditioned data — up to ~1e-9 of J above the exact
        // solve's point on the nearly separable case; both are checked by KKT above.)
        expect(point.objective - plain[k].objective).toBeLessThan(50 * TOL * 0.25);
        expect(Math.abs(point.objective - plain[k].objective)).toBeLessThan(1e-8 * plain[k].objective);
        expect(point.nonzero).toBe(plain[k].nonzero);
        let scale = 1;
        plain[k].coef.forEach((v) => (scale = Math.max(scale, Math.abs(v))));
        point.coef.forEach((v, j) => expect(Math.abs(v - plain[k].coef[j]), `λ[${k}] coef ${j}`).toBeLessThan(coefTol * scale));
      });
    });
  }

  it('two runs give the same bits (default settings, through fitPath)', () => {
    const options = { model: 'logistic' as const, alpha, standardize: true, fitIntercept: true, tol: TOL };
    const a = fitPath(design, options, lams);
    const b = fitPath(design, options, lams);
    a.forEach((point, k) => {
      expect(Object.is(point.intercept, b[k].intercept)).toBe(true);
      expect(Object.is(point.objective, b[k].objective)).toBe(true);
      expect(Buffer.from(point.coef.buffer).equals(Buffer.from(b[k].coef.buffer))).toBe(true);
    });
  });
});

describe('strong rule and KKT check', () => {
  const design = synthetic(400, 30, 0.5, 11, 1, 1);
  const lams = grid(design, 1);

  it('the strong rule leaves columns out early on the path', () => {
    const scaling = columnScaling(design, true);
    const cd = new LogisticCd(scaleDesign(design, scaling), true);
    logisticPath(cd, { alpha: 1, tol: 1e-7 }, lams.slice(0, 8), scaling);
    expect(cd.screened).toBeGreaterThan(0);
    expect(cd.screened).toBeLessThan(design.p);
  });

  it('checkScreened brings in exactly the zero columns whose gradient exceeds λα (gradient computed independently)', () => {
    const scaling = columnScaling(design, true);
    const problem = scaleDesign(design, scaling);
    const cd = new LogisticCd(problem, true);
    const k = 20;
    const path = logisticPath(cd, { alpha: 1, tol: TOL, screening: false }, lams.slice(0, k + 1), scaling);
    const point = path[k];
    // Screen everything out, then ask the check at the optimum of λ_k for a smaller λ: the columns that
    // would move there (|∂L/∂w_j| > λ) must come back, the others stay out.
    const lambda = lams[k] * 0.7;
    cd.setPenalty(lambda, 1);
    cd.setScreen(new Uint8Array(design.p));
    const absGrad = new Float64Array(design.p);
    const added = cd.checkScreened(absGrad);
    const scaled = scaleCoefficients(point.intercept, point.coef, scaling);
    const grad = new Float64Array(design.p);
    logLossAndGradient(problem, scaled.intercept, scaled.coef, grad, new Float64Array(2));
    let expected = 0;
    for (let j = 0; j < design.p; j++) {
      const g = Math.abs(grad[j]);
      expect(Math.abs(absGrad[j] - g)).toBeLessThan(1e-9);
      if (g > lambda * (1 + 1e-6)) expect(cd.screen[j], `column ${j}`).toBe(1);
      if (g < lambda * (1 - 1e-6)) expect(cd.screen[j], `column ${j}`).toBe(0);
      if (cd.screen[j]) expected++;
    }
    expect(added).toBe(expected);
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(design.p);
  });

  it('the path is bit-identical with the WebAssembly kernels and with their TypeScript twins', () => {
    const options = { model: 'logistic' as const, alpha: 1, standardize: true, fitIntercept: true, tol: 1e-10 };
    const before = kernelMode();
    const fast = fitPath(design, options, lams);
    setKernelMode('reference');
    try {
      const reference = fitPath(design, options, lams);
      fast.forEach((point, k) => {
        expect(Object.is(point.objective, reference[k].objective)).toBe(true);
        expect(Buffer.from(point.coef.buffer).equals(Buffer.from(reference[k].coef.buffer))).toBe(true);
      });
    } finally {
      setKernelMode(before);
    }
  });

  it('each WebAssembly kernel gives its TypeScript twin’s bits (odd and even lengths, tails)', () => {
    for (const m of [1, 2, 3, 4, 5, 7, 8, 33, 1001]) {
      const rng = Pcg64.fromSeed(m);
      const p = 3;
      const xcol = Float64Array.from({ length: m * p }, () => rng.normal());
      const labels = Float64Array.from({ length: m }, () => (rng.random() < 0.5 ? 1 : 0));
      const k = logisticKernels(xcol, labels, m, p);
      if (!k.fast) return; // no WebAssembly here: nothing to compare
      const col = (j: number) => xcol.subarray(j * m, (j + 1) * m);
      const r = Float64Array.from({ length: m }, () => rng.normal() * 1e-3);
      const v = Float64Array.from({ length: m }, () => rng.random() * 0.25);
      k.r.set(r);
      k.v.set(v);
      const c1 = new Float64Array(1);
      const c2 = new Float64Array(1);
      expect(Object.is(k.dot(1), dot(col(1), r, m))).toBe(true);
      expect(Object.is(k.dotAndCurvature(2, c1), dotAndCurvature(col(2), r, v, m, c2))).toBe(true);
      expect(Object.is(c1[0], c2[0])).toBe(true);
      k.subtractWeighted(0, 0.37);
      subtractWeighted(r, v, col(0), 0.37, m);
      expect(Buffer.from(k.r.slice().buffer).equals(Buffer.from(r.buffer))).toBe(true);
      expect(Object.is(k.subtractWeightedThenDot(1, -1.3, 2), subtractWeightedThenDot(r, v, col(1), -1.3, col(2), m))).toBe(true);
      expect(Buffer.from(k.r.slice().buffer).equals(Buffer.from(r.buffer))).toBe(true);
      // The first pass's fused move (one sweep in WebAssembly): the same bits as the move, then the next
      // column's dot and curvature (which is what its TypeScript twin does).
      const fused = new Float64Array(1);
      const separate = new Float64Array(1);
      const fusedDot = k.subtractWeightedThenDotAndCurvature(2, 0.52, 0, fused);
      expect(Object.is(fusedDot, subtractWeightedThenDotAndCurvature(r, v, col(2), 0.52, col(0), m, separate))).toBe(true);
      expect(Object.is(fused[0], separate[0])).toBe(true);
      expect(Buffer.from(k.r.slice().buffer).equals(Buffer.from(r.buffer))).toBe(true);
      const u = new Float64Array(m);
      expect(Object.is(k.weightColumn(0), weightColumn(u, v, col(0), m))).toBe(true);
      const p1 = new Float64Array(2);
      const p2 = new Float64Array(2);
      k.dot2(1, 2, p1);
      dot2(u, col(1), col(2), m, p2);
      expect([Object.is(p1[0], p2[0]), Object.is(p1[1], p2[1])]).toEqual([true, true]);
      expect(Object.is(k.dotU(2), dot(u, col(2), m))).toBe(true);
      const e = new Float64Array(m).fill(0.5);
      k.dEta.fill(0.5);
      k.addScaled(2, 0.11);
      addScaled(e, col(2), 0.11, m);
      expect(Buffer.from(k.dEta.slice().buffer).equals(Buffer.from(e.buffer))).toBe(true);
      // The model's weights and residual from η (both signs, saturated and floored), and the η step.
      const eta = Float64Array.from({ length: m }, (_, i) => (i % 7 === 3 ? 40 : rng.normal() * 3));
      const expNeg = Float64Array.from(eta, (z) => Math.exp(-Math.abs(z)));
      k.eta.set(eta);
      k.expNeg.set(expNeg);
      const v2 = new Float64Array(m);
      const r2 = new Float64Array(m);
      expect(Object.is(k.irls(1e-5), irlsWeights(eta, expNeg, labels, v2, r2, 1e-5, m))).toBe(true);
      expect(Buffer.from(k.v.slice().buffer).equals(Buffer.from(v2.buffer))).toBe(true);
      expect(Buffer.from(k.r.slice().buffer).equals(Buffer.from(r2.buffer))).toBe(true);
      // σ as logLoss.ts's sigmoid computes it, so the weights are those of the fitted probabilities.
      eta.forEach((z, i) => {
        const p = sigmoid(z);
        expect([Object.is(v2[i], Math.max(p * (1 - p), 1e-5) / m), Object.is(r2[i], (labels[i] - p) / m)]).toEqual([true, true]);
      });
      k.eta0.set(eta);
      k.etaStep(0.25);
      const eta2 = new Float64Array(m);
      etaStep(eta2, eta, e, 0.25, m);
      expect(Buffer.from(k.eta.slice().buffer).equals(Buffer.from(eta2.buffer))).toBe(true);
      // The data loss: the same total and the same e^−|η| (more than one block of rows when m = 1001).
      k.eta.set(eta);
      const lanes = new Float64Array(LOSS_LANES);
      initialLossLanes(lanes);
      const e2 = new Float64Array(m);
      lossLanes(eta, labels, e2, m & ~3, lanes);
      const total = lossTotal(eta, labels, e2, m, lanes);
      expect(Object.is(k.lossSum(), total)).toBe(true);
      expect(Buffer.from(k.expNeg.slice().buffer).equals(Buffer.from(e2.buffer))).toBe(true);
      // …and it is the sum of softplus(η) − y·η as Math.exp and Math.log1p give it, to rounding.
      let direct = 0;
      eta.forEach((z, i) => (direct += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - labels[i] * z));
      expect(Math.abs(total - direct)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(direct)));
    }
  });

  it('a CV cell is bit-identical run twice (the unit a process pool schedules)', () => {
    const folds = Int32Array.from({ length: design.m }, (_, i) => i % 5);
    const options = { model: 'logistic' as const, alpha: 1, standardize: true, fitIntercept: true, tol: 1e-7 };
    const a = cvCell(design, folds, 2, lams, options, 'deviance');
    const b = cvCell(design, folds, 2, lams, options, 'deviance');
    expect(Buffer.from(a.errors.buffer).equals(Buffer.from(b.errors.buffer))).toBe(true);
    expect(a.iterations).toBe(b.iterations);
  });
});
