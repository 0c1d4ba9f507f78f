/**
 * The logistic CD kernels (logisticKernels.ts) on WebAssembly SIMD, and the memory they work in.
 *
 * Why: V8 compiles the typed-array loops to scalar code with a bounds check per access; f64x2 halves the
 * instructions per element and needs no checks. Measured here (10,000-row columns, Node 20): the dot
 * product 1.09 → 0.29 ns per element, the residual update fused with the next dot 2.4 → 0.59.
 * Bit-identical to the TypeScript kernels: lanes (i, i+1) and (i+2, i+3) of two vector accumulators are
 * exactly the four partial sums s0…s3 of logisticKernels.ts, the tail goes into s0, the lanes combine as
 * (s0 + s1) + (s2 + s3), and every product and sum is the same IEEE operation (no fused multiply-add in
 * non-relaxed wasm SIMD). So a fit gives the same bits with or without WebAssembly; the TypeScript
 * kernels are the fallback where it is missing, refused, or the data would not fit in its memory.
 *
 * The heap holds what the kernels read and write: the design's columns, the working residual r, the
 * weights v, the direction Δη, one scratch column and a few result slots. Everything is allocated once
 * per solver (the memory never grows, so the Float64Array views stay valid).
 */
import { kernelMode } from '../kernels/heap.ts';
import { F64, FunctionBuilder, I32, V128, assembleModule } from '../kernels/wasm/emitter.ts';
import { EXP_CLAMP, EXP_TAYLOR, INV_LN2, LN2_HI, LN2_LO, SHIFTER } from '../kernels/expNonPositive.ts';
import { columnDot } from '../kernels/wasm/kernels.ts';
import * as ts from './logisticKernels.ts';

/** Kernels on column j of the design, the residual r, the weights v, Δη and the scratch column u. */
export interface LogisticKernels {
  /** Column j (a view into the heap when it is WebAssembly memory). */
  readonly views: Float64Array[];
  readonly r: Float64Array;
  readonly v: Float64Array;
  readonly dEta: Float64Array;
  readonly fast: boolean;
  /** x_jᵀr. */
  dot(j: number): number;
  /** x_jᵀr, and Σ v·x_j² into curvature[0]. */
  dotAndCurvature(j: number, curvature: Float64Array): number;
  /** r −= v∘x_j·δ. */
  subtractWeighted(j: number, delta: number): void;
  /** r −= v∘x_j·δ, then x_nextᵀr. */
  subtractWeightedThenDot(j: number, delta: number, next: number): number;
  /** r −= v∘x_j·δ, then x_nextᵀr, and Σ v·x_next² into curvature[0]. */
  subtractWeightedThenDotAndCurvature(j: number, delta: number, next: number, curvature: Float64Array): number;
  /** Σ r (the intercept's model gradient), with dot()'s grouping. */
  sumR(): number;
  /** r −= v·δ (the intercept's move), as subtractWeighted on a column of ones. */
  subtractIntercept(delta: number): void;
  /** u = v∘x_j; returns Σu. */
  weightColumn(j: number): number;
  /** uᵀx_a and uᵀx_b into out[0], out[1]. */
  dot2(a: number, b: number, out: Float64Array): void;
  /** uᵀx_j. */
  dotU(j: number): number;
  /** Δη += x_j·δ. */
  addScaled(j: number, delta: number): void;
  /** The linear predictor η, η at the start of an outer iteration, e^−|η| and the labels y. */
  readonly eta: Float64Array;
  readonly eta0: Float64Array;
  readonly expNeg: Float64Array;
  /**
   * The model's weights v and working residual r from η and e^−|η| (see irlsWeights in
   * logisticKernels.ts); returns Σ v.
   */
  irls(floor: number): number;
  /** η = η₀ + step·Δη. */
  etaStep(step: number): void;
  /**
   * Σ_i [softplus(η_i) − y_i·η_i] at the current η, writing e^−|η_i| into expNeg (logisticKernels.ts
   * lossLanes and lossTotal).
   */
  lossSum(): number;
}

/** The largest heap given to WebAssembly. */
const MAX_WASM_BYTES = 2 ** 30;
const PAGE = 65536;

/** Both accumulators' four lanes combined as logisticKernels.ts does: (s0 + s1) + (s2 + s3), s0 with the tail. */
function combine(f: FunctionBuilder, s0: number, a: number, b: number): void {
  f.get(s0).get(a).lane(1).fadd().get(b).lane(0).get(b).lane(1).fadd().fadd();
}

