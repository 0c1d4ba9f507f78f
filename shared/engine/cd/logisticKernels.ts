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

/** y_i += x_i·δ (a coordinate's move added to the direction Δη). */
export function addScaled(y: Float64Array, x: Float64Array, delta: number, m: number): void {
  for (let i = 0; i < m; i++) y[i] += x[i] * delta;
}
