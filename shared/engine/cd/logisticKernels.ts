import { expNonPositive, LN2_HI, LN2_LO } from '../kernels/expNonPositive.ts';

/**
 * The inner loops of logistic coordinate descent (cd/logisticCd.ts) over column views of length m.
 *
 * Why these shapes: a scalar dot product is bound by the latency of its single add chain (one add every
 * ~4 cycles); four interleaved partial sums, combined as (s0 + s1) + (s2 + s3), let V8's scalar code run
 * at the adder's throughput instead. The grouping depends only on i mod 4 and m, never on timing or data,
 * so every call with the same inputs gives the same bits (the engine's determinism rule); it differs from
 * a left-to-right sum only by rounding.
 */

/** Σ a_i·b_i, four interleaved partial sums. */
export function dot(a: Float64Array, b: Float64Array, m: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < m; i++) s0 += a[i] * b[i];
  return s0 + s1 + (s2 + s3);
}

/**
 * One read of column x for two sums: returns Σ x_i·r_i and writes Σ v_i·x_i² into out[0] (the
 * column's curvature under weights v), each with dot()'s grouping.
 */
export function dotAndCurvature(x: Float64Array, r: Float64Array, v: Float64Array, m: number, out: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const x0 = x[i];
    const x1 = x[i + 1];
    const x2 = x[i + 2];
    const x3 = x[i + 3];
    s0 += x0 * r[i];
    s1 += x1 * r[i + 1];
    s2 += x2 * r[i + 2];
    s3 += x3 * r[i + 3];
    c0 += v[i] * x0 * x0;
    c1 += v[i + 1] * x1 * x1;
    c2 += v[i + 2] * x2 * x2;
    c3 += v[i + 3] * x3 * x3;
  }
  for (; i < m; i++) {
    s0 += x[i] * r[i];
    c0 += v[i] * x[i] * x[i];
  }
  out[0] = c0 + c1 + (c2 + c3);
  return s0 + s1 + (s2 + s3);
}

/** r_i −= v_i·x_i·δ (a coordinate's move seen by the weighted working residual). */
export function subtractWeighted(r: Float64Array, v: Float64Array, x: Float64Array, delta: number, m: number): void {
  for (let i = 0; i < m; i++) r[i] -= v[i] * x[i] * delta;
}

/**
 * u_i = v_i·x_i (the weighted column, for a row of the Gram matrix), and returns Σ u_i with dot()'s
 * grouping (the column's coupling to the intercept under weights v).
 */
export function weightColumn(u: Float64Array, v: Float64Array, x: Float64Array, m: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const u0 = v[i] * x[i];
    const u1 = v[i + 1] * x[i + 1];
    const u2 = v[i + 2] * x[i + 2];
    const u3 = v[i + 3] * x[i + 3];
    u[i] = u0;
    u[i + 1] = u1;
    u[i + 2] = u2;
    u[i + 3] = u3;
    s0 += u0;
    s1 += u1;
    s2 += u2;
    s3 += u3;
  }
  for (; i < m; i++) {
    u[i] = v[i] * x[i];
    s0 += u[i];
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * Two Gram entries from one read of u: out[0] = Σ u_i·a_i, out[1] = Σ u_i·b_i, each with dot()'s
 * grouping (so an entry has the same bits whether it is computed alone or in a pair).
 */
export function dot2(u: Float64Array, a: Float64Array, b: Float64Array, m: number, out: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const u0 = u[i];
    const u1 = u[i + 1];
    const u2 = u[i + 2];
    const u3 = u[i + 3];
    s0 += u0 * a[i];
    s1 += u1 * a[i + 1];
    s2 += u2 * a[i + 2];
    s3 += u3 * a[i + 3];
    t0 += u0 * b[i];
    t1 += u1 * b[i + 1];
    t2 += u2 * b[i + 2];
    t3 += u3 * b[i + 3];
  }
  for (; i < m; i++) {
    s0 += u[i] * a[i];
    t0 += u[i] * b[i];
  }
  out[0] = s0 + s1 + (s2 + s3);
  out[1] = t0 + t1 + (t2 + t3);
}

/**
 * r_i −= v_i·x_i·δ, then returns Σ next_i·r_i over the updated r with dot()'s grouping: a coordinate's
 * update and the next coordinate's dot in one sweep of r (the same bits as subtractWeighted then dot).
 */