/** dotCurv(x, r, v, m, out): out[0] = Σ x·r, out[1] = Σ (v·x)·x. */
function dotCurvKernel(): FunctionBuilder {
  const f = new FunctionBuilder('dotCurv', [I32, I32, I32, I32, I32]);
  const [x, r, v, m, out] = [0, 1, 2, 3, 4];
  const end = f.local(I32);
  const xp = f.local(I32);
  const rp = f.local(I32);
  const vp = f.local(I32);
  const [A, B, C, D, X] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const s0 = f.local(F64);
  const c0 = f.local(F64);
  const xs = f.local(F64);
  for (const acc of [A, B, C, D]) f.f64x2(0).set(acc);
  f.get(m).i32(3).shl().get(x).add().set(end);
  f.get(x).set(xp).get(r).set(rp).get(v).set(vp);
  f.forEach(xp, 32, end, () => {
    for (const [o, S, K] of [
      [0, A, C],
      [16, B, D],
    ] as const) {
      f.get(xp).vload(o).set(X);
      f.get(S).get(X).get(rp).vload(o).vmul().vadd().set(S);
      f.get(K).get(vp).vload(o).get(X).vmul().get(X).vmul().vadd().set(K);
    }
    f.inc(rp, 32).inc(vp, 32);
  });
  f.get(A).lane(0).set(s0);
  f.get(C).lane(0).set(c0);
  f.forEach(xp, 8, end, () => {
    f.get(xp).fload().set(xs);
    f.get(s0).get(xs).get(rp).fload().fmul().fadd().set(s0);
    f.get(c0).get(vp).fload().get(xs).fmul().get(xs).fmul().fadd().set(c0);
    f.inc(rp, 8).inc(vp, 8);
  });
  f.get(out);
  combine(f, s0, A, B);
  f.fstore();
  f.get(out);
  combine(f, c0, C, D);
  f.fstore(8);
  return f;
}

/**
 * subW(r, v, x, dAt, next, m, out): r −= (v·x)·δ with δ the f64 at dAt; with next ≠ 0 also
 * out[0] = Σ next·r over the updated r.
 */
function subtractKernel(withDot: boolean): FunctionBuilder {
  const f = new FunctionBuilder(withDot ? 'subWDot' : 'subW', [I32, I32, I32, I32, I32, I32, I32]);
  const [r, v, x, dAt, next, m, out] = [0, 1, 2, 3, 4, 5, 6];
  const end = f.local(I32);
  const rp = f.local(I32);
  const vp = f.local(I32);
  const xp = f.local(I32);
  const np = f.local(I32);
  const [A, B, D, T] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const s0 = f.local(F64);
  const d = f.local(F64);
  const t = f.local(F64);
  f.f64x2(0).set(A).f64x2(0).set(B);
  f.get(dAt).vsplatLoad().set(D).get(dAt).fload().set(d);
  f.get(m).i32(3).shl().get(r).add().set(end);
  f.get(r).set(rp).get(v).set(vp).get(x).set(xp).get(next).set(np);
  f.forEach(rp, 32, end, () => {
    for (const [o, S] of [
      [0, A],
      [16, B],
    ] as const) {
      // f64x2.sub (0xf1): r − (v·x)·δ.
      f.get(rp).get(rp).vload(o).get(vp).vload(o).get(xp).vload(o).vmul().get(D).vmul().simd(0xf1).tee(T).vstore(o);
      if (withDot) f.get(S).get(np).vload(o).get(T).vmul().vadd().set(S);
    }
    f.inc(vp, 32).inc(xp, 32);
    if (withDot) f.inc(np, 32);
  });
  f.get(A).lane(0).set(s0);
  f.forEach(rp, 8, end, () => {
    f.get(rp).get(rp).fload().get(vp).fload().get(xp).fload().fmul().get(d).fmul().fsub().tee(t).fstore();
    if (withDot) f.get(s0).get(np).fload().get(t).fmul().fadd().set(s0);
    f.inc(vp, 8).inc(xp, 8);
    if (withDot) f.inc(np, 8);
  });
  if (withDot) {
    f.get(out);
    combine(f, s0, A, B);
    f.fstore();
  }
  return f;
}

