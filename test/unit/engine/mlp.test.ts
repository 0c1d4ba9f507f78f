/**
 * The MLP: back-propagation against finite differences, learning XOR and a noisy sine, the penalty's
 * effect on the weights, standardization, divergence, determinism and validation. Data are drawn here
 * from the seeded PCG64 (numpy's default_rng stream), so every number is reproducible.
 */
import { describe, expect, it } from 'vitest';
import { fit, optimumObjective, resolveSolver, startFit } from '../../../shared/engine/fit.ts';
import { MlpNetwork } from '../../../shared/engine/mlp/network.ts';
import { predict } from '../../../shared/engine/predict.ts';
import { Pcg64 } from '../../../shared/engine/random/pcg64.ts';
import { identityOrder } from '../../../shared/engine/stochastic/model.ts';
import { DEFAULT_FIT_OPTIONS, type Design, type FitOptions, type FitResult } from '../../../shared/engine/types.ts';

const opts = (o: Partial<FitOptions>): FitOptions => ({ ...DEFAULT_FIT_OPTIONS, model: 'mlp', ...o });

/** Four gaussian clusters at (±1, ±1), σ = 0.3; label = XOR of the signs (not linearly separable). */
function noisyXor(seed: number, m: number): Design {
  const rng = Pcg64.fromSeed(seed);
  const x = new Float64Array(2 * m);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const a = rng.integer(2);
    const b = rng.integer(2);
    x[2 * i] = 2 * a - 1 + 0.3 * rng.normal();
    x[2 * i + 1] = 2 * b - 1 + 0.3 * rng.normal();
    y[i] = a ^ b;
  }
  return { x, y, m, p: 2, featureNames: ['x1', 'x2'] };
}

/** x ~ U(0, 1), y = sin(2πx) + N(0, 0.1²). */
function noisySine(seed: number, m: number): Design {
  const rng = Pcg64.fromSeed(seed);
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) x[i] = rng.random();
  for (let i = 0; i < m; i++) y[i] = Math.sin(2 * Math.PI * x[i]) + 0.1 * rng.normal();
  return { x, y, m, p: 1, featureNames: ['x'] };
}

function accuracy(result: FitResult, design: Design, o: FitOptions): number {
  const prob = predict(result, design.x, design.m, design.p, o);
  let correct = 0;
  for (let i = 0; i < design.m; i++) if ((prob[i] > 0.5 ? 1 : 0) === design.y[i]) correct++;
  return correct / design.m;
}

function mse(result: FitResult, design: Design, o: FitOptions): number {
  const yhat = predict(result, design.x, design.m, design.p, o);
  let s = 0;
  for (let i = 0; i < design.m; i++) s += (yhat[i] - design.y[i]) ** 2;
  return s / design.m;
}

function variance(v: Float64Array): number {
  let mean = 0;
  for (const a of v) mean += a / v.length;
  let s = 0;
  for (const a of v) s += (a - mean) ** 2;
  return s / v.length;
}

function weightNorms(result: FitResult): { l1: number; l2: number; zeros: number; count: number } {
  let l1 = 0;
  let l2 = 0;
  let zeros = 0;
  let count = 0;
  for (const layer of result.layers ?? []) {
    for (const w of layer.weights) {
      l1 += Math.abs(w);
      l2 += w * w;
      if (w === 0) zeros++;
      count++;
    }
  }
  return { l1, l2: Math.sqrt(l2), zeros, count };
}

const xorTrain = noisyXor(1, 200);
const xorTest = noisyXor(2, 1000);
const sine = noisySine(5, 200);

