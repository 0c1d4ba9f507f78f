/**
 * Cross-product kernels on column-major data in plain TypeScript: dot products, and the whole lower
 * triangle of the Gram matrix for the closed-form ridge solve. (Coordinate descent's Gram entries are
 * computed by the SIMD kernels behind cd/columns.ts's ColumnKernels.)
 *
 * Why register tiles: V8 emits scalar code, so a dot product is bound by its loads (two per multiply-add)
 * and by the add latency of one accumulator. Taking 4 columns k at once reuses each load of x̃_a four
 * times and runs 4 independent sums; taking two columns a, b at once (a tile of 2 × 4) also reuses each
 * x̃_k load twice: 6 loads per 8 multiply-adds instead of 16, and 8 independent sums.
 */

/** x̃ᵀv for one column, 4 accumulators (independent chains), summed as (s0 + s1) + (s2 + s3). */
export function dot(u: Float64Array, v: Float64Array, m: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const m4 = m & ~3;
  for (; i < m4; i += 4) {
    s0 += u[i] * v[i];
    s1 += u[i + 1] * v[i + 1];
    s2 += u[i + 2] * v[i + 2];
    s3 += u[i + 3] * v[i + 3];
  }
  for (; i < m; i++) s0 += u[i] * v[i];
  return s0 + s1 + (s2 + s3);
}

/**
 * Adds the cross products of a block of rows to the lower triangle of a q×q accumulator:
 * acc[a*q + k] += Σ_{i<len} cols[a][i]·cols[k][i] for k ≤ a (entries above the diagonal are scratch).
 * `cols` are q column views of one row block (only the first `len` entries are read).
 *
 * Why this shape: callers feed the rows block by block (a block of every column fits in L2), so X is
 * read from memory once; within a block, 2 × 4 tiles as in gramRowPair. Each accumulator is loaded,
 * extended in row order and stored back, so across blocks every entry is the plain sequential sum over
 * all rows: the result equals a row-by-row rank-1 accumulation, bit for bit, whatever the block size.
 */
export function accumulateLowerGram(cols: Float64Array[], len: number, acc: Float64Array): void {
  const q = cols.length;
  for (let a = 0; a < q; a += 2) {
    // With q odd the last pair is (a, a): the row is computed twice, identically.
    const b = a + 1 < q ? a + 1 : a;
    const ua = cols[a];
    const ub = cols[b];
    const offA = a * q;
    const offB = b * q;
    for (let k = 0; k <= b; k += 4) {
      // Past b the tile is padded with b itself (the same entry computed twice, identically).
      const k1 = k + 1 <= b ? k + 1 : b;
      const k2 = k + 2 <= b ? k + 2 : b;
      const k3 = k + 3 <= b ? k + 3 : b;
      const v0 = cols[k];
      const v1 = cols[k1];
      const v2 = cols[k2];
      const v3 = cols[k3];
      let a0 = acc[offA + k];
      let a1 = acc[offA + k1];
      let a2 = acc[offA + k2];
      let a3 = acc[offA + k3];
      let b0 = acc[offB + k];
      let b1 = acc[offB + k1];
      let b2 = acc[offB + k2];
      let b3 = acc[offB + k3];
      for (let i = 0; i < len; i++) {
        const x0 = v0[i];
        const x1 = v1[i];
        const x2 = v2[i];
        const x3 = v3[i];
        const ui = ua[i];
        const wi = ub[i];
        a0 += x0 * ui;
        a1 += x1 * ui;
        a2 += x2 * ui;
        a3 += x3 * ui;
        b0 += x0 * wi;
        b1 += x1 * wi;
        b2 += x2 * wi;
        b3 += x3 * wi;
      }
      acc[offA + k] = a0;
      acc[offA + k1] = a1;
      acc[offA + k2] = a2;
      acc[offA + k3] = a3;
      acc[offB + k] = b0;
      acc[offB + k1] = b1;
      acc[offB + k2] = b2;
      acc[offB + k3] = b3;
    }
  }
}