/**
 * subWDotCurv(r, v, x, dAt, next, m, out): r −= (v·x)·δ, then out[0] = Σ next·r over the updated r and
 * out[1] = Σ (v·next)·next: a move in an outer iteration's first pass and the next column's dot and
 * curvature in one sweep of r and v (the same bits as subW followed by dotCurv).
 */
function subtractDotCurvKernel(): FunctionBuilder {
  const f = new FunctionBuilder('subWDotCurv', [I32, I32, I32, I32, I32, I32, I32]);
  const [r, v, x, dAt, next, m, out] = [0, 1, 2, 3, 4, 5, 6];
  const end = f.local(I32);
  const rp = f.local(I32);
  const vp = f.local(I32);
  const xp = f.local(I32);
  const np = f.local(I32);
  const [A, B, C, E, D, T, V, N] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const s0 = f.local(F64);
  const c0 = f.local(F64);
  const d = f.local(F64);
  const t = f.local(F64);
  const vs = f.local(F64);
  const ns = f.local(F64);
  for (const acc of [A, B, C, E]) f.f64x2(0).set(acc);
  f.get(dAt).vsplatLoad().set(D).get(dAt).fload().set(d);
  f.get(m).i32(3).shl().get(r).add().set(end);
  f.get(r).set(rp).get(v).set(vp).get(x).set(xp).get(next).set(np);
  f.forEach(rp, 32, end, () => {
    for (const [o, S, K] of [
      [0, A, C],
      [16, B, E],
    ] as const) {
      f.get(vp).vload(o).set(V);
      f.get(np).vload(o).set(N);
      // f64x2.sub (0xf1): r − (v·x)·δ.
      f.get(rp).get(rp).vload(o).get(V).get(xp).vload(o).vmul().get(D).vmul().simd(0xf1).tee(T).vstore(o);
      f.get(S).get(N).get(T).vmul().vadd().set(S);
      f.get(K).get(V).get(N).vmul().get(N).vmul().vadd().set(K);
    }
    f.inc(vp, 32).inc(xp, 32).inc(np, 32);
  });
  f.get(A).lane(0).set(s0);
  f.get(C).lane(0).set(c0);
  f.forEach(rp, 8, end, () => {
    f.get(vp).fload().set(vs);
    f.get(np).fload().set(ns);
    f.get(rp).get(rp).fload().get(vs).get(xp).fload().fmul().get(d).fmul().fsub().tee(t).fstore();
    f.get(s0).get(ns).get(t).fmul().fadd().set(s0);
    f.get(c0).get(vs).get(ns).fmul().get(ns).fmul().fadd().set(c0);
    f.inc(vp, 8).inc(xp, 8).inc(np, 8);
  });
  f.get(out);
  combine(f, s0, A, B);
  f.fstore();
  f.get(out);
  combine(f, c0, C, E);
  f.fstore(8);
  return f;
}

/** weightCol(u, v, x, m, out): u = v·x, out[0] = Σu. */
function weightKernel(): FunctionBuilder {
  const f = new FunctionBuilder('weightCol', [I32, I32, I32, I32, I32]);
  const [u, v, x, m, out] = [0, 1, 2, 3, 4];
  const end = f.local(I32);
  const up = f.local(I32);
  const vp = f.local(I32);
  const xp = f.local(I32);
  const [A, B, T] = [f.local(V128), f.local(V128), f.local(V128)];
  const s0 = f.local(F64);
  const t = f.local(F64);
  f.f64x2(0).set(A).f64x2(0).set(B);
  f.get(m).i32(3).shl().get(u).add().set(end);
  f.get(u).set(up).get(v).set(vp).get(x).set(xp);
  f.forEach(up, 32, end, () => {
    for (const [o, S] of [
      [0, A],
      [16, B],
    ] as const) {
      f.get(up).get(vp).vload(o).get(xp).vload(o).vmul().tee(T).vstore(o);
      f.get(S).get(T).vadd().set(S);
    }
    f.inc(vp, 32).inc(xp, 32);
  });
  f.get(A).lane(0).set(s0);
  f.forEach(up, 8, end, () => {
    f.get(up).get(vp).fload().get(xp).fload().fmul().tee(t).fstore();
    f.get(s0).get(t).fadd().set(s0);
    f.inc(vp, 8).inc(xp, 8);
  });
  f.get(out);
  combine(f, s0, A, B);
  f.fstore();
  return f;
}