describe('MLP back-propagation', () => {
  it.each([
    ['relu', 'regression', [5]],
    ['tanh', 'regression', [4, 3]],
    ['tanh', 'classification', [3, 4, 2]],
    ['relu', 'classification', [6, 3]],
  ] as const)('%s %s %j: gradient equals central finite differences', (activation, task, hidden) => {
    const design = task === 'classification' ? noisyXor(7, 13) : noisySine(7, 13);
    // Capacity 5 < 13 rows: the blockwise passes (5 + 5 + 3 rows) must add up to the whole.
    const net = new MlpNetwork(design, { hidden, activation, task, fitBiases: true }, 5);
    const theta = new Float64Array(net.size);
    net.initialize(Pcg64.fromSeed(11), theta);
    for (let j = net.penalizedCount; j < net.size; j++) theta[j] = 0.1 * ((j % 5) - 2); // nonzero biases
    const order = identityOrder(design.m);
    const grad = new Float64Array(net.size);
    const loss = (t: Float64Array): number => net.accumulate(t, order, 0, design.m, 0, new Float64Array(net.size)) / design.m;
    net.accumulate(theta, order, 0, design.m, 1 / design.m, grad);
    const h = 1e-6;
    let worst = 0;
    for (let j = 0; j < net.size; j++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[j] += h;
      minus[j] -= h;
      const numeric = (loss(plus) - loss(minus)) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - grad[j]) / Math.max(1, Math.abs(numeric)));
    }
    // Central differences are accurate to O(h²·f''') + O(ε·f/h) ≈ 1e-9 here; ReLU kinks are not hit at
    // these random points (a kink within h of a row would show as an O(1) error, not a small one).
    expect(worst).toBeLessThan(1e-7);
  });
});

describe('the MLP learns nonlinear functions', () => {
  it('the four XOR points, exactly classified', () => {
    const design: Design = { x: Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]), y: Float64Array.from([0, 1, 1, 0]), m: 4, p: 2, featureNames: ['a', 'b'] };
    const o = opts({ task: 'classification', hidden: [4], activation: 'tanh', solver: 'adam', learningRate: 0.05, batchSize: 4, maxIter: 500, tol: 0 });
    const { result } = fit(design, o);
    expect(accuracy(result, design, o)).toBe(1);
    const prob = predict(result, design.x, 4, 2, o);
    for (let i = 0; i < 4; i++) expect(Math.abs(prob[i] - design.y[i])).toBeLessThan(0.1);
  });

  it.each([
    ['adam', 'relu', { learningRate: 0.01, maxIter: 200 }],
    ['adam', 'tanh', { learningRate: 0.01, maxIter: 200 }],
    ['sgd', 'tanh', { learningRate: 0.1, momentum: 0.5, maxIter: 200 }],
    ['gd', 'tanh', { learningRate: 0.5, maxIter: 500 }],
    ['fista', 'relu', { maxIter: 300 }],
  ] as const)('noisy 2-D XOR (200 points) with %s/%s: ≥ 95%% accuracy on training and on 1000 fresh points', (solver, activation, extra) => {
    // The clusters are 1/0.3 ≈ 3.3σ from the axes, so the Bayes accuracy is ≈ 99.9%; 95% leaves room
    // for an imperfect boundary but is far above what any linear classifier can do (checked below).
    const o = opts({ task: 'classification', hidden: [8], activation, solver, lambda: 1e-4, tol: 0, seed: 3, ...extra });
    const { result } = fit(xorTrain, o);
    expect(result.status).toBe('completed');
    expect(accuracy(result, xorTrain, o)).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(result, xorTest, o)).toBeGreaterThanOrEqual(0.95);
  });

  it('logistic regression cannot fit the same XOR data (the nonlinearity is what the MLP adds)', () => {
    const o = { ...DEFAULT_FIT_OPTIONS, model: 'logistic' as const, lambda: 1e-4, solver: 'cd' as const };
    const { result } = fit(xorTrain, o);
    expect(accuracy(result, xorTrain, o)).toBeLessThan(0.7);
  });

  it.each([
    ['adam', { hidden: [16], learningRate: 0.01, maxIter: 500 }],
    ['fista', { hidden: [16], maxIter: 1000 }],
  ] as const)('a noisy sine with %s: training MSE < 0.1·var(y)', (solver, extra) => {
    // var(y) ≈ ½ + 0.01. The best linear fit of sin(2πx) on [0, 1] leaves ≈ 0.39·var(y), the noise alone
    // 0.01 ≈ 0.02·var(y): an MSE below 0.1·var(y) means the network captured the sine, not just a trend.
    const o = opts({ activation: 'tanh', solver, lambda: 1e-5, tol: 0, seed: 3, ...extra });
    const { result } = fit(sine, o);
    const v = variance(sine.y);
    expect(result.status).toBe('completed');
    expect(mse(result, sine, o)).toBeLessThan(0.1 * v);
    const linear = fit(sine, { ...DEFAULT_FIT_OPTIONS, solver: 'closed' }).result;
    expect(mse(linear, sine, { ...o, model: 'linear' })).toBeGreaterThan(0.3 * v);
  });
});

