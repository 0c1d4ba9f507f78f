/**
 * The engine's WebAssembly SIMD kernels, written with the assembler in ./emitter.ts. Every argument is
 * an i32: byte addresses into the one memory, or counts. Each kernel has a TypeScript twin in
 * ../reference.ts that performs the same floating-point operations in the same order, so both give
 * bit-identical results (test/unit/engine/kernels-fast.test.ts checks it), and that twin is the
 * definition of each kernel's summation order:
 *
 * - rowDots(x, n, p, w, out): out[r] = x_r·w for n contiguous rows of length p, as two lanes, even and
 *   odd j, each summed in order of j (an odd p's last product joins the even lane), then even + odd.
 * - gradRows(x, n, p, q, g): g[j] += Σ_r q_r·x_rj over groups of 4 rows, each group's 4 products summed
 *   as (0+1)+(2+3) and added to g; rows after the last full group one at a time.
 * - affineRows(rows, n, k, b, nb, bias, out): out[r, c] = bias[c] + Σ_t A[rows[r] + t]·B[t, c], with
 *   rows[] a u32 table of the f64 element offsets of A's rows, B k×nb row-major, each sum in order of t
 *   from 0 (the MLP's forward pass with B = Wᵀ, and its backward Wᵀδ with B = W and bias 0).
 * - weightGrad(rows, n, nin, d, nout, g): g[o, i] += Σ_r d[r, o]·A[rows[r] + i], in order of r, starting
 *   from g (the MLP's weight gradient δᵀA; with every row pointing at a 1, its bias gradient).
 * - linearPass(x, n, p, w, y, b, g, sums): the squared loss's fused loss-and-gradient pass (below).
 * - activations(z, count, kind, act): ReLU forward, and the ReLU and tanh derivatives of the backward pass.
 * - adam(…): the Adam update of stochastic/optimizers.ts, two parameters per instruction.
 * - transpose(src, rows, cols, dst): Wᵀ for the forward products (copies, no arithmetic).
 * - gramPair(cols, m, a, b, ks, n, outA, outB): coordinate descent's Gram entries x_a·x_k / m and
 *   x_b·x_k / m from column-major columns, each dot as two lanes (even and odd rows, in row order; an
 *   odd m's last product joins the even lane), then even + odd.
 * - columnDot(a, b, m, out), subtractScaled(r, x, m, δ): naive coordinate descent's dot product (four
 *   partial sums by i mod 4, as linalg/gram.ts's dot) and residual update r ← r − x·δ.
 *
 * Why these kernels win (measured on the 2-core AMD EPYC of the benchmarks, Node 20 / V8 11.3, whose
 * TurboFan compiles these loops to SSE/AVX code with 15 usable xmm registers):
 * - V8 compiles JavaScript's typed-array loops to scalar code with a bounds check per access; wasm f64x2
 *   halves the instructions per element and its memory accesses need no checks (guard pages). There is
 *   no fused multiply-add in non-relaxed wasm SIMD (and relaxed FMA is not deterministic across
 *   machines), so each lane does exactly the multiply and the add that the scalar twin does.
 * - gd's pass over X (linearPass) is bound by memory bandwidth once vectorized. The caller copies ~192 KB
 *   blocks of rows into this module's memory (a memcpy at full bandwidth) and the kernel then reads them
 *   from L2; on 100,000 × 100 that is 8.8 ms per pass against 9.9 ms for the same kernel reading X from
 *   memory directly (the hardware does not overlap its arithmetic with the stream) and 23 ms for the
 *   previous JavaScript kernel (numpy's X@w plus Xᵀr: 13 ms on one thread). Groups of 4 rows with
 *   pointers that advance (9.9 ms in place) beat groups of 8 (12.5 ms: V8 spills the 8 row pointers
 *   to the stack) and 2 (12 ms: too little work per loop check).
 * - The MLP's products are small matrix products (64×100 by 100×64 per batch). They are computed in the
 *   "axpy" form (a broadcast of one A entry times a row of B, added into a register tile): every output
 *   is one sequential sum, a fixed order a scalar loop reproduces exactly. Tiles of 4 rows × 4 columns
 *   (8 vector accumulators) reach 5.6 GMAC/s in affineRows and 6.5 in weightGrad here; 6 × 4, 5 × 4,
 *   3 × 6, 2 × 8 and 3 × 8 tiles ran at 2.8–4.4 (their accumulators no longer fit in registers), and
 *   unrolling the reduction loop by 2 slowed the 4 × 4 tile (4.2).
 */
import { F64, FunctionBuilder, I32, V128, assembleModule } from './emitter.ts';

function locals(f: FunctionBuilder, count: number, type: typeof I32 | typeof F64 | typeof V128): number[] {
  return Array.from({ length: count }, () => f.local(type));
}

/** Pushes the pairwise sum of terms from..from+count: ((0+1)+(2+3)) for 4, the term itself for 1. */
function pairTree(from: number, count: number, term: (k: number) => void, add: () => void): void {
  if (count === 1) return term(from);
  const half = count >> 1;
  pairTree(from, half, term, add);
  pairTree(from + half, count - half, term, add);
  add();
}

/** Rows per group of the gd kernels (see reference.ts for the order this fixes). */
const GROUP = 4;
/** Vectors per iteration of the gd kernels' inner loops (amortizes V8's per-iteration loop check). */
const UNROLL = 2;

/** rows[k] = base + (r + k)·rowBytes. */
function rowPointers(f: FunctionBuilder, rows: number[], base: number, r: number, rowBytes: number): void {
  f.get(base).get(r).get(rowBytes).mul().add().set(rows[0]);
  for (let k = 1; k < rows.length; k++) f.get(rows[k - 1]).get(rowBytes).add().set(rows[k]);
}

/**
 * The dot products of `rows` with w into `even` (f64) and `odd`'s lane 1 (acc[k]): two lanes in order of j,
 * an odd p's last product added to the even lane. Advances the row pointers; wp runs over w.
 */
