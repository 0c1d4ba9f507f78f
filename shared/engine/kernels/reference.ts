/**
 * The TypeScript twins of the WebAssembly kernels (./wasm/kernels.ts): the same operations in the same
 * order, so either gives bit-identical results; these define each kernel's summation order, and they
 * are the fallback wherever WebAssembly is unavailable or the data exceed its memory. Offsets are f64
 * element indices into `h` (or u32 indices into `rowTable`, whose entries are f64 element offsets of
 * rows); the rows of the data matrix are read from `a`, which is `h` itself or the data in place.
 */

/** out[r] = x_r·w over n contiguous rows of length p: even-j and odd-j lanes in order of j, then even + odd. */
export function rowDots(h: Float64Array, a: Float64Array, x: number, n: number, p: number, w: number, out: number): void {
  let r = 0;
  // Four rows at a time only for speed (eight independent sums); each row's order is that of dot4's lanes.
  for (; r + 4 <= n; r += 4) {
    dot4(a, x + r * p, p, h, w, h, out + r);
  }
  for (; r < n; r++) h[out + r] = dot(a, x + r * p, p, h, w);
}

/** x_row·w as two lanes (even j, odd j) in order of j, an odd p's last product in the even lane; even + odd. */
export function dot(a: Float64Array, row: number, p: number, wa: Float64Array, w: number): number {
  let even = 0;
  let odd = 0;
  let j = 0;
  for (; j + 2 <= p; j += 2) {
    even += a[row + j] * wa[w + j];
    odd += a[row + j + 1] * wa[w + j + 1];
  }
  if (j < p) even += a[row + j] * wa[w + j];
  return even + odd;
}

/** `dot` of the 4 consecutive rows starting at `row` into out[at .. at+4). */
function dot4(a: Float64Array, row: number, p: number, wa: Float64Array, w: number, out: Float64Array, at: number): void {
  const r1 = row + p;
  const r2 = r1 + p;
  const r3 = r2 + p;
  let e0 = 0;
  let o0 = 0;
  let e1 = 0;
  let o1 = 0;
  let e2 = 0;
  let o2 = 0;
  let e3 = 0;
  let o3 = 0;
  let j = 0;
  for (; j + 2 <= p; j += 2) {
    const we = wa[w + j];
    const wo = wa[w + j + 1];
    e0 += a[row + j] * we;
    o0 += a[row + j + 1] * wo;
    e1 += a[r1 + j] * we;
    o1 += a[r1 + j + 1] * wo;
    e2 += a[r2 + j] * we;
    o2 += a[r2 + j + 1] * wo;
    e3 += a[r3 + j] * we;
    o3 += a[r3 + j + 1] * wo;
  }
  if (j < p) {
    const we = wa[w + j];
    e0 += a[row + j] * we;
    e1 += a[r1 + j] * we;
    e2 += a[r2 + j] * we;
    e3 += a[r3 + j] * we;
  }
  out[at] = e0 + o0;
  out[at + 1] = e1 + o1;
  out[at + 2] = e2 + o2;
  out[at + 3] = e3 + o3;
}

/**
 * g[j] += Σ_r q_r·x_rj: groups of 4 rows, each group's products summed (q0·x0 + q1·x1) + (q2·x2 + q3·x3)
 * and then added to g[j]; rows after the last full group one at a time.
 */
export function gradRows(h: Float64Array, a: Float64Array, x: number, n: number, p: number, q: number, g: number): void {
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const o0 = x + r * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    const q0 = h[q + r];
    const q1 = h[q + r + 1];
    const q2 = h[q + r + 2];
    const q3 = h[q + r + 3];
    for (let j = 0; j < p; j++) h[g + j] += q0 * a[o0 + j] + q1 * a[o1 + j] + (q2 * a[o2 + j] + q3 * a[o3 + j]);
  }
  for (; r < n; r++) {
    const row = x + r * p;
    const qr = h[q + r];
    for (let j = 0; j < p; j++) h[g + j] += qr * a[row + j];
  }
}

