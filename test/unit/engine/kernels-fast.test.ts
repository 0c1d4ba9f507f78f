/**
 * The WebAssembly SIMD kernels (shared/engine/kernels/wasm/kernels.ts) against their TypeScript twins
 * (shared/engine/kernels/reference.ts): bit for bit on every kernel over shapes that hit every tail
 * (odd lengths, partial row groups, partial column tiles), then whole fits (gd on linear and logistic
 * models, the MLP under every solver) on both paths, and the same fits in a fresh process. The twins'
 * documented summation orders are checked against plain loops written here, and their values against
 * independent computations within rounding.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { glmnetDesign, logisticDesign } from '../../../bench/data.ts';
import { fit } from '../../../shared/engine/fit.ts';
import { HeapLayout, setKernelMode, wasmKernelsAvailable, type KernelHeap } from '../../../shared/engine/kernels/heap.ts';
import { RELU_BACKWARD, RELU_FORWARD, TANH_BACKWARD } from '../../../shared/engine/kernels/reference.ts';
import { kernelModuleBytes } from '../../../shared/engine/kernels/wasm/kernels.ts';
import { screenError } from '../../../shared/engine/cd/linearCd.ts';
import { ColumnKernels } from '../../../shared/engine/cd/columns.ts';
import { dot } from '../../../shared/engine/linalg/gram.ts';
import { softThreshold } from '../../../shared/engine/kkt.ts';
import { squaredLossAndGradient } from '../../../shared/engine/linear/squaredLoss.ts';
import { logLossAndGradient } from '../../../shared/engine/logistic/logLoss.ts';
import { Pcg64 } from '../../../shared/engine/random/pcg64.ts';
import { DEFAULT_FIT_OPTIONS, type Design, type FitOptions, type FitResult } from '../../../shared/engine/types.ts';
import { REPO_ROOT } from '../../helpers/cli.ts';

afterEach(() => setKernelMode('auto'));

const randoms = (rng: Pcg64, n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());

/** Bit-level equality (distinguishes −0 and +0, compares NaN payloads), with the first difference named. */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const a = new BigUint64Array(Float64Array.from(actual).buffer);
  const b = new BigUint64Array(Float64Array.from(expected).buffer);
  for (let k = 0; k < a.length; k++) {
    if (a[k] !== b[k]) expect(`${what}[${k}] = ${actual[k]}`).toBe(`${what}[${k}] = ${expected[k]}`);
  }
}

/** Runs `build` on a WebAssembly heap and on a TypeScript one; returns both outputs. */
function onBothPaths(build: (fast: boolean) => Float64Array): [Float64Array, Float64Array] {
  setKernelMode('auto');
  const fast = build(true);
  setKernelMode('reference');
  const slow = build(false);
  setKernelMode('auto');
  return [fast, slow];
}

function heapWith(layout: HeapLayout, fast: boolean): KernelHeap {
  const heap = layout.create();
  expect(heap.fast).toBe(fast);
  return heap;
}