function dots(f: FunctionBuilder, rows: number[], acc: number[], even: number[], w: number, wp: number, wEnd: number, wv: number): void {
  for (const v of acc) f.f64x2(0).set(v);
  f.get(w).set(wp);
  for (const u of [UNROLL, 1]) {
    f.forEach(wp, 16 * u, wEnd, () => {
      for (let v = 0; v < u; v++) {
        f.get(wp).vload(16 * v).set(wv);
        for (let k = 0; k < rows.length; k++) f.get(acc[k]).get(rows[k]).vload(16 * v).get(wv).vmul().vadd().set(acc[k]);
      }
      for (const row of rows) f.inc(row, 16 * u);
    });
  }
  for (let k = 0; k < rows.length; k++) f.get(acc[k]).lane(0).set(even[k]);
  f.get(wp).get(wEnd).ltU().when(() => {
    for (let k = 0; k < rows.length; k++) f.get(even[k]).get(rows[k]).fload().get(wp).fload().fmul().fadd().set(even[k]);
  });
}

/** g[j] += the pairwise tree of splat[k]·row_k[j] over the rows (vector loop, then an odd p's last entry). */
function gradUpdate(f: FunctionBuilder, rows: number[], splat: number[], scalar: number[], g: number, gp: number, gEnd: number): void {
  f.get(g).set(gp);
  for (const u of [UNROLL, 1]) {
    f.forEach(gp, 16 * u, gEnd, () => {
      for (let v = 0; v < u; v++) {
        f.get(gp).get(gp).vload(16 * v);
        pairTree(0, rows.length, (k) => f.get(splat[k]).get(rows[k]).vload(16 * v).vmul(), () => f.vadd());
        f.vadd().vstore(16 * v);
      }
      for (const row of rows) f.inc(row, 16 * u);
    });
  }
  f.get(gp).get(gEnd).ltU().when(() => {
    f.get(gp).get(gp).fload();
    pairTree(0, rows.length, (k) => f.get(scalar[k]).get(rows[k]).fload().fmul(), () => f.fadd());
    f.fadd().fstore();
  });
}

function rowDots(): FunctionBuilder {
  const f = new FunctionBuilder('rowDots', [I32, I32, I32, I32, I32]);
  const [x, n, p, w, out] = [0, 1, 2, 3, 4];
  const rowBytes = f.local(I32);
  const r = f.local(I32);
  const wp = f.local(I32);
  const wEnd = f.local(I32);
  const wv = f.local(V128);
  f.get(p).i32(3).shl().set(rowBytes);
  f.get(w).get(rowBytes).add().set(wEnd);
  f.i32(0).set(r);
  for (const R of [GROUP, 1]) {
    const rows = locals(f, R, I32);
    const acc = locals(f, R, V128);
    const even = locals(f, R, F64);
    f.forEach(r, R, n, () => {
      rowPointers(f, rows, x, r, rowBytes);
      dots(f, rows, acc, even, w, wp, wEnd, wv);
      for (let k = 0; k < R; k++) f.get(out).get(r).i32(3).shl().add().get(even[k]).get(acc[k]).lane(1).fadd().fstore(8 * k);
    });
  }
  return f;
}

function gradRows(): FunctionBuilder {
  const f = new FunctionBuilder('gradRows', [I32, I32, I32, I32, I32]);
  const [x, n, p, q, g] = [0, 1, 2, 3, 4];
  const rowBytes = f.local(I32);
  const r = f.local(I32);
  const gp = f.local(I32);
  const gEnd = f.local(I32);
  f.get(p).i32(3).shl().set(rowBytes);
  f.get(g).get(rowBytes).add().set(gEnd);
  f.i32(0).set(r);
  for (const R of [GROUP, 1]) {
    const rows = locals(f, R, I32);
    const qs = locals(f, R, F64);
    const s = locals(f, R, V128);
    f.forEach(r, R, n, () => {
      rowPointers(f, rows, x, r, rowBytes);
      for (let k = 0; k < R; k++) f.get(q).get(r).i32(3).shl().add().fload(8 * k).tee(qs[k]).vsplat().set(s[k]);
      gradUpdate(f, rows, s, qs, g, gp, gEnd);
    });
  }
  return f;
}

/** Register tiles of the MLP kernels: rows (or outputs) per tile, then the tail tiles. */
export interface TileShape {
  /** Tile heights, largest first, ending with 1 (e.g. [6, 2, 1]). */
  tiles: readonly number[];
  /** Vectors (2 columns each) per tile row, largest first, then a scalar column; e.g. [2, 1]. */
  vectors: readonly number[];
  /** Steps of the reduction loop per iteration. */
  unroll: number;
}

/** The shapes in use; see the file comment for why (8-12 accumulators in the 15 usable xmm registers). */
export const AFFINE_TILES: TileShape = { tiles: [4, 1], vectors: [2, 1], unroll: 1 };
export const WEIGHT_GRAD_TILES: TileShape = { tiles: [4, 1], vectors: [2, 1], unroll: 1 };