describe('the penalty on the MLP weights', () => {
  const base = opts({ hidden: [16], activation: 'tanh', solver: 'fista', maxIter: 300, tol: 0, seed: 3 });

  it('L2: ‖W‖₂ decreases as λ grows (fista)', () => {
    const norms = [0, 1e-3, 1e-2, 1e-1].map((lambda) => weightNorms(fit(sine, { ...base, lambda, alpha: 0 }).result).l2);
    for (let k = 1; k < norms.length; k++) expect(norms[k]).toBeLessThan(norms[k - 1]);
    expect(norms[3]).toBeLessThan(0.5 * norms[0]);
  });

  it('L1: exact zeros, more of them and a smaller ‖W‖₁ as λ grows (fista and adam)', () => {
    for (const solver of ['fista', 'adam'] as const) {
      const o = solver === 'adam' ? { ...base, solver, learningRate: 0.01, maxIter: 200 } : base;
      const runs = [0, 1e-3, 1e-2].map((lambda) => weightNorms(fit(sine, { ...o, lambda, alpha: 1 }).result));
      expect(runs[0].zeros, solver).toBe(0);
      expect(runs[1].zeros, solver).toBeGreaterThan(0);
      expect(runs[2].zeros, solver).toBeGreaterThan(runs[1].zeros);
      expect(runs[2].l1, solver).toBeLessThan(runs[1].l1);
      expect(runs[1].l1, solver).toBeLessThan(runs[0].l1);
    }
  });

  it('the recorded objective is (1/m)Σloss + λ(α‖W‖₁ + (1−α)/2‖W‖₂²) of the returned network, biases unpenalized', () => {
    const o = { ...base, lambda: 0.01, alpha: 0.3, maxIter: 50 };
    const { result, session } = fit(sine, o);
    const n = weightNorms(result);
    const expected = 0.5 * mse(result, sine, o) + 0.01 * (0.3 * n.l1 + 0.35 * n.l2 * n.l2);
    expect(result.objective).toBeCloseTo(expected, 12);
    const h = session.metricsSince(0).columns;
    expect(h.objective[h.objective.length - 1]).toBe(result.objective);
    expect(h.l1Norm[h.l1Norm.length - 1]).toBeCloseTo(n.l1, 12);
    // fista is monotone.
    for (let k = 1; k < h.objective.length; k++) expect(h.objective[k]).toBeLessThanOrEqual(h.objective[k - 1] * (1 + 1e-14));
  });
});