/**
 * out[r, c] = bias[c] + Σ_t A[t_r + t]·B[t, c] (B k×nb row-major, t_r = rowTable[rows + r]), each sum in
 * order of t from 0. A's rows are read from `a` (the data or `h` itself; the WebAssembly kernel reads
 * them from its one memory). Four columns at a time only for speed (independent sums, same order).
 */
export function affineRows(
  h: Float64Array,
  a: Float64Array,
  rowTable: Uint32Array,
  rows: number,
  n: number,
  k: number,
  b: number,
  nb: number,
  bias: number,
  out: number,
): void {
  for (let r = 0; r < n; r++) {
    const row = rowTable[rows + r];
    const o = out + r * nb;
    let c = 0;
    for (; c + 4 <= nb; c += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0, bp = b + c; t < k; t++, bp += nb) {
        const v = a[row + t];
        s0 += v * h[bp];
        s1 += v * h[bp + 1];
        s2 += v * h[bp + 2];
        s3 += v * h[bp + 3];
      }
      h[o + c] = h[bias + c] + s0;
      h[o + c + 1] = h[bias + c + 1] + s1;
      h[o + c + 2] = h[bias + c + 2] + s2;
      h[o + c + 3] = h[bias + c + 3] + s3;
    }
    for (; c < nb; c++) {
      let s0 = 0;
      for (let t = 0, bp = b + c; t < k; t++, bp += nb) s0 += a[row + t] * h[bp];
      h[o + c] = h[bias + c] + s0;
    }
  }
}

/**
 * g[o, i] += Σ_r d[r, o]·A[t_r + i] (g nout×nin row-major), in order of r, starting from g. Blocks of 2
 * outputs × 4 inputs are summed in registers over the rows (only for speed: each entry's order is the same).
 */
export function weightGrad(
  h: Float64Array,
  a: Float64Array,
  rowTable: Uint32Array,
  rows: number,
  n: number,
  nin: number,
  d: number,
  nout: number,
  g: number,
): void {
  let o = 0;
  for (; o + 2 <= nout; o += 2) {
    const g0 = g + o * nin;
    const g1 = g0 + nin;
    let i = 0;
    for (; i + 4 <= nin; i += 4) {
      let s00 = h[g0 + i];
      let s01 = h[g0 + i + 1];
      let s02 = h[g0 + i + 2];
      let s03 = h[g0 + i + 3];
      let s10 = h[g1 + i];
      let s11 = h[g1 + i + 1];
      let s12 = h[g1 + i + 2];
      let s13 = h[g1 + i + 3];
      for (let r = 0, dp = d + o; r < n; r++, dp += nout) {
        const at = rowTable[rows + r] + i;
        const d0 = h[dp];
        const d1 = h[dp + 1];
        const a0 = a[at];
        const a1 = a[at + 1];
        const a2 = a[at + 2];
        const a3 = a[at + 3];
        s00 += d0 * a0;
        s01 += d0 * a1;
        s02 += d0 * a2;
        s03 += d0 * a3;
        s10 += d1 * a0;
        s11 += d1 * a1;
        s12 += d1 * a2;
        s13 += d1 * a3;
      }
      h[g0 + i] = s00;
      h[g0 + i + 1] = s01;
      h[g0 + i + 2] = s02;
      h[g0 + i + 3] = s03;
      h[g1 + i] = s10;
      h[g1 + i + 1] = s11;
      h[g1 + i + 2] = s12;
      h[g1 + i + 3] = s13;
    }
    for (; i < nin; i++) {
      let s0 = h[g0 + i];
      let s1 = h[g1 + i];
      for (let r = 0, dp = d + o; r < n; r++, dp += nout) {
        const v = a[rowTable[rows + r] + i];
        s0 += h[dp] * v;
        s1 += h[dp + 1] * v;
      }
      h[g0 + i] = s0;
      h[g1 + i] = s1;
    }
  }
  for (; o < nout; o++) {
    const g0 = g + o * nin;
    for (let i = 0; i < nin; i++) {
      let s0 = h[g0 + i];
      for (let r = 0, dp = d + o; r < n; r++, dp += nout) s0 += h[dp] * a[rowTable[rows + r] + i];
      h[g0 + i] = s0;
    }
  }
}