export function affineRows(name = 'affineRows', shape: TileShape = AFFINE_TILES): FunctionBuilder {
  const f = new FunctionBuilder(name, [I32, I32, I32, I32, I32, I32, I32]);
  const [rows, n, k, b, nb, bias, out] = [0, 1, 2, 3, 4, 5, 6];
  const kBytes = f.local(I32);
  const nbBytes = f.local(I32);
  const r = f.local(I32);
  const cb = f.local(I32);
  const tb = f.local(I32);
  const bp = f.local(I32);
  const bp2 = f.local(I32);
  const s = f.local(V128);
  const U = shape.unroll;
  f.get(k).i32(3).shl().set(kBytes);
  f.get(nb).i32(3).shl().set(nbBytes);
  f.i32(0).set(r);
  for (const R of shape.tiles) {
    const a = locals(f, R, I32);
    const o = locals(f, R, I32);
    f.forEach(r, R, n, () => {
      for (let q = 0; q < R; q++) f.get(rows).get(r).i32(2).shl().add().iload(4 * q).i32(3).shl().set(a[q]);
      f.get(out).get(r).get(nbBytes).mul().add().set(o[0]);
      for (let q = 1; q < R; q++) f.get(o[q - 1]).get(nbBytes).add().set(o[q]);
      f.i32(0).set(cb);
      for (const V of shape.vectors) {
        const acc = locals(f, R * V, V128);
        const wv = locals(f, V, V128);
        /** One step of the reduction at B's row pointer `ptr` and A's column offset `shift` bytes past tb. */
        const step = (ptr: number, shift: number): void => {
          for (let v = 0; v < V; v++) f.get(ptr).vload(16 * v).set(wv[v]);
          for (let q = 0; q < R; q++) {
            f.get(a[q]).get(tb).add().vsplatLoad(shift).set(s);
            for (let v = 0; v < V; v++) f.get(acc[q * V + v]).get(s).get(wv[v]).vmul().vadd().set(acc[q * V + v]);
          }
        };
        f.forEach(cb, 16 * V, nbBytes, () => {
          for (const v of acc) f.f64x2(0).set(v);
          f.get(b).get(cb).add().set(bp);
          f.i32(0).set(tb);
          for (const u of U > 1 ? [U, 1] : [1]) {
            f.forEach(tb, 8 * u, kBytes, () => {
              for (let e = 0; e < u; e++) {
                if (e === 0) step(bp, 0);
                else {
                  f.get(bp).get(nbBytes).add().set(bp2);
                  step(bp2, 8 * e);
                  f.get(bp2).set(bp);
                }
              }
              f.incBy(bp, nbBytes);
            });
          }
          for (let q = 0; q < R; q++) {
            for (let v = 0; v < V; v++) f.get(o[q]).get(cb).add().get(bias).get(cb).add().vload(16 * v).get(acc[q * V + v]).vadd().vstore(16 * v);
          }
        });
      }
      const acc = locals(f, R, F64);
      f.forEach(cb, 8, nbBytes, () => {
        for (const v of acc) f.f64(0).set(v);
        f.get(b).get(cb).add().set(bp);
        f.i32(0).set(tb);
        f.forEach(tb, 8, kBytes, () => {
          for (let q = 0; q < R; q++) f.get(acc[q]).get(a[q]).get(tb).add().fload().get(bp).fload().fmul().fadd().set(acc[q]);
          f.incBy(bp, nbBytes);
        });
        for (let q = 0; q < R; q++) f.get(o[q]).get(cb).add().get(bias).get(cb).add().fload().get(acc[q]).fadd().fstore();
      });
    });
  }
  return f;
}

export function weightGrad(name = 'weightGrad', shape: TileShape = WEIGHT_GRAD_TILES): FunctionBuilder {
  const f = new FunctionBuilder(name, [I32, I32, I32, I32, I32, I32]);
  const [rows, n, nin, d, nout, g] = [0, 1, 2, 3, 4, 5];
  const ninBytes = f.local(I32);
  const noutBytes = f.local(I32);
  const rowsEnd = f.local(I32);
  const o = f.local(I32);
  const ib = f.local(I32);
  const rp = f.local(I32);
  const dp = f.local(I32);
  const ab = f.local(I32);
  const s = f.local(V128);
  f.get(nin).i32(3).shl().set(ninBytes);
  f.get(nout).i32(3).shl().set(noutBytes);
  f.get(rows).get(n).i32(2).shl().add().set(rowsEnd);
  f.i32(0).set(o);
  for (const O of shape.tiles) {
    const gr = locals(f, O, I32);
    f.forEach(o, O, nout, () => {
      f.get(g).get(o).get(ninBytes).mul().add().set(gr[0]);
      for (let q = 1; q < O; q++) f.get(gr[q - 1]).get(ninBytes).add().set(gr[q]);
      f.i32(0).set(ib);
      for (const V of shape.vectors) {
        const acc = locals(f, O * V, V128);
        const xv = locals(f, V, V128);
        f.forEach(ib, 16 * V, ninBytes, () => {
          for (let q = 0; q < O; q++) for (let v = 0; v < V; v++) f.get(gr[q]).get(ib).add().vload(16 * v).set(acc[q * V + v]);
          f.get(rows).set(rp);
          f.get(d).get(o).i32(3).shl().add().set(dp);
          f.forEach(rp, 4, rowsEnd, () => {
            f.get(rp).iload().i32(3).shl().get(ib).add().set(ab);
            for (let v = 0; v < V; v++) f.get(ab).vload(16 * v).set(xv[v]);
            for (let q = 0; q < O; q++) {
              f.get(dp).vsplatLoad(8 * q).set(s);
              for (let v = 0; v < V; v++) f.get(acc[q * V + v]).get(s).get(xv[v]).vmul().vadd().set(acc[q * V + v]);
            }
            f.incBy(dp, noutBytes);
          });
          for (let q = 0; q < O; q++) for (let v = 0; v < V; v++) f.get(gr[q]).get(ib).add().get(acc[q * V + v]).vstore(16 * v);
        });
      }
      const acc = locals(f, O, F64);
      f.forEach(ib, 8, ninBytes, () => {
        for (let q = 0; q < O; q++) f.get(gr[q]).get(ib).add().fload().set(acc[q]);
        f.get(rows).set(rp);
        f.get(d).get(o).i32(3).shl().add().set(dp);
        f.forEach(rp, 4, rowsEnd, () => {
          f.get(rp).iload().i32(3).shl().get(ib).add().set(ab);
          for (let q = 0; q < O; q++) f.get(acc[q]).get(dp).fload(8 * q).get(ab).fload().fmul().fadd().set(acc[q]);
          f.incBy(dp, noutBytes);
        });
        for (let q = 0; q < O; q++) f.get(gr[q]).get(ib).add().get(acc[q]).fstore();
      });
    });
  }
  return f;
}

/**
 * linearPass(x, n, p, w, y, b, g, sums): the squared loss's fused pass over n contiguous rows, in groups
 * of 4 rows that stay in L1 between their two loops: the residuals q_r = (b − y_r) + x_r·w (dots as in
 * rowDots), Σq² and Σq (the group's terms summed left to right, then added to the running sums, which
 * start from sums[0..2) and are written back there), and g += the group's q_r·x_r as in gradRows.
 */