/** dot2(u, a, b, m, out): out[0] = Σ u·a, out[1] = Σ u·b. */
function dot2Kernel(): FunctionBuilder {
  const f = new FunctionBuilder('dot2', [I32, I32, I32, I32, I32]);
  const [u, a, b, m, out] = [0, 1, 2, 3, 4];
  const end = f.local(I32);
  const up = f.local(I32);
  const ap = f.local(I32);
  const bp = f.local(I32);
  const [A, B, C, D, U] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const s0 = f.local(F64);
  const t0 = f.local(F64);
  const us = f.local(F64);
  for (const acc of [A, B, C, D]) f.f64x2(0).set(acc);
  f.get(m).i32(3).shl().get(u).add().set(end);
  f.get(u).set(up).get(a).set(ap).get(b).set(bp);
  f.forEach(up, 32, end, () => {
    for (const [o, S, K] of [
      [0, A, C],
      [16, B, D],
    ] as const) {
      f.get(up).vload(o).set(U);
      f.get(S).get(U).get(ap).vload(o).vmul().vadd().set(S);
      f.get(K).get(U).get(bp).vload(o).vmul().vadd().set(K);
    }
    f.inc(ap, 32).inc(bp, 32);
  });
  f.get(A).lane(0).set(s0);
  f.get(C).lane(0).set(t0);
  f.forEach(up, 8, end, () => {
    f.get(up).fload().set(us);
    f.get(s0).get(us).get(ap).fload().fmul().fadd().set(s0);
    f.get(t0).get(us).get(bp).fload().fmul().fadd().set(t0);
    f.inc(ap, 8).inc(bp, 8);
  });
  f.get(out);
  combine(f, s0, A, B);
  f.fstore();
  f.get(out);
  combine(f, t0, C, D);
  f.fstore(8);
  return f;
}

/**
 * irls(eta, e, y, v, r, m, out): the proximal-Newton model's weights and working residual from η and
 * e = e^−|η|: p = (η ≥ 0 ? 1 : e)/(1 + e), v = max(p(1 − p), floor)/m, r = (y − p)/m; out[0] = Σ v with
 * dot()'s grouping. The floor is out[2] and m (as an f64) is out[3].
 */
function irlsKernel(): FunctionBuilder {
  const f = new FunctionBuilder('irls', [I32, I32, I32, I32, I32, I32, I32]);
  const [eta, e, y, v, r, m, out] = [0, 1, 2, 3, 4, 5, 6];
  const end = f.local(I32);
  const ep = f.local(I32);
  const xp = f.local(I32);
  const yp = f.local(I32);
  const vp = f.local(I32);
  const rp = f.local(I32);
  const [A, B, E, P, W, FLOOR, M, ONE, ZERO] = Array.from({ length: 9 }, () => f.local(V128));
  const s0 = f.local(F64);
  const es = f.local(F64);
  const ps = f.local(F64);
  const ws = f.local(F64);
  const floor = f.local(F64);
  const md = f.local(F64);
  f.f64x2(0).set(A).f64x2(0).set(B).f64x2(1).set(ONE).f64x2(0).set(ZERO);
  f.get(out).vsplatLoad(16).set(FLOOR).get(out).vsplatLoad(24).set(M);
  f.get(out).fload(16).set(floor).get(out).fload(24).set(md);
  f.get(m).i32(3).shl().get(eta).add().set(end);
  f.get(eta).set(ep).get(e).set(xp).get(y).set(yp).get(v).set(vp).get(r).set(rp);
  f.forEach(ep, 32, end, () => {
    for (const [o, S] of [
      [0, A],
      [16, B],
    ] as const) {
      f.get(xp).vload(o).set(E);
      // (η ≥ 0 ? 1 : e) / (1 + e); f64x2.ge is 0x4c.
      f.get(ONE).get(E).get(ep).vload(o).get(ZERO).simd(0x4c).vselect().get(ONE).get(E).vadd().vdiv().set(P);
      f.get(P).get(ONE).get(P).vsub().vmul().get(FLOOR).vpmax().get(M).vdiv().tee(W);
      f.get(vp).get(W).vstore(o);
      f.get(S).get(W).vadd().set(S);
      f.get(rp).get(yp).vload(o).get(P).vsub().get(M).vdiv().vstore(o);
    }
    f.inc(xp, 32).inc(yp, 32).inc(vp, 32).inc(rp, 32);
  });
  f.get(A).lane(0).set(s0);
  f.forEach(ep, 8, end, () => {
    f.get(xp).fload().set(es);
    // select (0x1b): 1 where η ≥ 0 (f64.ge, 0x66), else e.
    f.f64(1).get(es).get(ep).fload().f64(0);
    f.code.push(0x66, 0x1b);
    f.f64(1).get(es).fadd().fdiv().set(ps);
    // f64.max (0xa5) equals Math.max for these (never NaN) values.
    f.get(ps).f64(1).get(ps).fsub().fmul().get(floor);
    f.code.push(0xa5);
    f.get(md).fdiv().set(ws);
    f.get(vp).get(ws).fstore();
    f.get(s0).get(ws).fadd().set(s0);
    f.get(rp).get(yp).fload().get(ps).fsub().get(md).fdiv().fstore();
    f.inc(xp, 8).inc(yp, 8).inc(vp, 8).inc(rp, 8);
  });
  f.get(out);
  combine(f, s0, A, B);
  f.fstore();
  return f;
}