/** An array and an element offset into it. */
export interface Slice {
  a: Float64Array;
  at: number;
}

/**
 * The squared loss's fused pass over n contiguous rows of length p (from x): in groups of 4 rows, the
 * residuals q_r = (b − y_r) + x_r·w (each dot as in rowDots), Σq² and Σq (the group's terms summed left
 * to right, then added to the running sums, which start from sums[0..2) and are written back there), and
 * g[j] += the group's products summed as in gradRows; rows after the last full group one at a time.
 */
export function linearPass(x: Slice, n: number, p: number, w: Slice, y: Slice, b: number, g: Slice, sums: Slice): void {
  const xa = x.a;
  const wa = w.a;
  const ga = g.a;
  const ya = y.a;
  const w0 = w.at;
  const g0 = g.at;
  let sumSq = sums.a[sums.at];
  let sumR = sums.a[sums.at + 1];
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const o0 = x.at + r * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    // dot4, inlined: the fallback's hot loop.
    let e0 = 0;
    let d0 = 0;
    let e1 = 0;
    let d1 = 0;
    let e2 = 0;
    let d2 = 0;
    let e3 = 0;
    let d3 = 0;
    let j = 0;
    for (; j + 2 <= p; j += 2) {
      const we = wa[w0 + j];
      const wo = wa[w0 + j + 1];
      e0 += xa[o0 + j] * we;
      d0 += xa[o0 + j + 1] * wo;
      e1 += xa[o1 + j] * we;
      d1 += xa[o1 + j + 1] * wo;
      e2 += xa[o2 + j] * we;
      d2 += xa[o2 + j + 1] * wo;
      e3 += xa[o3 + j] * we;
      d3 += xa[o3 + j + 1] * wo;
    }
    if (j < p) {
      const we = wa[w0 + j];
      e0 += xa[o0 + j] * we;
      e1 += xa[o1 + j] * we;
      e2 += xa[o2 + j] * we;
      e3 += xa[o3 + j] * we;
    }
    const yr = y.at + r;
    const q0 = b - ya[yr] + (e0 + d0);
    const q1 = b - ya[yr + 1] + (e1 + d1);
    const q2 = b - ya[yr + 2] + (e2 + d2);
    const q3 = b - ya[yr + 3] + (e3 + d3);
    sumSq += q0 * q0 + q1 * q1 + q2 * q2 + q3 * q3;
    sumR += q0 + q1 + q2 + q3;
    for (let k = 0; k < p; k++) ga[g0 + k] += q0 * xa[o0 + k] + q1 * xa[o1 + k] + (q2 * xa[o2 + k] + q3 * xa[o3 + k]);
  }
  for (; r < n; r++) {
    const row = x.at + r * p;
    const q = b - ya[y.at + r] + dot(xa, row, p, wa, w0);
    sumSq += q * q;
    sumR += q;
    for (let j = 0; j < p; j++) ga[g0 + j] += q * xa[row + j];
  }
  sums.a[sums.at] = sumSq;
  sums.a[sums.at + 1] = sumR;
}

/** Adam's constants for one update (see stochastic/optimizers.ts). */
export interface AdamStep {
  l2: number;
  l1: number;
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** Bias corrections 1/(1 − β₁ᵏ), 1/(1 − β₂ᵏ). */
  c1: number;
  c2: number;
  learningRate: number;
  epsilon: number;
}

/**
 * One entry of Adam's update (stochastic/optimizers.ts): mode 0 unpenalized, 1 with the ridge gradient
 * l2·θ, 2 also soft-thresholded at step·l1; θ, the gradient and the moments at offsets of h.
 */
export function adamEntry(h: Float64Array, theta: number, grad: number, m1: number, m2: number, mode: number, c: AdamStep): void {
  let g = h[grad];
  if (mode > 0) g += c.l2 * h[theta];
  const m = c.beta1 * h[m1] + c.oneMinusBeta1 * g;
  h[m1] = m;
  const v = c.beta2 * h[m2] + c.oneMinusBeta2 * g * g;
  h[m2] = v;
  const step = c.learningRate / (Math.sqrt(v * c.c2) + c.epsilon);
  let t = h[theta] - step * m * c.c1;
  if (mode === 2) {
    const tau = step * c.l1;
    t = t > tau ? t - tau : t < -tau ? t + tau : 0;
  }
  h[theta] = t;
}