function linearPass(): FunctionBuilder {
  const f = new FunctionBuilder('linearPass', [I32, I32, I32, I32, I32, F64, I32, I32]);
  const [x, n, p, w, y, b, g, sums] = [0, 1, 2, 3, 4, 5, 6, 7];
  const rowBytes = f.local(I32);
  const r = f.local(I32);
  const wp = f.local(I32);
  const wEnd = f.local(I32);
  const gp = f.local(I32);
  const gEnd = f.local(I32);
  const sumSq = f.local(F64);
  const sumR = f.local(F64);
  const wv = f.local(V128);
  f.get(p).i32(3).shl().set(rowBytes);
  f.get(w).get(rowBytes).add().set(wEnd);
  f.get(g).get(rowBytes).add().set(gEnd);
  f.get(sums).fload(0).set(sumSq);
  f.get(sums).fload(8).set(sumR);
  f.i32(0).set(r);
  for (const R of [GROUP, 1]) {
    const rows = locals(f, R, I32);
    const acc = locals(f, R, V128);
    const q = locals(f, R, F64);
    const s = locals(f, R, V128);
    f.forEach(r, R, n, () => {
      rowPointers(f, rows, x, r, rowBytes);
      dots(f, rows, acc, q, w, wp, wEnd, wv);
      for (let k = 0; k < R; k++) {
        f.get(b).get(y).get(r).i32(3).shl().add().fload(8 * k).fsub();
        f.get(q[k]).get(acc[k]).lane(1).fadd().fadd().tee(q[k]).vsplat().set(s[k]);
      }
      f.get(sumSq);
      for (let k = 0; k < R; k++) {
        f.get(q[k]).get(q[k]).fmul();
        if (k > 0) f.fadd();
      }
      f.fadd().set(sumSq);
      f.get(sumR);
      for (let k = 0; k < R; k++) {
        f.get(q[k]);
        if (k > 0) f.fadd();
      }
      f.fadd().set(sumR);
      rowPointers(f, rows, x, r, rowBytes);
      gradUpdate(f, rows, s, q, g, gp, gEnd);
    });
  }
  f.get(sums).get(sumSq).fstore(0);
  f.get(sums).get(sumR).fstore(8);
  return f;
}

/**
 * activations(z, count, kind, act): kind 0, ReLU forward: z ← z > 0 ? z : 0 (pmax(0, z)); kind 1, ReLU
 * backward: z ← z·(act > 0 ? 1 : 0); kind 2, tanh backward: z ← z·(1 − act·act). Pairs of entries:
 * callers' regions are padded to an even length (HeapLayout), so an odd count touches one spare entry.
 */
function activations(): FunctionBuilder {
  const f = new FunctionBuilder('activations', [I32, I32, I32, I32]);
  const [z, count, kind, act] = [0, 1, 2, 3];
  const end = f.local(I32);
  const zp = f.local(I32);
  const ap = f.local(I32);
  f.get(z).get(count).i32(1).add().i32(-2).and().i32(3).shl().add().set(end);
  f.get(z).set(zp);
  f.get(act).set(ap);
  const loop = (body: () => void): void => {
    f.forEach(zp, 16, end, () => {
      body();
      f.inc(ap, 16);
    });
  };
  f.block(() => {
    f.get(kind).i32(0).eq().when(() => {
      loop(() => f.get(zp).f64x2(0).get(zp).vload().vpmax().vstore());
      f.br(1);
    });
    f.get(kind).i32(1).eq().when(() => {
      loop(() => f.get(zp).get(zp).vload().get(ap).vload().f64x2(0).vgt().f64x2(1).vand().vmul().vstore());
      f.br(1);
    });
    loop(() => f.get(zp).get(zp).vload().f64x2(1).get(ap).vload().get(ap).vload().vmul().vsub().vmul().vstore());
  });
  return f;
}

/**
 * adam(theta, grad, m1, m2, count, mode, l2, l1, beta1, oneMinusBeta1, beta2, oneMinusBeta2, c1, c2, lr, eps):
 * stochastic/optimizers.ts Adam's update on `count` entries (a multiple of 2), the same operations per
 * entry in the same order: mode 0 unpenalized; 1 adds l2·θ to the gradient; 2 also soft-thresholds the
 * result at step·l1. IEEE division and square root are correctly rounded, so lanes match JavaScript's.
 */
function adam(): FunctionBuilder {
  const f = new FunctionBuilder('adam', [I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64]);
  const [theta, grad, m1, m2, count, mode, l2, l1, b1, omb1, b2, omb2, c1, c2, lr, eps] = Array.from({ length: 16 }, (_, k) => k);
  const k = f.local(I32);
  const end = f.local(I32);
  const g = f.local(V128);
  const th = f.local(V128);
  const mv = f.local(V128);
  const vv = f.local(V128);
  const step = f.local(V128);
  const t = f.local(V128);
  const tau = f.local(V128);
  f.get(count).i32(3).shl().set(end);
  const body = (penalized: boolean, threshold: boolean): void => {
    f.i32(0).set(k);
    f.forEach(k, 16, end, () => {
      f.get(theta).get(k).add().vload().set(th);
      f.get(grad).get(k).add().vload();
      if (penalized) f.get(l2).vsplat().get(th).vmul().vadd();
      f.set(g);
      f.get(b1).vsplat().get(m1).get(k).add().vload().vmul().get(omb1).vsplat().get(g).vmul().vadd().set(mv);
      f.get(b2).vsplat().get(m2).get(k).add().vload().vmul().get(omb2).vsplat().get(g).vmul().get(g).vmul().vadd().set(vv);
      f.get(lr).vsplat().get(vv).get(c2).vsplat().vmul().vsqrt().get(eps).vsplat().vadd().vdiv().set(step);
      f.get(th).get(step).get(mv).vmul().get(c1).vsplat().vmul().vsub().set(t);
      if (threshold) {
        f.get(step).get(l1).vsplat().vmul().set(tau);
        // t > τ ? t − τ : (t < −τ ? t + τ : 0)
        f.get(t).get(tau).vsub();
        f.get(t).get(tau).vadd().f64x2(0).get(t).get(tau).vneg().vlt().vselect();
        f.get(t).get(tau).vgt().vselect().set(t);
      }
      f.get(m1).get(k).add().get(mv).vstore();
      f.get(m2).get(k).add().get(vv).vstore();
      f.get(theta).get(k).add().get(t).vstore();
    });
  };
  f.block(() => {
    f.get(mode).i32(0).eq().when(() => {
      body(false, false);
      f.br(1);
    });
    f.get(mode).i32(1).eq().when(() => {
      body(true, false);
      f.br(1);
    });
    body(true, true);
  });
  return f;
}