describe('WebAssembly kernels', () => {
  it('are available in this Node and compile from the in-repo assembler', () => {
    expect(wasmKernelsAvailable()).toBe(true);
    const bytes = kernelModuleBytes();
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  const rng = Pcg64.fromSeed(20);
  const shapes: [number, number][] = [
    [1, 1],
    [3, 2],
    [4, 5],
    [5, 4],
    [8, 7],
    [13, 1],
    [17, 100],
    [33, 3],
    [64, 64],
    [9, 6],
  ];

  it('rowDots, gradRows and linearPass equal their twins bit for bit, rows in the heap or read in place', () => {
    for (const [n, p] of shapes) {
      const x = randoms(rng, n * p);
      const w = randoms(rng, p);
      const y = randoms(rng, n);
      const g0 = randoms(rng, p);
      const b = rng.normal();
      const run = (fast: boolean, inPlace: boolean): Float64Array => {
        const layout = new HeapLayout();
        const xs = layout.f64(n * p);
        const ws = layout.f64(p);
        const ys = layout.f64(n);
        const q = layout.f64(n);
        const g = layout.f64(p);
        const g2 = layout.f64(p);
        const sums = layout.f64(2);
        const heap = heapWith(layout, fast);
        const h = heap.f64;
        h.set(x, xs);
        h.set(w, ws);
        h.set(y, ys);
        h.set(g0, g);
        h.set(g0, g2);
        h[sums] = 0.25;
        h[sums + 1] = -1.5;
        const src = inPlace ? x : null;
        const at = inPlace ? 0 : xs;
        heap.rowDots(src, at, n, p, ws, q);
        heap.gradRows(src, at, n, p, q, g);
        heap.linearPass(src, at, n, p, ws, ys, b, g2, sums);
        return Float64Array.from([...h.subarray(q, q + n), ...h.subarray(g, g + p), ...h.subarray(g2, g2 + p), h[sums], h[sums + 1]]);
      };
      const [fast, slow] = onBothPaths((f) => run(f, false));
      expectSameBits(fast, slow, `gd kernels ${n}×${p}`);
      setKernelMode('reference');
      expectSameBits(run(false, true), slow, `gd kernels in place ${n}×${p}`);
    }
  });

  it('affineRows and weightGrad equal their twins bit for bit, for every column tail and gathered rows', () => {
    for (const [n, k] of shapes) {
      for (const nb of [1, 2, 3, 4, 5, 6, 7, 9, 64]) {
        const data = randoms(rng, (n + 3) * k);
        const bMatrix = randoms(rng, k * nb);
        const bias = randoms(rng, nb);
        const delta = randoms(rng, n * nb).map((v, i) => (i % 3 === 0 ? 0 : v)); // ReLU-like zeros
        const g0 = randoms(rng, nb * k);
        const perm = Array.from({ length: n }, (_, r) => (r * 5 + 2) % (n + 3));
        const run = (fast: boolean, inPlace: boolean): Float64Array => {
          const layout = new HeapLayout();
          const a = layout.f64(data.length);
          const bm = layout.f64(k * nb);
          const bi = layout.f64(nb);
          const out = layout.f64(n * nb);
          const d = layout.f64(n * nb);
          const g = layout.f64(nb * k);
          const table = layout.u32(n);
          const heap = heapWith(layout, fast);
          const h = heap.f64;
          h.set(data, a);
          h.set(bMatrix, bm);
          h.set(bias, bi);
          h.set(delta, d);
          h.set(g0, g);
          for (let r = 0; r < n; r++) heap.u32[heap.u32Base + table + r] = (inPlace ? 0 : a) + perm[r] * k;
          const src = inPlace ? data : null;
          heap.affineRows(src, heap.u32Base + table, n, k, bm, nb, bi, out);
          heap.weightGrad(src, heap.u32Base + table, n, k, d, nb, g);
          return Float64Array.from([...h.subarray(out, out + n * nb), ...h.subarray(g, g + nb * k)]);
        };
        const [fast, slow] = onBothPaths((f) => run(f, false));
        expectSameBits(fast, slow, `affineRows/weightGrad n=${n} k=${k} nb=${nb}`);
        setKernelMode('reference');
        expectSameBits(run(false, true), slow, `in place n=${n} k=${k} nb=${nb}`);
        setKernelMode('auto');
      }
    }
  });

  it('columnDot and subtractScaled equal their twins and linalg/gram.ts dot bit for bit, every tail length', () => {
    for (const m of [1, 2, 3, 4, 5, 7, 8, 9, 31, 400, 1001]) {
      const a = randoms(rng, m);
      const b = randoms(rng, m);
      const delta = rng.normal();
      const run = (fast: boolean): Float64Array => {
        const layout = new HeapLayout();
        const at = layout.f64(m);
        const bt = layout.f64(m);
        const out = layout.f64(1);
        const heap = heapWith(layout, fast);
        heap.f64.set(a, at);
        heap.f64.set(b, bt);
        heap.columnDot(at, bt, m, out);
        const d = heap.f64[out];
        heap.subtractScaled(bt, at, m, delta);
        return Float64Array.from([d, ...heap.f64.subarray(bt, bt + m)]);
      };
      const [fast, slow] = onBothPaths(run);
      expectSameBits(fast, slow, `columnDot/subtractScaled m=${m}`);
      expectSameBits([fast[0]], [dot(a, b, m)], `columnDot = dot, m=${m}`);
      expectSameBits(fast.subarray(1), b.map((v, i) => v - a[i] * delta), `subtractScaled m=${m}`);
    }
  });

  /** x rounded to bf16 as its bits, computed here (f32 bits, nearest, ties to even on the 16 bits dropped). */
  const bf16Of = (x: number): number => {
    const bits = new Uint32Array(Float32Array.of(x).buffer)[0];
    const low = bits & 0xffff;
    let high = bits >>> 16;
    if (low > 0x8000 || (low === 0x8000 && (high & 1) === 1)) high = (high + 1) & 0xffff;
    return high;
  };
  const bf16Value = (bits: number): number => new Float32Array(Uint32Array.of(bits << 16).buffer)[0];

  it('screenDots equals its twin bit for bit (every tail of m mod 16, listed columns in any order) and the documented f32 sums', () => {
    const order = [0, 2, 4, 6, 1, 3, 5, 7, 8, 10, 12, 14, 9, 11, 13, 15];
    for (const m of [1, 3, 7, 15, 16, 17, 31, 32, 33, 400, 501]) {
      const p = 6;
      const data = Uint16Array.from(randoms(rng, m * p), bf16Of);
      const r = randoms(rng, m);
      const list = [4, 0, 5, 5, 2];
      const run = (fast: boolean): Float64Array => {
        const layout = new HeapLayout();
        const cols = layout.f64(Math.ceil((m * p) / 4));
        const rt = layout.f64(Math.ceil(m / 2));
        const out = layout.f64(list.length);
        const ks = layout.u32(list.length);
        const heap = heapWith(layout, fast);
        heap.u16.set(data, 4 * cols);
        heap.f32.set(r, 2 * rt);
        heap.u32.set(list, heap.u32Base + ks);
        heap.screenDots(4 * cols, m, heap.u32Base + ks, list.length, 2 * rt, m, out);
        return heap.f64.slice(out, out + list.length);
      };
      const [fast, slow] = onBothPaths(run);
      expectSameBits(fast, slow, `screenDots m=${m}`);
      // The documented order, with a Float32Array for every f32 operation (not Math.fround): r is read in
      // block order (entry order[j] of each block of 16 at its position j), the tail in order.
      const r32 = Float32Array.from(r);
      const plain = list.map((k) => {
        const x = (i: number): number => bf16Value(data[k * m + i]);
        const part = new Float32Array(16);
        const product = new Float32Array(1);
        const m16 = m & ~15;
        for (let i = 0; i < m16; i++) {
          const j = i % 16;
          product[0] = x(i - j + order[j]) * r32[i];
          part[j] += product[0];
        }
        const lane = new Float32Array(4);
        const pair = new Float32Array(2);
        for (let l = 0; l < 4; l++) {
          pair[0] = part[l] + part[4 + l];
          pair[1] = part[8 + l] + part[12 + l];
          lane[l] = pair[0] + pair[1];
        }
        let sum = lane[0] + lane[2] + (lane[1] + lane[3]);
        for (let i = m16; i < m; i++) sum += x(i) * r32[i];
        return sum;
      });
      expectSameBits(slow, plain, `screenDots = its documented order, m=${m}`);
    }
  });

  it('toBf16 rounds through f32 to the nearest bf16, ties to even (overflow to ±∞, underflow to subnormals and 0), both paths, any n', () => {
    const tricky = [1 + 2 ** -8, 1 + 3 * 2 ** -8, -(1 + 2 ** -8), 1 + 2 ** -8 + 2 ** -30, 3.3961776e38, 3.4028235677973366e38, 1e39, -1e39, 1e-40, 1e-46, -0, 0.1, 1 / 3, 2 ** -133, 2 ** -134 * 3];
    for (const n of [0, 1, 7, 8, 9, 23, 101]) {
      const values = Float64Array.from({ length: n }, (_, i) => (i < tricky.length ? tricky[i] : rng.normal() * 10 ** ((i % 9) - 4)));
      const run = (fast: boolean): Float64Array => {
        const layout = new HeapLayout();
        const src = layout.f64(n);
        const dst = layout.f64(Math.ceil(n / 4) + 1);
        const heap = heapWith(layout, fast);
        heap.f64.set(values, src);
        heap.u16.fill(0xabcd, 4 * dst, 4 * dst + n + 1);
        heap.toBf16(src, n, 4 * dst);
        return Float64Array.from(heap.u16.subarray(4 * dst, 4 * dst + n + 1));
      };
      const [fast, slow] = onBothPaths(run);
      expectSameBits(fast, slow, `toBf16 n=${n}`);
      expectSameBits(slow.subarray(0, n), Float64Array.from(values, bf16Of), `toBf16 = nearest bf16, n=${n}`);
      expect(slow[n], 'nothing written past n').toBe(0xabcd);
    }
    // The ties and edges by value: 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷ (even: 1); 1 + 3·2⁻⁸ between
    // 1 + 2⁻⁷ and 1 + 2⁻⁶ (even: the latter); f32's largest value rounds past bf16's to ∞.
    expect([1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4028235677973366e38].map((v) => bf16Value(bf16Of(v)))).toEqual([1, 1 + 2 ** -6, Number.POSITIVE_INFINITY]);
  });

  it('cdPass equals its twin bit for bit and the plain coordinate-descent steps (dot, soft threshold, residual update) in order', () => {
    for (const [m, p] of [
      [1, 3],
      [5, 7],
      [8, 4],
      [37, 9],
      [400, 12],
    ]) {
      const data = randoms(rng, m * p);
      const r0 = randoms(rng, m);
      const w0 = randoms(rng, p).map((v, j) => (j % 3 === 0 ? 0 : v * 0.1));
      const v = Float64Array.from({ length: p }, (_, j) => 0.5 + (j % 4));
      // Repeats, so a column is visited again after others moved r; l1 large enough that some stay at 0.
      const list = Array.from({ length: 2 * p }, (_, t) => (t * 5 + 1) % p);
      const [l1, l2, invM] = [0.3, 0.05, 1 / m];
      const run = (fast: boolean): Float64Array => {
        const layout = new HeapLayout();
        const cols = layout.f64(m * p);
        const w = layout.f64(p);
        const vAt = layout.f64(p);
        const r = layout.f64(m);
        const g = layout.f64(list.length);
        const dw = layout.f64(list.length);
        const ks = layout.u32(list.length);
        const heap = heapWith(layout, fast);
        heap.f64.set(data, cols);
        heap.f64.set(w0, w);
        heap.f64.set(v, vAt);
        heap.f64.set(r0, r);
        heap.u32.set(list, heap.u32Base + ks);
        heap.cdPass(cols, m, heap.u32Base + ks, list.length, w, vAt, r, l1, l2, invM, g, dw);
        return Float64Array.from([...heap.f64.subarray(g, g + list.length), ...heap.f64.subarray(dw, dw + list.length), ...heap.f64.subarray(w, w + p), ...heap.f64.subarray(r, r + m)]);
      };
      const [fast, slow] = onBothPaths(run);
      expectSameBits(fast, slow, `cdPass m=${m} p=${p}`);
      // The steps written out here with linalg's dot and kkt.ts's softThreshold.
      const w = Float64Array.from(w0);
      const r = Float64Array.from(r0);
      const gs: number[] = [];
      const changes: number[] = [];
      let moves = 0;
      for (const j of list) {
        const col = data.subarray(j * m, (j + 1) * m);
        const g = dot(col, r, m) * invM;
        const next = softThreshold(g + v[j] * w[j], l1) / (v[j] + l2);
        gs.push(g);
        if (next === w[j]) {
          changes.push(0);
          continue;
        }
        const delta = next - w[j];
        w[j] = next;
        for (let i = 0; i < m; i++) r[i] -= col[i] * delta;
        changes.push(delta);
        moves++;
      }
      expectSameBits(slow, [...gs, ...changes, ...w, ...r], `cdPass = the plain steps, m=${m} p=${p}`);
      expect(moves, 'some columns move').toBeGreaterThan(0);
      expect(changes.filter((c) => c === 0).length, 'some stay').toBeGreaterThan(0);
    }
  });

  it("ColumnKernels.screenDots stays within linearCd's screenError of residualDot, for columns and residuals of every scale", () => {
    // Column scales include ones that underflow f32 (1e-40, 1e-44, 3e-39) and one that overflows it (1e39:
    // its screening dot is then not finite, which no bound clears, so the check computes it exactly).
    const scales = [1, 1e-3, 1e6, 1e30, 1e-40, 1e-44, 3e-39, 1e39];
    for (const m of [5, 64, 400, 1999]) {
      for (const rScale of [1, 1e-200, 1e200, 1e-310]) {
        const p = 504; // naive mode (p > 500), where the columns have their bf16 copy
        const layout = new HeapLayout();
        const regions = ColumnKernels.plan(layout, m, p);
        const heap = layout.create();
        for (let k = 0; k < p; k++) {
          const scale = scales[k % scales.length];
          for (let i = 0; i < m; i++) heap.f64[regions.xcol + k * m + i] = rng.normal() * scale * (i % 5 === 0 ? 1 + 1 / 3 : 1);
        }
        const kernels = new ColumnKernels(heap, m, p, regions);
        const r = kernels.claimResidual()!;
        for (let i = 0; i < m; i++) r[i] = rng.normal() * rScale * (i % 7 === 0 ? 1e8 : 1);
        const all = Int32Array.from({ length: p }, (_, k) => k);
        const screened = Float64Array.from(kernels.screenDots(all, p)!);
        const error = screenError(r, m);
        let finite = 0;
        for (let k = 0; k < p; k++) {
          const column = heap.f64.subarray(regions.xcol + k * m, regions.xcol + (k + 1) * m);
          const norm = Math.sqrt(column.reduce((s, v) => s + v * v, 0));
          const exact = kernels.residualDot(k);
          if (!Number.isFinite(screened[k])) {
            // The residual is scaled below 1 first, so only a column beyond f32's range overflows.
            expect(scales[k % scales.length], `only f32 overflow makes a dot non-finite (m=${m}, column ${k})`).toBeGreaterThan(3.4e38);
            continue;
          }
          finite++;
          expect(Math.abs(screened[k] - exact), `m=${m} r scale ${rScale} column scale ${scales[k % scales.length]}`).toBeLessThanOrEqual(error.perNorm * norm + error.underflow);
        }
        expect(finite).toBeGreaterThan(p / 2);
      }
    }
  });

  it('gramPair equals its twin bit for bit (odd and even m, every list length, repeated and padded indices)', () => {
    for (const [m, p] of shapes) {
      const data = randoms(rng, m * p);
      for (const n of [4, 8, 12]) {
        const list = Array.from({ length: n }, (_, t) => (t < n - 2 ? (t * 7 + 1) % p : (n * 3) % p));
        const a = (n + 1) % p;
        const b = (2 * n + 3) % p;
        const run = (fast: boolean): Float64Array => {
          const layout = new HeapLayout();
          const cols = layout.f64(m * p);
          const outA = layout.f64(p);
          const outB = layout.f64(p);
          const ks = layout.u32(n);
          const heap = heapWith(layout, fast);
          heap.f64.set(data, cols);
          heap.f64.fill(Number.NaN, outA, outA + p);
          heap.f64.fill(Number.NaN, outB, outB + p);
          heap.u32.set(list, heap.u32Base + ks);
          heap.gramPair(cols, m, a, b, heap.u32Base + ks, n, outA, outB);
          return heap.f64.slice(outA, outB + p);
        };
        const [fast, slow] = onBothPaths(run);
        expectSameBits(fast, slow, `gramPair m=${m} p=${p} n=${n}`);
      }
    }
  });
});

describe('activation kernels', () => {
  it('ReLU forward, ReLU and tanh derivatives equal their twins and the plain formulas, odd counts included', () => {
    const rng = Pcg64.fromSeed(22);
    for (const count of [1, 2, 7, 64, 129]) {
      const z = randoms(rng, count).map((v, k) => (k % 5 === 0 ? -0 : k % 7 === 0 ? 0 : v));
      const act = randoms(rng, count).map((v, k) => (k % 4 === 0 ? 0 : v));
      for (const kind of [RELU_FORWARD, RELU_BACKWARD, TANH_BACKWARD]) {
        const [fast, slow] = onBothPaths((f) => {
          const layout = new HeapLayout();
          const zs = layout.f64(count);
          const as = layout.f64(count);
          const heap = heapWith(layout, f);
          heap.f64.set(z, zs);
          heap.f64.set(act, as);
          heap.activations(zs, count, kind, as);
          return heap.f64.slice(zs, zs + count);
        });
        const plain = z.map((v, k) => (kind === RELU_FORWARD ? (v > 0 ? v : 0) : kind === RELU_BACKWARD ? v * (act[k] > 0 ? 1 : 0) : v * (1 - act[k] * act[k])));
        expectSameBits(fast, slow, `activations kind ${kind}, ${count}`);
        expectSameBits(slow, plain, `activations kind ${kind}, ${count} (plain)`);
      }
    }
  });
});

describe('the twins follow their documented order', () => {
  const rng = Pcg64.fromSeed(21);

  it('linearPass: 4-row groups, two-lane dots, pairwise gradient tree (plain loops written out here)', () => {
    for (const [m, p] of [
      [203, 9],
      [8, 4],
      [3, 7],
      [61, 2],
    ]) {
      const x = randoms(rng, m * p);
      const w = randoms(rng, p);
      const y = randoms(rng, m);
      const b = 0.3;
      const gradW = new Float64Array(p);
      const out = new Float64Array(2);
      setKernelMode('reference');
      squaredLossAndGradient({ x, y, m, p, featureNames: [] }, b, w, gradW, out);
      const dot = (i: number): number => {
        let even = 0;
        let odd = 0;
        for (let j = 0; j < p; j++) {
          if (j % 2 === 0) even += x[i * p + j] * w[j];
          else odd += x[i * p + j] * w[j];
        }
        return even + odd;
      };
      const q = Array.from({ length: m }, (_, i) => b - y[i] + dot(i));
      let sumSq = 0;
      let sumR = 0;
      const g = new Float64Array(p);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        sumSq += q[i] * q[i] + q[i + 1] * q[i + 1] + q[i + 2] * q[i + 2] + q[i + 3] * q[i + 3];
        sumR += q[i] + q[i + 1] + q[i + 2] + q[i + 3];
        for (let j = 0; j < p; j++) g[j] += q[i] * x[i * p + j] + q[i + 1] * x[(i + 1) * p + j] + (q[i + 2] * x[(i + 2) * p + j] + q[i + 3] * x[(i + 3) * p + j]);
      }
      for (; i < m; i++) {
        sumSq += q[i] * q[i];
        sumR += q[i];
        for (let j = 0; j < p; j++) g[j] += q[i] * x[i * p + j];
      }
      expectSameBits(gradW, g.map((v) => v * (1 / m)), 'gradient');
      expectSameBits(out, [0.5 * sumSq * (1 / m), sumR * (1 / m)], 'loss and ∂/∂b');
      // …and the values are the loss and gradient (an independent formula, to rounding).
      const loss = q.reduce((s, v) => s + v * v, 0) / (2 * m);
      expect(Math.abs(out[0] - loss)).toBeLessThan(1e-13 * Math.max(1, loss));
    }
  });

  it('affineRows and weightGrad: each sum in plain order (bias + Σ_t in order of t; g + Σ_r in order of r)', () => {
    const n = 7;
    const k = 5;
    const nb = 6;
    const a = randoms(rng, n * k);
    const bm = randoms(rng, k * nb);
    const bias = randoms(rng, nb);
    const d = randoms(rng, n * nb);
    const g0 = randoms(rng, nb * k);
    for (const fast of [true, false]) {
      setKernelMode(fast ? 'auto' : 'reference');
      const layout = new HeapLayout();
      const [A, B, BI, OUT, D, G] = [n * k, k * nb, nb, n * nb, n * nb, nb * k].map((c) => layout.f64(c));
      const table = layout.u32(n);
      const heap = heapWith(layout, fast);
      const h = heap.f64;
      h.set(a, A);
      h.set(bm, B);
      h.set(bias, BI);
      h.set(d, D);
      h.set(g0, G);
      for (let r = 0; r < n; r++) heap.u32[heap.u32Base + table + r] = A + r * k;
      heap.affineRows(null, heap.u32Base + table, n, k, B, nb, BI, OUT);
      heap.weightGrad(null, heap.u32Base + table, n, k, D, nb, G);
      const out = new Float64Array(n * nb);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < nb; c++) {
          let s = 0;
          for (let t = 0; t < k; t++) s += a[r * k + t] * bm[t * nb + c];
          out[r * nb + c] = bias[c] + s;
        }
      }
      const g = Float64Array.from(g0);
      for (let o = 0; o < nb; o++) for (let i = 0; i < k; i++) for (let r = 0; r < n; r++) g[o * k + i] += d[r * nb + o] * a[r * k + i];
      expectSameBits(h.subarray(OUT, OUT + n * nb), out, `affineRows (${fast ? 'wasm' : 'ts'})`);
      expectSameBits(h.subarray(G, G + nb * k), g, `weightGrad (${fast ? 'wasm' : 'ts'})`);
    }
  });
});