/** adamEntry over `count` consecutive entries. */
export function adam(h: Float64Array, theta: number, grad: number, m1: number, m2: number, count: number, mode: number, c: AdamStep): void {
  for (let k = 0; k < count; k++) adamEntry(h, theta + k, grad + k, m1 + k, m2 + k, mode, c);
}

/** The activation kinds of `activations`. */
export const RELU_FORWARD = 0;
export const RELU_BACKWARD = 1;
export const TANH_BACKWARD = 2;

/**
 * kind 0: z ← z > 0 ? z : 0; kind 1: z ← z·(act > 0 ? 1 : 0); kind 2: z ← z·(1 − act·act), over
 * z[0 .. count) (the WebAssembly kernel also rewrites the spare entry after an odd count, which callers
 * never read; see HeapLayout's padding).
 */
export function activations(h: Float64Array, z: number, count: number, kind: number, act: number): void {
  if (kind === RELU_FORWARD) {
    for (let k = z; k < z + count; k++) h[k] = h[k] > 0 ? h[k] : 0;
  } else if (kind === RELU_BACKWARD) {
    for (let k = 0; k < count; k++) h[z + k] *= h[act + k] > 0 ? 1 : 0;
  } else {
    for (let k = 0; k < count; k++) {
      const a = h[act + k];
      h[z + k] *= 1 - a * a;
    }
  }
}

/** dst (cols × rows) = srcᵀ (src rows × cols, row-major). */
export function transpose(h: Float64Array, src: number, rows: number, cols: number, dst: number): void {
  for (let r = 0; r < rows; r++) {
    const from = src + r * cols;
    for (let c = 0; c < cols; c++) h[dst + c * rows + r] = h[from + c];
  }
}

/**
 * gramPair: h[outA + k] = x_a·x_k / m and h[outB + k] = x_b·x_k / m for the n column indices k at
 * u32[ks..), columns column-major in h from `cols` (column j at cols + j·m). Each dot as two sums, even
 * and odd rows, each in row order; an odd m's last product is added to the even sum; then even + odd,
 * then / m. Computed one row column at a time, 4 columns k per sweep (the order of each entry does not
 * depend on the tiling).
 */
export function gramPair(h: Float64Array, u32: Uint32Array, cols: number, m: number, a: number, b: number, ks: number, n: number, outA: number, outB: number): void {
  const half = m >> 1;
  for (const [row, out] of [
    [a, outA],
    [b, outB],
  ]) {
    const u = cols + row * m;
    for (let t = 0; t < n; t += 4) {
      const k0 = u32[ks + t];
      const k1 = u32[ks + t + 1];
      const k2 = u32[ks + t + 2];
      const k3 = u32[ks + t + 3];
      const v0 = cols + k0 * m;
      const v1 = cols + k1 * m;
      const v2 = cols + k2 * m;
      const v3 = cols + k3 * m;
      let e0 = 0;
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      let o0 = 0;
      let o1 = 0;
      let o2 = 0;
      let o3 = 0;
      for (let s = 0; s < half; s++) {
        const i = 2 * s;
        const ue = h[u + i];
        const uo = h[u + i + 1];
        e0 += h[v0 + i] * ue;
        o0 += h[v0 + i + 1] * uo;
        e1 += h[v1 + i] * ue;
        o1 += h[v1 + i + 1] * uo;
        e2 += h[v2 + i] * ue;
        o2 += h[v2 + i + 1] * uo;
        e3 += h[v3 + i] * ue;
        o3 += h[v3 + i + 1] * uo;
      }
      if (m & 1) {
        const last = m - 1;
        const ul = h[u + last];
        e0 += h[v0 + last] * ul;
        e1 += h[v1 + last] * ul;
        e2 += h[v2 + last] * ul;
        e3 += h[v3 + last] * ul;
      }
      h[out + k0] = (e0 + o0) / m;
      h[out + k1] = (e1 + o1) / m;
      h[out + k2] = (e2 + o2) / m;
      h[out + k3] = (e3 + o3) / m;
    }
  }
}