/**
 * gramPair(cols, m, a, b, ks, n, outA, outB): coordinate descent's Gram entries from column-major columns
 * (column j at cols + j·m·8): outA[k] = x_a·x_k / m and outB[k] = x_b·x_k / m for the n (a multiple of 4)
 * column indices k of the u32 list ks. Each dot runs in two lanes, even and odd rows, each in row order
 * (an odd m's last product joins the even lane), then even + odd, then / m: the same order for every
 * pair, so entries are exactly symmetric. Tiles of 2 × 4 columns: 6 vector loads per 8 vector
 * multiply-adds, 8 accumulators.
 */
function gramPair(): FunctionBuilder {
  const f = new FunctionBuilder('gramPair', [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [cols, m, a, b, ks, n, outA, outB] = [0, 1, 2, 3, 4, 5, 6, 7];
  const mBytes = f.local(I32);
  const evenEnd = f.local(I32);
  const ua = f.local(I32);
  const ub = f.local(I32);
  const kp = f.local(I32);
  const ksEnd = f.local(I32);
  const i = f.local(I32);
  const kIndex = locals(f, 4, I32);
  const kCol = locals(f, 4, I32);
  const accA = locals(f, 4, V128);
  const accB = locals(f, 4, V128);
  const xa = f.local(V128);
  const xb = f.local(V128);
  const xk = f.local(V128);
  const even = f.local(F64);
  const count = f.local(F64);
  f.get(m).i32(3).shl().set(mBytes);
  f.get(m).i32(-2).and().i32(3).shl().set(evenEnd);
  f.get(m).fromU32().set(count);
  f.get(cols).get(a).get(mBytes).mul().add().set(ua);
  f.get(cols).get(b).get(mBytes).mul().add().set(ub);
  f.get(ks).get(n).i32(2).shl().add().set(ksEnd);
  f.get(ks).set(kp);
  f.forEach(kp, 16, ksEnd, () => {
    for (let q = 0; q < 4; q++) f.get(cols).get(kp).iload(4 * q).tee(kIndex[q]).get(mBytes).mul().add().set(kCol[q]);
    for (const v of [...accA, ...accB]) f.f64x2(0).set(v);
    f.i32(0).set(i);
    f.forEach(i, 16, evenEnd, () => {
      f.get(ua).get(i).add().vload().set(xa);
      f.get(ub).get(i).add().vload().set(xb);
      for (let q = 0; q < 4; q++) {
        f.get(kCol[q]).get(i).add().vload().set(xk);
        f.get(accA[q]).get(xk).get(xa).vmul().vadd().set(accA[q]);
        f.get(accB[q]).get(xk).get(xb).vmul().vadd().set(accB[q]);
      }
    });
    // i = evenEnd: below mBytes exactly when m is odd.
    for (const [acc, u, out] of [
      [accA, ua, outA],
      [accB, ub, outB],
    ] as const) {
      for (let q = 0; q < 4; q++) {
        f.get(acc[q]).lane(0).set(even);
        f.get(i).get(mBytes).ltU().when(() => {
          f.get(even).get(kCol[q]).get(i).add().fload().get(u).get(i).add().fload().fmul().fadd().set(even);
        });
        f.get(out).get(kIndex[q]).i32(3).shl().add();
        f.get(even).get(acc[q]).lane(1).fadd().get(count).fdiv().fstore();
      }
    }
  });
  return f;
}

/** Locals that emitDot and emitSubtractScaled use (allocate once per kernel). */
interface DotLocals {
  ap: number;
  bp: number;
  A: number;
  B: number;
  s0: number;
}

function dotLocals(f: FunctionBuilder): DotLocals {
  return { ap: f.local(I32), bp: f.local(I32), A: f.local(V128), B: f.local(V128), s0: f.local(F64) };
}

/**
 * Leaves on the stack Σ a_i·b_i over the f64 at `a` (up to the byte address in local `end`) and at `b`:
 * linalg/gram.ts's dot (four partial sums by i mod 4 in two vector accumulators, the tail of m mod 4 in
 * s0, then (s0 + s1) + (s2 + s3)). `a` and `b` are locals holding byte addresses. One emitter for every
 * kernel that needs this dot, so they all give its bits.
 */
function emitDot(f: FunctionBuilder, a: number, b: number, end: number, l: DotLocals): void {
  const { ap, bp, A, B, s0 } = l;
  f.f64x2(0).set(A).f64x2(0).set(B);
  f.get(a).set(ap).get(b).set(bp);
  f.forEach(ap, 32, end, () => {
    f.get(A).get(ap).vload(0).get(bp).vload(0).vmul().vadd().set(A);
    f.get(B).get(ap).vload(16).get(bp).vload(16).vmul().vadd().set(B);
    f.inc(bp, 32);
  });
  f.get(A).lane(0).set(s0);
  f.forEach(ap, 8, end, () => {
    f.get(s0).get(ap).fload().get(bp).fload().fmul().fadd().set(s0);
    f.inc(bp, 8);
  });
  f.get(s0).get(A).lane(1).fadd().get(B).lane(0).get(B).lane(1).fadd().fadd();
}

/**
 * r_i ← r_i − x_i·δ for the f64 at `r` (up to the byte address in local `end`) and at `x`, δ in the f64
 * local `delta` (and splatted in the v128 local `D`): coordinate descent's residual update, two lanes at
 * a time, the tail one by one, each entry the same operations.
 */
function emitSubtractScaled(f: FunctionBuilder, r: number, x: number, end: number, delta: number, D: number, l: DotLocals): void {
  const { ap: rp, bp: xp } = l;
  f.get(delta).vsplat().set(D);
  f.get(r).set(rp).get(x).set(xp);
  f.forEach(rp, 32, end, () => {
    for (const o of [0, 16]) f.get(rp).get(rp).vload(o).get(xp).vload(o).get(D).vmul().vsub().vstore(o);
    f.inc(xp, 32);
  });
  f.forEach(rp, 8, end, () => {
    f.get(rp).get(rp).fload().get(xp).fload().get(delta).fmul().fsub().fstore();
    f.inc(xp, 8);
  });
}

/**
 * columnDot(a, b, m, out): out[0] = Σ a_i·b_i as four partial sums s0…s3 (i mod 4, the lanes of two
 * vector accumulators; a tail of m mod 4 joins s0), combined as (s0 + s1) + (s2 + s3): linalg/gram.ts's
 * dot, operation for operation. The logistic module (cd/logisticWasm.ts) has it too, as `dot`.
 */
export function columnDot(name = 'columnDot'): FunctionBuilder {
  const f = new FunctionBuilder(name, [I32, I32, I32, I32]);
  const [a, b, m, out] = [0, 1, 2, 3];
  const end = f.local(I32);
  const l = dotLocals(f);
  f.get(m).i32(3).shl().get(a).add().set(end);
  f.get(out);
  emitDot(f, a, b, end, l);
  f.fstore();
  return f;
}

/**
 * cdPass(cols, m, ks, n, w, v, r, l1, l2, invM, g, dw): one pass of naive-mode coordinate descent
 * (cd/linearCd.ts) over the n columns listed at ks (u32), column j being the m f64 at cols + j·m·8, with
 * the residual r, the coefficients w and (1/m)‖x̃_j‖² v kept in memory: for each listed j in turn,
 *   g = (x̃_jᵀr)·invM (columnDot's order), next = S(g + v_j·w_j, l1)/(v_j + l2) (S the soft threshold),
 * and where next ≠ w_j: w_j ← next, r ← r − x̃_j·(next − w_j) (subtractScaled's operations). Writes g to
 * g[t] and the change (0 where none) to dw[t], for the caller's bookkeeping. Why one kernel: a pass made
 * two calls into WebAssembly per column (the dot, the update) and did its arithmetic in JavaScript between
 * them, ~30 % of a wide CV's pass time on 400-row columns. reference.cdPass, operation for operation.
 */
function cdPass(): FunctionBuilder {
  const f = new FunctionBuilder('cdPass', [I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, I32, I32]);
  const [cols, m, ks, n, w, v, r, l1, l2, invM, g, dw] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const kp = f.local(I32);
  const ksEnd = f.local(I32);
  const gp = f.local(I32);
  const dp = f.local(I32);
  const col = f.local(I32);
  const end = f.local(I32);
  const rEnd = f.local(I32);
  const wAt = f.local(I32);
  const l = dotLocals(f);
  const D = f.local(V128);
  const gj = f.local(F64);
  const wj = f.local(F64);
  const vj = f.local(F64);
  const u = f.local(F64);
  const next = f.local(F64);
  const delta = f.local(F64);
  f.get(ks).get(n).i32(2).shl().add().set(ksEnd);
  f.get(ks).set(kp).get(g).set(gp).get(dw).set(dp);
  f.get(m).i32(3).shl().get(r).add().set(rEnd);
  f.forEach(kp, 4, ksEnd, () => {
    // col = cols + j·m·8; end = col + m·8.
    f.get(kp).iload().get(m).mul().i32(3).shl().get(cols).add().set(col);
    f.get(m).i32(3).shl().get(col).add().set(end);
    emitDot(f, col, r, end, l);
    f.get(invM).fmul().set(gj);
    f.get(gp).get(gj).fstore();
    // next = S(g + v·w, l1)/(v + l2), S as kkt.ts softThreshold: u − l1 above l1, u + l1 below −l1, else 0.
    f.get(kp).iload().i32(3).shl().set(wAt);
    f.get(wAt).get(w).add().fload().set(wj);
    f.get(wAt).get(v).add().fload().set(vj);
    f.get(gj).get(vj).get(wj).fmul().fadd().set(u);
    f.get(u).get(l1).fsub();
    f.get(u).get(l1).fadd().f64(0).get(u).get(l1).fneg().flt().select();
    f.get(u).get(l1).fgt().select();
    f.get(vj).get(l2).fadd().fdiv().set(next);
    f.get(dp).f64(0).fstore();
    f.get(next).get(wj).fne().when(() => {
      f.get(next).get(wj).fsub().set(delta);
      f.get(wAt).get(w).add().get(next).fstore();
      f.get(dp).get(delta).fstore();
      emitSubtractScaled(f, r, col, rEnd, delta, D, l);
    });
    f.inc(gp, 8).inc(dp, 8);
  });
  return f;
}

/**
 * screenDots(cols, stride, ks, n, r, m, out): out[t] = Σ_i c_i·r_i for the n columns listed at ks (u32),
 * column k being the m bf16 values at cols + k·stride bytes (the high 16 bits of an f32) and r the m f32 at
 * r. The screening dots of coordinate descent's KKT check (cd/columns.ts), which only has to clear the
 * columns far from violating it. Why bf16 and f32x4:
 * - the check reads every screened column at every λ, ~3.4 MB per check on 500 × 5,000 folds, more than
 *   the caches keep across a fit's passes: with f32 columns it ran at ~3.2 G multiply-adds/s, the rate
 *   at which they came from memory; bf16 columns are half those bytes, a quarter of the f64 ones;
 * - f32x4 arithmetic does four products and sums per instruction where widening to f64 did two (an
 *   f64-accumulating kernel ran at ~4.1 G multiply-adds/s even on columns in L2);
 * - bf16's 8-bit significand (error ≤ 2⁻⁸ relative) still clears ~99 % of the screened columns there
 *   (cd/linearCd.ts screenError); the rest are computed in f64.
 * A bf16 becomes an f32 by placing it in the high half of a 32-bit lane. A vector of eight bf16 holds two
 * per 32-bit lane: shifted left by 16 it is the f32 of the even ones, masked to its high halves that of
 * the odd ones, one instruction each (a shuffle with zeros, which V8 compiles to several, ran the kernel
 * at ~3 G multiply-adds/s). So within each block of 16 entries r is given in the order of those vectors
 * (SCREEN_ORDER: 0, 2, 4, 6, 1, 3, 5, 7, then the same for 8…15); the tail of m mod 16 in natural order.
 * Sixteen f32 partial sums (the lanes of four vector accumulators, enough independent adds to hide the
 * add latency; accumulator q, lane L sums entries 16k + SCREEN_ORDER[4q + L]) over the first m − m mod 16
 * entries, combined lane-wise in f32 as (a + b) + (c + d), the four lanes then widened and added in f64
 * as (l0 + l2) + (l1 + l3), and the tail added in f64 in order (bf16 × f32 is exact in f64):
 * reference.screenDots, operation for operation.
 */
function screenDots(): FunctionBuilder {
  const f = new FunctionBuilder('screenDots', [I32, I32, I32, I32, I32, I32, I32]);
  const [cols, stride, ks, n, r, m, out] = [0, 1, 2, 3, 4, 5, 6];
  const kp = f.local(I32);
  const ksEnd = f.local(I32);
  const op = f.local(I32);
  const cp = f.local(I32);
  const rp = f.local(I32);
  const end16 = f.local(I32);
  const end = f.local(I32);
  const acc = locals(f, 4, V128);
  const highHalves = f.local(V128);
  const half = locals(f, 2, V128);
  const comb = f.local(V128);
  const wide = f.local(V128);
  const s = f.local(F64);
  f.i32(-65536).v32splatInt().set(highHalves);
  f.get(ks).get(n).i32(2).shl().add().set(ksEnd);
  f.get(ks).set(kp);
  f.get(out).set(op);
  f.forEach(kp, 4, ksEnd, () => {
    f.get(cols).get(kp).iload().get(stride).mul().add().set(cp);
    f.get(cp).get(m).i32(-16).and().i32(1).shl().add().set(end16);
    f.get(cp).get(m).i32(1).shl().add().set(end);
    f.get(r).set(rp);
    for (const v of acc) f.f64x2(0).set(v);
    f.forEach(cp, 32, end16, () => {
      f.get(cp).vload().set(half[0]);
      f.get(cp).vload(16).set(half[1]);
      for (let q = 0; q < 4; q++) {
        f.get(acc[q]).get(half[q >> 1]);
        if (q & 1) f.get(highHalves).vand();
        else f.i32(16).vi32shl();
        f.get(rp).vload(16 * q).v32mul().v32add().set(acc[q]);
      }
      f.inc(rp, 64);
    });
    f.get(acc[0]).get(acc[1]).v32add().get(acc[2]).get(acc[3]).v32add().v32add().set(comb);
    f.get(comb).vpromoteLow().get(comb).get(comb).vhighToLow().vpromoteLow().vadd().set(wide);
    f.get(wide).lane(0).get(wide).lane(1).fadd().set(s);
    f.forEach(cp, 2, end, () => {
      f.get(s).get(cp).bf16loadAsF64().get(rp).f32loadAsF64().fmul().fadd().set(s);
      f.inc(rp, 4);
    });
    f.get(op).get(s).fstore();
    f.inc(op, 8);
  });
  return f;
}

/**
 * toBf16(src, n, dst): the n f64 at src (n a multiple of 8) rounded to f32 and then to bf16 (nearest, ties
 * to even, on the f32's bits: (b + 0x7fff + ((b >> 16) & 1)) >> 16) at dst, eight at a time (the columns'
 * copy for screenDots): reference.toBf16, which also takes the tail.
 */
function toBf16(): FunctionBuilder {
  const f = new FunctionBuilder('toBf16', [I32, I32, I32]);
  const [src, n, dst] = [0, 1, 2];
  const sp = f.local(I32);
  const dp = f.local(I32);
  const end = f.local(I32);
  const one = f.local(V128);
  const bias = f.local(V128);
  const quad = locals(f, 2, V128);
  const t = f.local(V128);
  f.i32(1).v32splatInt().set(one);
  f.i32(0x7fff).v32splatInt().set(bias);
  f.get(src).set(sp).get(dst).set(dp);
  f.get(src).get(n).i32(3).shl().add().set(end);
  f.forEach(sp, 64, end, () => {
    for (let q = 0; q < 2; q++) {
      // Two pairs of f64 demoted to f32 (lanes 0, 1 of each), joined into four f32 bit patterns.
      f.get(sp).vload(32 * q).vdemote().get(sp).vload(32 * q + 16).vdemote();
      f.vshuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]).set(t);
      f.get(t).get(t).i32(16).vi32shrU().get(one).vand().vi32add().get(bias).vi32add().i32(16).vi32shrU().set(quad[q]);
    }
    f.get(dp).get(quad[0]).get(quad[1]).vnarrowU16().vstore();
    f.inc(dp, 16);
  });
  return f;
}