/** etaStep(eta, eta0, d, dAt, m): η = η₀ + step·Δη, step the f64 at dAt. */
function etaStepKernel(): FunctionBuilder {
  const f = new FunctionBuilder('etaStep', [I32, I32, I32, I32, I32]);
  const [eta, eta0, d, dAt, m] = [0, 1, 2, 3, 4];
  const end = f.local(I32);
  const ep = f.local(I32);
  const zp = f.local(I32);
  const dp = f.local(I32);
  const S = f.local(V128);
  const step = f.local(F64);
  f.get(dAt).vsplatLoad().set(S).get(dAt).fload().set(step);
  f.get(m).i32(3).shl().get(eta).add().set(end);
  f.get(eta).set(ep).get(eta0).set(zp).get(d).set(dp);
  f.forEach(ep, 16, end, () => {
    f.get(ep).get(zp).vload().get(S).get(dp).vload().vmul().vadd().vstore();
    f.inc(zp, 16).inc(dp, 16);
  });
  f.forEach(ep, 8, end, () => {
    f.get(ep).get(zp).fload().get(step).get(dp).fload().fmul().fadd().fstore();
    f.inc(zp, 8).inc(dp, 8);
  });
  return f;
}

/** The f64 whose bits are the integer n (for i64x2 constants built with f64x2). */
function bitsAsF64(n: bigint): number {
  return new Float64Array(new BigUint64Array([n]).buffer)[0];
}

/**
 * loss(eta, y, e, m4, lanes): the rows 0 … m4 − 1 of the data loss into the 12 lanes (which the caller
 * initializes), e = e^−|η| written as it goes: logisticKernels.ts lossLanes, operation for operation
 * (e^x as expNonPositive.ts computes it, two rows per vector).
 */