/** columnDot: h[out] = Σ h[a + i]·h[b + i] in linalg/gram.ts's dot order (four partial sums by i mod 4, the tail in s0, (s0 + s1) + (s2 + s3)). */
export function columnDot(h: Float64Array, a: number, b: number, m: number, out: number): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const m4 = m & ~3;
  for (; i < m4; i += 4) {
    s0 += h[a + i] * h[b + i];
    s1 += h[a + i + 1] * h[b + i + 1];
    s2 += h[a + i + 2] * h[b + i + 2];
    s3 += h[a + i + 3] * h[b + i + 3];
  }
  for (; i < m; i++) s0 += h[a + i] * h[b + i];
  h[out] = s0 + s1 + (s2 + s3);
}

/**
 * cdPass: for the n columns j = u32[ks + t] in turn (column j at cols + j·m): g = columnDot(x_j, r)·invM,
 * next = S(g + v_j·w_j, l1)/(v_j + l2) with S kkt.ts's soft threshold, and where next ≠ w_j: w_j ← next and
 * subtractScaled(r, x_j, δ = next − w_j). h[g + t] = g, h[dw + t] = δ (0 where w_j stays).
 */
export function cdPass(h: Float64Array, u32: Uint32Array, cols: number, m: number, ks: number, n: number, w: number, v: number, r: number, l1: number, l2: number, invM: number, g: number, dw: number): void {
  for (let t = 0; t < n; t++) {
    const j = u32[ks + t];
    const col = cols + j * m;
    columnDot(h, col, r, m, g + t);
    const gj = h[g + t] * invM;
    h[g + t] = gj;
    const wj = h[w + j];
    const vj = h[v + j];
    const u = gj + vj * wj;
    const next = (u > l1 ? u - l1 : u < -l1 ? u + l1 : 0) / (vj + l2);
    h[dw + t] = 0;
    if (next !== wj) {
      const delta = next - wj;
      h[w + j] = next;
      h[dw + t] = delta;
      subtractScaled(h, r, col, m, delta);
    }
  }
}

/** The f32 whose high 16 bits are the bf16 `bits` (its low 16 bits zero): exact. */
const bf16Bits = new Uint32Array(1);
const bf16Value = new Float32Array(bf16Bits.buffer);
function bf16ToNumber(bits: number): number {
  bf16Bits[0] = bits << 16;
  return bf16Value[0];
}

/**
 * Where screenDots reads r within each block of 16 entries: its vectors of bf16 hold the even entries of
 * eight, then the odd ones (see the WebAssembly kernel), so r's copy is laid out the same way.
 */
export const SCREEN_ORDER: readonly number[] = [0, 2, 4, 6, 1, 3, 5, 7, 8, 10, 12, 14, 9, 11, 13, 15];

/**
 * screenDots: h[out + t] = Σ_i bf16(u16[c + i])·f32[r + i'] for the n columns k = u32[ks + t], column k at
 * c = cols + k·stride (u16 indices), with r's copy in SCREEN_ORDER within each full block of 16 (i' = the
 * position of i there) and in order after: sixteen f32 partial sums (block position j = 4q + L holds
 * entry SCREEN_ORDER[j]) over the first m − m mod 16 entries, combined in f32 as
 * (p_L + p_{4+L}) + (p_{8+L} + p_{12+L}) for each lane L, the four lanes added in f64 as
 * (l0 + l2) + (l1 + l3), then the tail of m mod 16 in f64 in order. (Math.fround of an f64 sum or product
 * of two f32 values is the f32 operation's result: f64 holds it exactly or rounds it harmlessly, 53 ≥ 2·24 + 2.)
 */