/** Everything a fit reports that the numerics decide: parameters, objective, and every metric of every step. */
function fingerprint(run: { result: FitResult; session: { metricsSince(from: number): { columns: Record<string, Float64Array> } } }): number[] {
  const { result, session } = run;
  const values = [result.intercept, ...result.coef, result.objective, result.iterations];
  for (const layer of result.layers ?? []) values.push(...layer.weights, ...layer.biases);
  const { columns } = session.metricsSince(0);
  for (const name of Object.keys(columns).sort()) if (name !== 'elapsedMs') values.push(...columns[name]);
  return values;
}

const linear = glmnetDesign(3001, 13, 0.5, 31); // several blocks of rows (p = 13 → 1888 rows per block), odd p
const wideLinear = glmnetDesign(203, 301, 0.3, 32);
const logistic = logisticDesign(2003, 9, 0.4, 33);
const mlpData = glmnetDesign(301, 7, 0.5, 34);
const mlpLabels: Design = { ...mlpData, y: mlpData.y.map((v) => (v > 0 ? 1 : 0)) };

const FITS: [string, Design, Partial<FitOptions>][] = [
  ['linear gd, ridge', linear, { solver: 'gd', lambda: 0.05, maxIter: 40, tol: 0 }],
  ['linear gd, elastic net, standardized', linear, { solver: 'gd', lambda: 0.02, alpha: 0.5, standardize: true, maxIter: 30, tol: 0 }],
  ['linear gd, p > m', wideLinear, { solver: 'gd', lambda: 0.1, maxIter: 20, tol: 0 }],
  ['linear fista', linear, { solver: 'fista', lambda: 0.05, alpha: 1, maxIter: 30, tol: 0 }],
  ['logistic gd', logistic, { model: 'logistic', solver: 'gd', lambda: 0.01, maxIter: 30, tol: 0 }],
  ['linear adam, lasso (13 weights: an odd one left to the scalar step)', linear, { solver: 'adam', lambda: 0.01, alpha: 1, batchSize: 50, maxIter: 3, tol: 0 }],
  ['mlp adam tanh [2, 3], elastic net (23 weights)', mlpData, { model: 'mlp', solver: 'adam', hidden: [2, 3], activation: 'tanh', lambda: 1e-3, alpha: 0.5, batchSize: 16, maxIter: 4, tol: 0, seed: 8 }],
  ['mlp adam relu [16]', mlpData, { model: 'mlp', solver: 'adam', hidden: [16], lambda: 1e-3, batchSize: 32, maxIter: 5, tol: 0, seed: 4 }],
  ['mlp sgd tanh [5, 3], momentum', mlpData, { model: 'mlp', solver: 'sgd', hidden: [5, 3], activation: 'tanh', lambda: 1e-3, alpha: 0.5, momentum: 0.9, batchSize: 17, maxIter: 4, tol: 0, seed: 5 }],
  ['mlp gd relu [9, 4, 3], classification', mlpLabels, { model: 'mlp', task: 'classification', solver: 'gd', hidden: [9, 4, 3], lambda: 1e-3, maxIter: 15, tol: 0, seed: 6 }],
  ['mlp fista relu [6], standardized', mlpData, { model: 'mlp', solver: 'fista', hidden: [6], lambda: 1e-3, alpha: 0.3, standardize: true, maxIter: 10, tol: 0, seed: 7 }],
];