function lossKernel(): FunctionBuilder {
  const f = new FunctionBuilder('loss', [I32, I32, I32, I32, I32]);
  const [eta, y, e, m4, lanes] = [0, 1, 2, 3, 4];
  const end = f.local(I32);
  const bend = f.local(I32);
  const ep = f.local(I32);
  const yp = f.local(I32);
  const xp = f.local(I32);
  const v = (): number => f.local(V128);
  const [SA, SB, PA, PB, CA, CB] = [v(), v(), v(), v(), v(), v()];
  const [Z, X, K, R, Q, K1, MASK] = [v(), v(), v(), v(), v(), v(), v()];
  const [ZERO, ONE, CLAMP, INV, SHIFT, HI, LO, HALF, BIAS, RENORM, RINV] = [v(), v(), v(), v(), v(), v(), v(), v(), v(), v(), v()];
  const TAYLOR = EXP_TAYLOR.map(() => v());
  for (const [local, value] of [
    [ZERO, 0],
    [ONE, 1],
    [CLAMP, EXP_CLAMP],
    [INV, INV_LN2],
    [SHIFT, SHIFTER],
    [HI, LN2_HI],
    [LO, LN2_LO],
    [HALF, 0.5],
    [BIAS, bitsAsF64(1023n)],
    [RENORM, 2 ** 64],
    [RINV, 2 ** -64],
  ] as const)
    f.f64x2(value).set(local);
  EXP_TAYLOR.forEach((c, n) => f.f64x2(c).set(TAYLOR[n]));
  for (const [local, start] of [
    [SA, ZERO],
    [SB, ZERO],
    [PA, ONE],
    [PB, ONE],
    [CA, ZERO],
    [CB, ZERO],
  ] as const)
    f.get(start).set(local);
  /** 2^k for the integer-valued lanes of K: (bits(K + 1.5·2⁵²) + 1023) << 52 (i64x2.add 0xce, i64x2.shl 0xcb). */
  const pow2 = (k: number): void => {
    f.get(k).get(SHIFT).vadd().get(BIAS).simd(0xce).i32(52).simd(0xcb);
  };
  const body = (): void => {
    for (const [o, S, P] of [
      [0, SA, PA],
      [16, SB, PB],
    ] as const) {
      f.get(ep).vload(o).set(Z);
      // x = max(−|z|, clamp) (f64x2.abs 0xec, neg 0xed; pmax(x, c) = x < c ? c : x).
      f.get(Z).simd(0xec).vneg().get(CLAMP).vpmax().set(X);
      f.get(X).get(INV).vmul().get(SHIFT).vadd().get(SHIFT).vsub().set(K);
      f.get(X).get(K).get(HI).vmul().vsub().get(K).get(LO).vmul().vsub().set(R);
      f.get(TAYLOR[0]);
      for (let n = 1; n < TAYLOR.length; n++) f.get(R).vmul().get(TAYLOR[n]).vadd();
      f.set(Q);
      // k₁ = trunc(k/2) (f64x2.trunc 0x7a), k₂ = k − k₁; e = (q·2^k₁)·2^k₂.
      f.get(K).get(HALF).vmul().simd(0x7a).set(K1);
      f.get(K).get(K1).vsub().set(K);
      f.get(Q);
      pow2(K1);
      f.vmul();
      pow2(K);
      f.vmul().set(Q);
      f.get(xp).get(Q).vstore(o);
      // s += max(z, 0) − y·z; p *= 1 + e.
      f.get(S).get(ZERO).get(Z).vpmax().get(yp).vload(o).get(Z).vmul().vsub().vadd().set(S);
      f.get(P).get(ONE).get(Q).vadd().vmul().set(P);
    }
    f.inc(yp, 32).inc(xp, 32);
  };
  const renormalize = (): void => {
    for (const [P, C] of [
      [PA, CA],
      [PB, CB],
    ] as const) {
      // f64x2.ge is 0x4c.
      f.get(P).get(RENORM).simd(0x4c).set(MASK);
      f.get(P).get(RINV).vmul().get(P).get(MASK).vselect().set(P);
      f.get(C).get(ONE).get(ZERO).get(MASK).vselect().vadd().set(C);
    }
  };
  f.get(m4).i32(3).shl().get(eta).add().set(end);
  f.get(eta).set(ep).get(y).set(yp).get(e).set(xp);
  const BLOCK_BYTES = 32 * 64;
  f.block(() =>
    f.loop(() => {
      f.get(ep).i32(BLOCK_BYTES).add().get(end).gtU().brIf(1);
      f.get(ep).i32(BLOCK_BYTES).add().set(bend);
      f.forEach(ep, 32, bend, body);
      renormalize();
      f.br(0);
    }),
  );
  f.forEach(ep, 32, end, body);
  renormalize();
  // Lanes: s0 s1 s2 s3, p0 p1 p2 p3, c0 c1 c2 c3 (A holds rows i, i+1 and B rows i+2, i+3 of each group).
  for (const [offset, A, B] of [
    [0, SA, SB],
    [32, PA, PB],
    [64, CA, CB],
  ] as const) {
    f.get(lanes).get(A).vstore(offset);
    f.get(lanes).get(B).vstore(offset + 16);
  }
  return f;
}

/** addScaled(y, x, dAt, m): y += x·δ. */
function addScaledKernel(): FunctionBuilder {
  const f = new FunctionBuilder('addScaled', [I32, I32, I32, I32]);
  const [y, x, dAt, m] = [0, 1, 2, 3];
  const end = f.local(I32);
  const yp = f.local(I32);
  const xp = f.local(I32);
  const D = f.local(V128);
  const d = f.local(F64);
  f.get(dAt).vsplatLoad().set(D).get(dAt).fload().set(d);
  f.get(m).i32(3).shl().get(y).add().set(end);
  f.get(y).set(yp).get(x).set(xp);
  f.forEach(yp, 16, end, () => {
    f.get(yp).get(yp).vload().get(xp).vload().get(D).vmul().vadd().vstore();
    f.inc(xp, 16);
  });
  f.forEach(yp, 8, end, () => {
    f.get(yp).get(yp).fload().get(xp).fload().get(d).fmul().fadd().fstore();
    f.inc(xp, 8);
  });
  return f;
}