export function screenDots(h: Float64Array, u16: Uint16Array, f32: Float32Array, u32: Uint32Array, cols: number, stride: number, ks: number, n: number, r: number, m: number, out: number): void {
  const m16 = m & ~15;
  const part = new Float64Array(16);
  for (let t = 0; t < n; t++) {
    const c = cols + u32[ks + t] * stride;
    part.fill(0);
    let i = 0;
    for (; i < m16; i += 16) {
      for (let j = 0; j < 16; j++) part[j] = Math.fround(part[j] + Math.fround(bf16ToNumber(u16[c + i + SCREEN_ORDER[j]]) * f32[r + i + j]));
    }
    const lane = [0, 1, 2, 3].map((l) => Math.fround(Math.fround(part[l] + part[4 + l]) + Math.fround(part[8 + l] + part[12 + l])));
    let s = lane[0] + lane[2] + (lane[1] + lane[3]);
    for (; i < m; i++) s += bf16ToNumber(u16[c + i]) * f32[r + i];
    h[out + t] = s;
  }
}

/**
 * toBf16: u16[dst + i] = h[src + i] rounded to f32 (nearest, ties to even, as the WebAssembly demotion),
 * then to bf16 by its bits b: (b + 0x7fff + ((b >> 16) & 1)) >> 16 (nearest, ties to even; beyond bf16's
 * largest finite value, ±∞).
 */
export function toBf16(h: Float64Array, u16: Uint16Array, src: number, n: number, dst: number): void {
  const f = new Float32Array(1);
  const b = new Uint32Array(f.buffer);
  for (let i = 0; i < n; i++) {
    f[0] = h[src + i];
    u16[dst + i] = ((b[0] + 0x7fff + ((b[0] >>> 16) & 1)) >>> 16) & 0xffff;
  }
}

/** subtractScaled: h[r + i] ← h[r + i] − h[x + i]·δ. */
export function subtractScaled(h: Float64Array, r: number, x: number, m: number, delta: number): void {
  for (let i = 0; i < m; i++) h[r + i] -= h[x + i] * delta;
}

/*
 * The column statistics of coordinate descent's setup (cd/columns.ts), on a tile of n rows of a
 * row-major matrix (p per row) at `tile`: per column j, over the tile's rows in order, continuing the
 * running values in the per-column arrays (offsets of p entries each).
 */

/** v = (x − shift_j)·inv_j; sums_j += v; maxAbs_j = max(maxAbs_j, |v|). */
export function tileStats(h: Float64Array, tile: number, n: number, p: number, shift: number, inv: number, sums: number, maxAbs: number): void {
  for (let j = 0; j < p; j++) {
    const c = h[shift + j];
    const f = h[inv + j];
    let s = h[sums + j];
    let a = h[maxAbs + j];
    for (let r = 0; r < n; r++) {
      const v = (h[tile + r * p + j] - c) * f;
      s += v;
      const u = Math.abs(v);
      if (u > a) a = u;
    }
    h[sums + j] = s;
    h[maxAbs + j] = a;
  }
}

/** ss_j += (x − mean_j)². */
export function tileSquaredDeviations(h: Float64Array, tile: number, n: number, p: number, mean: number, ss: number): void {
  for (let j = 0; j < p; j++) {
    const c = h[mean + j];
    let s = h[ss + j];
    for (let r = 0; r < n; r++) {
      const d = h[tile + r * p + j] - c;
      s += d * d;
    }
    h[ss + j] = s;
  }
}

/**
 * v = (x − shift_j)·inv_j − mu_j, written column-major: row r of column j at dst + j·m + r (dst is
 * where the tile's first row goes in column 0); ss_j += v².
 */
export function tileCenter(h: Float64Array, tile: number, n: number, p: number, shift: number, inv: number, mu: number, dst: number, m: number, ss: number): void {
  for (let j = 0; j < p; j++) {
    const c = h[shift + j];
    const f = h[inv + j];
    const u = h[mu + j];
    const out = dst + j * m;
    let s = h[ss + j];
    for (let r = 0; r < n; r++) {
      const v = (h[tile + r * p + j] - c) * f - u;
      h[out + r] = v;
      s += v * v;
    }
    h[ss + j] = s;
  }
}