/** subtractScaled(r, x, m, delta): r_i ← r_i − x_i·δ (coordinate descent's residual update). */
function subtractScaled(): FunctionBuilder {
  const f = new FunctionBuilder('subtractScaled', [I32, I32, I32, F64]);
  const [r, x, m, delta] = [0, 1, 2, 3];
  const end = f.local(I32);
  const D = f.local(V128);
  const l = dotLocals(f);
  f.get(m).i32(3).shl().get(r).add().set(end);
  emitSubtractScaled(f, r, x, end, delta, D, l);
  return f;
}

/** transpose(src, rows, cols, dst): dst (cols × rows) = srcᵀ (src rows × cols, row-major). Copies only. */
function transpose(): FunctionBuilder {
  const f = new FunctionBuilder('transpose', [I32, I32, I32, I32]);
  const [src, rows, cols, dst] = [0, 1, 2, 3];
  const r = f.local(I32);
  const c = f.local(I32);
  const sp = f.local(I32);
  const dp = f.local(I32);
  const rowBytes = f.local(I32);
  f.get(rows).i32(3).shl().set(rowBytes);
  f.get(src).set(sp);
  f.i32(0).set(r);
  f.forEach(r, 1, rows, () => {
    f.get(dst).get(r).i32(3).shl().add().set(dp);
    f.i32(0).set(c);
    f.forEach(c, 1, cols, () => {
      f.get(dp).get(sp).fload().fstore();
      f.inc(sp, 8);
      f.incBy(dp, rowBytes);
    });
  });
  return f;
}