export function subtractWeightedThenDot(r: Float64Array, v: Float64Array, x: Float64Array, delta: number, next: Float64Array, m: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = r[i] - v[i] * x[i] * delta;
    const r1 = r[i + 1] - v[i + 1] * x[i + 1] * delta;
    const r2 = r[i + 2] - v[i + 2] * x[i + 2] * delta;
    const r3 = r[i + 3] - v[i + 3] * x[i + 3] * delta;
    r[i] = r0;
    r[i + 1] = r1;
    r[i + 2] = r2;
    r[i + 3] = r3;
    s0 += next[i] * r0;
    s1 += next[i + 1] * r1;
    s2 += next[i + 2] * r2;
    s3 += next[i + 3] * r3;
  }
  for (; i < m; i++) {
    const ri = r[i] - v[i] * x[i] * delta;
    r[i] = ri;
    s0 += next[i] * ri;
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * r_i −= v_i·x_i·δ, then returns Σ next_i·r_i over the updated r and writes Σ v_i·next_i² into out[0],
 * each with dot()'s grouping: a move in an outer iteration's first pass and the next column's dot and
 * curvature in one sweep (the same bits as subtractWeighted then dotAndCurvature).
 */
export function subtractWeightedThenDotAndCurvature(r: Float64Array, v: Float64Array, x: Float64Array, delta: number, next: Float64Array, m: number, out: Float64Array): number {
  // The fallback need not fuse: the same operations in two sweeps.
  subtractWeighted(r, v, x, delta, m);
  return dotAndCurvature(next, r, v, m, out);
}

/** y_i += x_i·δ (a coordinate's move added to the direction Δη). */
export function addScaled(y: Float64Array, x: Float64Array, delta: number, m: number): void {
  for (let i = 0; i < m; i++) y[i] += x[i] * delta;
}

/**
 * The proximal-Newton model at η (e_i = e^−|η_i|, kept from the loss): p_i = σ(η_i) as sigmoid computes
 * it, weights v_i = max(p_i(1 − p_i), floor)/m and working residual r_i = (y_i − p_i)/m; returns Σ v_i
 * with dot()'s grouping.
 */
export function irlsWeights(eta: Float64Array, e: Float64Array, y: Float64Array, v: Float64Array, r: Float64Array, floor: number, m: number): number {
  const sums = [0, 0, 0, 0];
  for (let i = 0; i < m; i++) {
    const ei = e[i];
    const p = (eta[i] >= 0 ? 1 : ei) / (1 + ei);
    const vi = Math.max(p * (1 - p), floor) / m;
    v[i] = vi;
    r[i] = (y[i] - p) / m;
    // Lanes as dot()'s: i mod 4 for the groups of four, the tail into the first.
    sums[i < (m & ~3) ? i & 3 : 0] += vi;
  }
  return sums[0] + sums[1] + (sums[2] + sums[3]);
}

/** η_i = η₀_i + step·Δη_i. */
export function etaStep(eta: Float64Array, eta0: Float64Array, dEta: Float64Array, step: number, m: number): void {
  for (let i = 0; i < m; i++) eta[i] = eta0[i] + step * dEta[i];
}

/**
 * The data loss's row sums, in 12 lanes: s0…s3, the sums of max(η_i, 0) − y_i·η_i; p0…p3, the products
 * of (1 + e^−|η_i|); c0…c3, how many times each product was scaled by 2⁻⁶⁴. Row i goes to lane i mod 4.
 * Why products: Σ log1p(e_i) = log Π(1 + e_i) needs one logarithm per lane instead of one per row (the
 * product's rounding, ≤ 2m·2⁻⁵³ relative, is an absolute error of ≤ 2m·2⁻⁵³ in the sum: no more than the
 * sum's own rounding). Each product is brought back below 2⁶⁴ after every LOSS_BLOCK rows of its lane
 * (≤ 2⁶⁴ factors ≤ 2 can not overflow in between).
 */
export const LOSS_LANES = 12;
/** Groups of four rows between two rescalings of the products. */
export const LOSS_BLOCK = 64;
export const LOSS_RENORM = 2 ** 64;
export const LOSS_RENORM_INV = 2 ** -64;

/**
 * The rows 0 … m4 − 1 (m4 a multiple of 4) into `lanes` (which start at s = 0, p = 1, c = 0), writing
 * e_i = e^−|η_i| (expNonPositive) into e: what the WebAssembly loss kernel computes, in its order.
 */
export function lossLanes(eta: Float64Array, y: Float64Array, e: Float64Array, m4: number, lanes: Float64Array): void {
  let i = 0;
  while (i < m4) {
    const blockEnd = Math.min(i + 4 * LOSS_BLOCK, m4);
    for (; i < blockEnd; i++) {
      const lane = i & 3;
      const z = eta[i];
      const ei = expNonPositive(-Math.abs(z));
      e[i] = ei;
      lanes[lane] += (z > 0 ? z : 0) - y[i] * z;
      lanes[4 + lane] *= 1 + ei;
    }
    renormalize(lanes);
  }
}

function renormalize(lanes: Float64Array): void {
  for (let lane = 0; lane < 4; lane++) {
    if (lanes[4 + lane] >= LOSS_RENORM) {
      lanes[4 + lane] *= LOSS_RENORM_INV;
      lanes[8 + lane] += 1;
    }
  }
}

export function initialLossLanes(lanes: Float64Array): void {
  lanes.fill(0, 0, 4);
  lanes.fill(1, 4, 8);
  lanes.fill(0, 8, 12);
}

/**
 * The rows from m & ~3 on into lane 0 (writing their e_i), then Σ_i [softplus(η_i) − y_i·η_i] from the
 * lanes: (s0 + s1) + (s2 + s3) plus the logarithm of the products.
 */
export function lossTotal(eta: Float64Array, y: Float64Array, e: Float64Array, m: number, lanes: Float64Array): number {
  for (let i = m & ~3; i < m; i++) {
    const z = eta[i];
    const ei = expNonPositive(-Math.abs(z));
    e[i] = ei;
    lanes[0] += (z > 0 ? z : 0) - y[i] * z;
    lanes[4] *= 1 + ei;
  }
  const linear = lanes[0] + lanes[1] + (lanes[2] + lanes[3]);
  const logs = Math.log(lanes[4]) + Math.log(lanes[5]) + (Math.log(lanes[6]) + Math.log(lanes[7]));
  // 64·Σc ln 2 in two parts: 64·Σc·LN2_HI is exact.
  const scaled = 64 * (lanes[8] + lanes[9] + (lanes[10] + lanes[11]));
  return linear + (logs + (scaled * LN2_HI + scaled * LN2_LO));
}