const options = (o: Partial<FitOptions>): FitOptions => ({ ...DEFAULT_FIT_OPTIONS, ...o });

describe('fits on the fast path', () => {
  it.each(FITS)('%s: bit-identical to the TypeScript kernels, and across two runs', (_name, design, o) => {
    const fast = fingerprint(fit(design, options(o)));
    expect(fingerprint(fit(design, options(o)))).toEqual(fast);
    setKernelMode('reference');
    expectSameBits(fingerprint(fit(design, options(o))), fast, 'fit');
  });

  it('the loss-and-gradient passes give the same bits on both paths (several blocks, odd p, η stored)', () => {
    const w = Float64Array.from({ length: linear.p }, (_, j) => 0.1 * Math.sin(j + 1));
    const passes = (): Float64Array => {
      const g1 = new Float64Array(linear.p);
      const o1 = new Float64Array(2);
      squaredLossAndGradient(linear, 0.2, w, g1, o1);
      const lw = w.subarray(0, logistic.p);
      const g2 = new Float64Array(logistic.p);
      const o2 = new Float64Array(2);
      const eta = new Float64Array(logistic.m);
      logLossAndGradient(logistic, -0.1, lw, g2, o2, eta);
      return Float64Array.from([...g1, ...o1, ...g2, ...o2, ...eta]);
    };
    const [fast, slow] = onBothPaths(() => passes());
    expectSameBits(fast, slow, 'passes');
  });

  it('a fresh process gives the same bits (no state carried between fits or processes)', () => {
    const script = `
      import { fit } from './shared/engine/fit.ts';
      import { glmnetDesign } from './bench/data.ts';
      import { DEFAULT_FIT_OPTIONS } from './shared/engine/types.ts';
      const linear = glmnetDesign(3001, 13, 0.5, 31);
      const data = glmnetDesign(301, 7, 0.5, 34);
      const a = fit(linear, { ...DEFAULT_FIT_OPTIONS, solver: 'gd', lambda: 0.05, maxIter: 40, tol: 0 }).result;
      const b = fit(data, { ...DEFAULT_FIT_OPTIONS, model: 'mlp', solver: 'adam', hidden: [16], lambda: 1e-3, batchSize: 32, maxIter: 5, tol: 0, seed: 4 }).result;
      const values = [a.intercept, ...a.coef, a.objective, b.objective, ...b.layers.flatMap((l) => [...l.weights, ...l.biases])];
      console.log(JSON.stringify(Array.from(new BigUint64Array(Float64Array.from(values).buffer), String)));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const a = fit(linear, options(FITS[0][2])).result;
    const b = fit(mlpData, options(FITS.find(([name]) => name === 'mlp adam relu [16]')![2])).result;
    const values = [a.intercept, ...a.coef, a.objective, b.objective, ...b.layers!.flatMap((l) => [...l.weights, ...l.biases])];
    expect(JSON.parse(child.stdout.trim())).toEqual(Array.from(new BigUint64Array(Float64Array.from(values).buffer), String));
  });
});