/**
 * The column statistics of cd/columns.ts on a tile of n row-major rows (reference.tileStats,
 * tileSquaredDeviations, tileCenter): two columns per vector (lanes j, j+1), each lane running down its
 * column in row order, so every lane does exactly its column's scalar operations; an odd p's last column
 * is done alone. `kind` picks the kernel.
 */
function tileColumns(kind: 'stats' | 'sqdev' | 'center'): FunctionBuilder {
  const names = { stats: 'tileStats', sqdev: 'tileSqDev', center: 'tileCenter' } as const;
  // stats: (tile, n, p, shift, inv, sums, maxAbs); sqdev: (tile, n, p, mean, ss);
  // center: (tile, n, p, shift, inv, mu, dst, colBytes, ss).
  const arity = { stats: 7, sqdev: 5, center: 9 }[kind];
  const f = new FunctionBuilder(names[kind], Array(arity).fill(I32));
  const [tile, n, p] = [0, 1, 2];
  const rowBytes = f.local(I32);
  const jb = f.local(I32);
  const pairEnd = f.local(I32);
  const rp = f.local(I32);
  const rend = f.local(I32);
  const d0 = f.local(I32);
  const colPtr = f.local(I32);
  const [V, S, A, H, F, U] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const [v, s, a, h, fs, u] = [f.local(F64), f.local(F64), f.local(F64), f.local(F64), f.local(F64), f.local(F64)];
  f.get(p).i32(3).shl().set(rowBytes);
  f.get(p).i32(-2).and().i32(3).shl().set(pairEnd);
  f.get(n).get(rowBytes).mul().get(tile).add().set(rend);
  // Per-column arrays: the parameter after the fixed ones (stats: shift 3, inv 4, sums 5, maxAbs 6;
  // sqdev: mean 3, ss 4; center: shift 3, inv 4, mu 5, dst 6, colBytes 7, ss 8).
  const col = (param: number): void => {
    f.get(param).get(jb).add();
  };
  /** Rows of the tile from rp (at column offset jb) to the end: body runs per row, rp advancing. */
  const rows = (body: () => void): void => {
    f.get(tile).get(jb).add().set(rp);
    f.get(rend).get(jb).add().set(rend);
    f.block(() =>
      f.loop(() => {
        f.get(rp).get(rend).ltU().i32(0).eq().brIf(1);
        body();
        f.incBy(rp, rowBytes).br(0);
      }),
    );
    f.get(rend).get(jb).sub().set(rend);
  };
  const pair = (): void => {
    if (kind === 'stats') {
      col(3), f.vload().set(H), col(4), f.vload().set(F), col(5), f.vload().set(S), col(6), f.vload().set(A);
      rows(() => {
        f.get(rp).vload().get(H).vsub().get(F).vmul().set(V);
        f.get(S).get(V).vadd().set(S);
        f.get(A).get(V).simd(0xec).vpmax().set(A);
      });
      col(5), f.get(S).vstore(), col(6), f.get(A).vstore();
    } else if (kind === 'sqdev') {
      col(3), f.vload().set(H), col(4), f.vload().set(S);
      rows(() => {
        f.get(rp).vload().get(H).vsub().tee(V).get(V).vmul().get(S).vadd().set(S);
      });
      col(4), f.get(S).vstore();
    } else {
      col(3), f.vload().set(H), col(4), f.vload().set(F), col(5), f.vload().set(U), col(8), f.vload().set(S);
      f.get(colPtr).set(d0);
      rows(() => {
        f.get(rp).vload().get(H).vsub().get(F).vmul().get(U).vsub().set(V);
        f.get(d0).get(V).lane(0).fstore();
        f.get(d0).get(7).add().get(V).lane(1).fstore();
        f.get(V).get(V).vmul().get(S).vadd().set(S);
        f.inc(d0, 8);
      });
      col(8), f.get(S).vstore();
      f.get(colPtr).get(7).add().get(7).add().set(colPtr);
    }
  };
  const single = (): void => {
    const load = (param: number, local: number): void => {
      col(param), f.fload().set(local);
    };
    if (kind === 'stats') {
      load(3, h), load(4, fs), load(5, s), load(6, a);
      rows(() => {
        f.get(rp).fload().get(h).fsub().get(fs).fmul().tee(v).get(s).fadd().set(s);
        // f64.abs (0x99), f64.max (0xa5): |v| ≥ +0 and a ≥ +0, where max is JavaScript's `u > a ? u : a`.
        f.get(a).get(v);
        f.code.push(0x99, 0xa5);
        f.set(a);
      });
      col(5), f.get(s).fstore(), col(6), f.get(a).fstore();
    } else if (kind === 'sqdev') {
      load(3, h), load(4, s);
      rows(() => {
        f.get(rp).fload().get(h).fsub().tee(v).get(v).fmul().get(s).fadd().set(s);
      });
      col(4), f.get(s).fstore();
    } else {
      load(3, h), load(4, fs), load(5, u), load(8, s);
      f.get(colPtr).set(d0);
      rows(() => {
        f.get(rp).fload().get(h).fsub().get(fs).fmul().get(u).fsub().set(v);
        f.get(d0).get(v).fstore();
        f.get(v).get(v).fmul().get(s).fadd().set(s);
        f.inc(d0, 8);
      });
      col(8), f.get(s).fstore();
    }
  };
  if (kind === 'center') f.get(6).set(colPtr);
  f.i32(0).set(jb);
  f.forEach(jb, 16, pairEnd, pair);
  // jb is now the offset of the last column when p is odd.
  f.get(jb).get(rowBytes).ltU().when(single);
  return f;
}

/** The kernels' module, assembled once per process (a few KB). */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule([rowDots(), gradRows(), affineRows(), weightGrad(), linearPass(), activations(), adam(), transpose(), gramPair(), columnDot(), subtractScaled(), tileColumns('stats'), tileColumns('sqdev'), tileColumns('center'), screenDots(), toBf16(), cdPass()]);
}