describe('MLP options, standardization, stopping and determinism', () => {
  it('auto picks adam; the layers have the requested shapes; coef is empty and intercept 0', () => {
    const o = opts({ hidden: [5, 4, 3], maxIter: 3 });
    expect(resolveSolver(sine, o)).toBe('adam');
    const { result } = fit(sine, o);
    expect(result.solver).toBe('adam');
    expect(result.coef.length).toBe(0);
    expect(result.intercept).toBe(0);
    expect(result.layers?.map((l) => [l.inputs, l.outputs, l.weights.length, l.biases.length])).toEqual([
      [1, 5, 5, 5],
      [5, 4, 20, 4],
      [4, 3, 12, 3],
      [3, 1, 3, 1],
    ]);
    expect(optimumObjective(sine, o)).toBeNull();
  });

  it('standardize: the reported first layer works on raw inputs (same loss as the standardized fit recorded)', () => {
    // Features on wildly different scales: x·1000 + 5000 and a constant column.
    const m = sine.m;
    const x = new Float64Array(2 * m);
    for (let i = 0; i < m; i++) {
      x[2 * i] = 1000 * sine.x[i] + 5000;
      x[2 * i + 1] = 7;
    }
    const design: Design = { x, y: sine.y, m, p: 2, featureNames: ['big', 'constant'] };
    const o = opts({ hidden: [16], activation: 'tanh', solver: 'adam', learningRate: 0.01, maxIter: 300, tol: 0, standardize: true, seed: 3 });
    const { result, session } = fit(design, o);
    const h = session.metricsSince(0).columns;
    expect(0.5 * mse(result, design, o)).toBeCloseTo(h.dataLoss[h.dataLoss.length - 1], 9);
    expect(mse(result, design, o)).toBeLessThan(0.1 * variance(sine.y));
    const first = result.layers![0];
    for (let o2 = 0; o2 < first.outputs; o2++) expect(first.weights[o2 * 2 + 1]).toBe(0); // constant column
  });

  it('a huge learning rate diverges within a few epochs and returns finite layers', () => {
    const { result } = fit(sine, opts({ hidden: [16], solver: 'sgd', learningRate: 1e4, maxIter: 100 }));
    expect(result.status).toBe('diverged');
    expect(result.iterations).toBeLessThanOrEqual(3);
    expect(result.statusReason).toMatch(/learning rate 10000/);
    for (const layer of result.layers!) {
      expect(Array.from(layer.weights).every(Number.isFinite)).toBe(true);
      expect(Array.from(layer.biases).every(Number.isFinite)).toBe(true);
    }
    const gd = fit(sine, opts({ hidden: [16], solver: 'gd', learningRate: 1e4, maxIter: 100 })).result;
    expect(gd.status).toBe('diverged');
    expect(gd.iterations).toBeLessThanOrEqual(3);
  });

  it('bit-identical results for identical inputs; the seed changes the start; init is always random', () => {
    for (const solver of ['adam', 'sgd', 'gd', 'fista'] as const) {
      const o = opts({ hidden: [8, 4], activation: 'relu', solver, lambda: 1e-3, alpha: 0.5, maxIter: 20, tol: 0, seed: 9 });
      const a = fit(sine, o);
      const b = fit(sine, o);
      const c = fit(sine, { ...o, init: 'random' });
      for (const other of [b, c]) {
        expect(other.result.layers!.map((l) => [Array.from(l.weights), Array.from(l.biases)])).toEqual(a.result.layers!.map((l) => [Array.from(l.weights), Array.from(l.biases)]));
        expect(Array.from(other.session.metricsSince(0).columns.objective)).toEqual(Array.from(a.session.metricsSince(0).columns.objective));
      }
      const d = fit(sine, { ...o, seed: 10 }).result;
      expect(Array.from(d.layers![0].weights)).not.toEqual(Array.from(a.result.layers![0].weights));
    }
  });

  it('stops on tol: relative objective change per epoch (adam), stationarity norm (gd)', () => {
    const adam = fit(xorTrain, opts({ task: 'classification', hidden: [8], learningRate: 0.01, lrDecay: 0.95, tol: 1e-6, maxIter: 5000 })).result;
    expect(adam.converged).toBe(true);
    expect(adam.iterations).toBeLessThan(5000);
    const gd = fit(noisySine(3, 20), opts({ hidden: [2], activation: 'tanh', solver: 'gd', learningRate: 0.1, tol: 1e-3, maxIter: 20000 }));
    expect(gd.result.converged).toBe(true);
    const h = gd.session.metricsSince(0).columns.gradNorm;
    expect(h[h.length - 1]).toBeLessThanOrEqual(1e-3);
  });

  it('fitIntercept: false holds every bias at 0', () => {
    const { result } = fit(sine, opts({ hidden: [4, 4], fitIntercept: false, maxIter: 5 }));
    for (const layer of result.layers!) expect(Array.from(layer.biases).every((b) => b === 0)).toBe(true);
  });

  it('rejects bad MLP options and data with precise errors', () => {
    expect(() => startFit(sine, opts({ hidden: [] }))).toThrow(/1 to 3 hidden layers/);
    expect(() => startFit(sine, opts({ hidden: [4, 4, 4, 4] }))).toThrow(/1 to 3 hidden layers/);
    expect(() => startFit(sine, opts({ hidden: [0] }))).toThrow(/integer width ≥ 1/);
    expect(() => startFit(sine, opts({ solver: 'cd' }))).toThrow(/does not apply to an MLP/);
    expect(() => startFit(sine, opts({ solver: 'closed' }))).toThrow(/does not apply to an MLP/);
    expect(() => startFit(sine, opts({ task: 'classification' }))).toThrow(/labels 0 or 1; row 0/);
    expect(() => startFit({ ...xorTrain, y: new Float64Array(xorTrain.m).fill(1) }, opts({ task: 'classification' }))).toThrow(/every label is 1/);
  });
});