interface Exports {
  dot(a: number, b: number, m: number, out: number): void;
  dotCurv(x: number, r: number, v: number, m: number, out: number): void;
  subW(r: number, v: number, x: number, dAt: number, next: number, m: number, out: number): void;
  subWDot(r: number, v: number, x: number, dAt: number, next: number, m: number, out: number): void;
  subWDotCurv(r: number, v: number, x: number, dAt: number, next: number, m: number, out: number): void;
  weightCol(u: number, v: number, x: number, m: number, out: number): void;
  dot2(u: number, a: number, b: number, m: number, out: number): void;
  addScaled(y: number, x: number, dAt: number, m: number): void;
  irls(eta: number, e: number, y: number, v: number, r: number, m: number, out: number): void;
  etaStep(eta: number, eta0: number, d: number, dAt: number, m: number): void;
  loss(eta: number, y: number, e: number, m4: number, lanes: number): void;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

let compiled: { api: WasmApi; module: object } | null | undefined;

function logisticModule(): { api: WasmApi; module: object } | null {
  if (compiled !== undefined) return compiled;
  try {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = assembleModule([columnDot('dot'), dotCurvKernel(), subtractKernel(false), subtractKernel(true), subtractDotCurvKernel(), weightKernel(), dot2Kernel(), addScaledKernel(), irlsKernel(), etaStepKernel(), lossKernel()]);
    compiled = api ? { api, module: new api.Module(bytes) } : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/**
 * The kernels for a design whose column-major columns are `xcol` (m × p): WebAssembly where available
 * (the columns are copied into its memory; the returned views replace the caller's), else the
 * TypeScript kernels on the caller's arrays.
 */
export function logisticKernels(xcol: Float64Array, y: Float64Array, m: number, p: number): LogisticKernels {
  // Layout in f64 elements: columns, then r, v, Δη, u, a column of ones (each padded to an even count:
  // 16-byte aligned), then 4 slots.
  const col = m + (m & 1);
  const X = 0;
  const R = X + p * col;
  const V = R + col;
  const E = V + col;
  const U = E + col;
  const ONES = U + col;
  const ETA = ONES + col;
  const ETA0 = ETA + col;
  const ENEG = ETA0 + col;
  const Y = ENEG + col;
  const LANES = Y + col;
  const OUT = LANES + ts.LOSS_LANES;
  const bytes = (OUT + 4) * 8;
  const wasm = kernelMode() === 'auto' && bytes <= MAX_WASM_BYTES ? logisticModule() : null;
  if (wasm) {
    try {
      const memory = new wasm.api.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
      const ex = new wasm.api.Instance(wasm.module, { env: { memory } }).exports as Exports;
      const h = new Float64Array(memory.buffer);
      const views: Float64Array[] = new Array(p);
      for (let j = 0; j < p; j++) {
        views[j] = h.subarray(X + j * col, X + j * col + m);
        views[j].set(xcol.subarray(j * m, j * m + m));
      }
      h.fill(1, ONES, ONES + m);
      h.set(y.subarray(0, m), Y);
      const at = (j: number): number => (X + j * col) * 8;
      const out = OUT * 8;
      const dAt = (OUT + 2) * 8;
      return {
        views,
        r: h.subarray(R, R + m),
        v: h.subarray(V, V + m),
        dEta: h.subarray(E, E + m),
        fast: true,
        dot: (j) => (ex.dot(at(j), R * 8, m, out), h[OUT]),
        dotAndCurvature: (j, curvature) => {
          ex.dotCurv(at(j), R * 8, V * 8, m, out);
          curvature[0] = h[OUT + 1];
          return h[OUT];
        },
        subtractWeighted: (j, delta) => {
          h[OUT + 2] = delta;
          ex.subW(R * 8, V * 8, at(j), dAt, 0, m, out);
        },
        subtractWeightedThenDot: (j, delta, next) => {
          h[OUT + 2] = delta;
          ex.subWDot(R * 8, V * 8, at(j), dAt, at(next), m, out);
          return h[OUT];
        },
        subtractWeightedThenDotAndCurvature: (j, delta, next, curvature) => {
          h[OUT + 2] = delta;
          ex.subWDotCurv(R * 8, V * 8, at(j), dAt, at(next), m, out);
          curvature[0] = h[OUT + 1];
          return h[OUT];
        },
        sumR: () => (ex.dot(ONES * 8, R * 8, m, out), h[OUT]),
        subtractIntercept: (delta) => {
          h[OUT + 2] = delta;
          ex.subW(R * 8, V * 8, ONES * 8, dAt, 0, m, out);
        },
        weightColumn: (j) => (ex.weightCol(U * 8, V * 8, at(j), m, out), h[OUT]),
        dot2: (a, b, pair) => {
          ex.dot2(U * 8, at(a), at(b), m, out);
          pair[0] = h[OUT];
          pair[1] = h[OUT + 1];
        },
        dotU: (j) => (ex.dot(U * 8, at(j), m, out), h[OUT]),
        addScaled: (j, delta) => {
          h[OUT + 2] = delta;
          ex.addScaled(E * 8, at(j), dAt, m);
        },
        eta: h.subarray(ETA, ETA + m),
        eta0: h.subarray(ETA0, ETA0 + m),
        expNeg: h.subarray(ENEG, ENEG + m),
        irls: (floor) => {
          h[OUT + 2] = floor;
          h[OUT + 3] = m;
          ex.irls(ETA * 8, ENEG * 8, Y * 8, V * 8, R * 8, m, out);
          return h[OUT];
        },
        etaStep: (step) => {
          h[OUT + 2] = step;
          ex.etaStep(ETA * 8, ETA0 * 8, E * 8, dAt, m);
        },
        lossSum: () => {
          const lanes = h.subarray(LANES, LANES + ts.LOSS_LANES);
          ts.initialLossLanes(lanes);
          ex.loss(ETA * 8, Y * 8, ENEG * 8, m & ~3, LANES * 8);
          return ts.lossTotal(h.subarray(ETA, ETA + m), h.subarray(Y, Y + m), h.subarray(ENEG, ENEG + m), m, lanes);
        },
      };
    } catch {
      // Memory refused: the TypeScript kernels below.
    }
  }
  const views: Float64Array[] = Array.from({ length: p }, (_, j) => xcol.subarray(j * m, j * m + m));
  const r = new Float64Array(m);
  const v = new Float64Array(m);
  const dEta = new Float64Array(m);
  const u = new Float64Array(m);
  const ones = new Float64Array(m).fill(1);
  const eta = new Float64Array(m);
  const eta0 = new Float64Array(m);
  const expNeg = new Float64Array(m);
  const lanes = new Float64Array(ts.LOSS_LANES);
  return {
    views,
    r,
    v,
    dEta,
    fast: false,
    dot: (j) => ts.dot(views[j], r, m),
    dotAndCurvature: (j, curvature) => ts.dotAndCurvature(views[j], r, v, m, curvature),
    subtractWeighted: (j, delta) => ts.subtractWeighted(r, v, views[j], delta, m),
    subtractWeightedThenDot: (j, delta, next) => ts.subtractWeightedThenDot(r, v, views[j], delta, views[next], m),
    subtractWeightedThenDotAndCurvature: (j, delta, next, curvature) => ts.subtractWeightedThenDotAndCurvature(r, v, views[j], delta, views[next], m, curvature),
    sumR: () => ts.dot(ones, r, m),
    subtractIntercept: (delta) => ts.subtractWeighted(r, v, ones, delta, m),
    weightColumn: (j) => ts.weightColumn(u, v, views[j], m),
    dot2: (a, b, pair) => ts.dot2(u, views[a], views[b], m, pair),
    dotU: (j) => ts.dot(u, views[j], m),
    addScaled: (j, delta) => ts.addScaled(dEta, views[j], delta, m),
    eta,
    eta0,
    expNeg,
    irls: (floor) => ts.irlsWeights(eta, expNeg, y, v, r, floor, m),
    etaStep: (step) => ts.etaStep(eta, eta0, dEta, step, m),
    lossSum: () => {
      ts.initialLossLanes(lanes);
      ts.lossLanes(eta, y, expNeg, m & ~3, lanes);
      return ts.lossTotal(eta, y, expNeg, m, lanes);
    },
  };
}
