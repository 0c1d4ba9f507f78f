/**
 * The Cholesky factor of G_FF + l2·I for an ordered set F of columns (a "face" of a coordinate-descent
 * iterate), grown one column at a time and cut back to a prefix.
 *
 * Why incremental: along a lasso path (and between the steps of one polish, see LinearCd.polish) the
 * face changes by a few columns at a time; a new column costs one triangular solve (|F|²/2) and a column
 * that leaves a few Givens rotations, instead of a new factorization (|F|³/6) and, in naive mode, its
 * Gram entries from the rows (m per entry). Rows are packed (row i at i(i+1)/2), so appending never
 * moves earlier rows.
 *
 * Determinism: the factor is a function of the sequence of appends and removals, which its caller
 * makes in a fixed order.
 */
export class FaceFactor {
  /** Columns in factor order; position[j] = index of column j in `cols`, −1 when not in the factor. */
  readonly cols: Int32Array;
  readonly position: Int32Array;
  /** Number of columns factored. */
  n = 0;
  /** The l2 the factor was built with (a new one invalidates it). */
  l2 = Number.NaN;
  private rows = new Float64Array(0);
  /** Scratch: the last append's triangular solve, kept when it failed (see nullDirection). */
  private readonly y: Float64Array;
  private failedCol = -1;

  constructor(p: number) {
    this.cols = new Int32Array(p);
    this.position = new Int32Array(p).fill(-1);
    this.y = new Float64Array(p);
  }

  /** Keeps the first k columns. */
  truncate(k: number): void {
    for (let t = k; t < this.n; t++) this.position[this.cols[t]] = -1;
    this.n = Math.min(this.n, k);
  }

  /**
   * Removes column j: the rows of L without j's row span the same Gram block of the other columns but
   * are one entry too wide from j's position on; Givens rotations of adjacent columns (which keep L·Lᵀ)
   * zero those entries, O((n − t)²) for position t, with no Gram entry recomputed.
   */
  remove(j: number): void {
    const t = this.position[j];
    if (t < 0) return;
    const n = this.n;
    const rows = this.rows;
    // Old row i + 1 becomes row i (i ≥ t); rotate columns (k, k + 1) to clear old row k + 1's entry k + 1.
    for (let k = t; k < n - 1; k++) {
      const bk = ((k + 1) * (k + 2)) / 2;
      const a = rows[bk + k];
      const b = rows[bk + k + 1];
      const r = Math.hypot(a, b);
      const c = a / r;
      const s = b / r;
      rows[bk + k] = r;
      rows[bk + k + 1] = 0;
      for (let i = k + 2; i < n; i++) {
        const bi = (i * (i + 1)) / 2;
        const x = rows[bi + k];
        const y = rows[bi + k + 1];
        rows[bi + k] = c * x + s * y;
        rows[bi + k + 1] = c * y - s * x;
      }
    }
    // Compact: old row i + 1's first i + 1 entries become row i (ascending, so nothing unread is overwritten).
    for (let i = t; i < n - 1; i++) {
      const from = ((i + 1) * (i + 2)) / 2;
      const to = (i * (i + 1)) / 2;
      for (let k = 0; k <= i; k++) rows[to + k] = rows[from + k];
    }
    for (let u = t; u < n - 1; u++) {
      this.cols[u] = this.cols[u + 1];
      this.position[this.cols[u]] = u;
    }
    this.position[j] = -1;
    this.n = n - 1;
  }

  /**
   * Appends column j, given b[t] = G[cols[t], j] for t < n and its diagonal entry gjj (l2 is added here).
   * Returns false, leaving the factor as it was, when the new pivot falls to `minPivot` of gjj + l2 or
   * below: j is then, to working precision, a combination of the factored columns (nullDirection).
   */
  append(j: number, b: Float64Array, gjj: number, minPivot: number): boolean {
    const n = this.n;
    const need = ((n + 1) * (n + 2)) / 2;
    if (this.rows.length < need) {
      const grown = new Float64Array(Math.max(need, 2 * this.rows.length, 64));
      grown.set(this.rows.subarray(0, (n * (n + 1)) / 2));
      this.rows = grown;
    }
    const rows = this.rows;
    const y = this.y;
    // y = L⁻¹b, row by row.
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * (i + 1)) / 2;
      let s = b[i];
      for (let k = 0; k < i; k++) s -= rows[base + k] * y[k];
      const yi = s / rows[base + i];
      y[i] = yi;
      ss += yi * yi;
    }
    const diag = gjj + this.l2;
    const d = diag - ss;
    if (!(d > minPivot * diag)) {
      this.failedCol = j;
      return false;
    }
    const base = (n * (n + 1)) / 2;
    for (let k = 0; k < n; k++) rows[base + k] = y[k];
    rows[base + n] = Math.sqrt(d);
    this.cols[n] = j;
    this.position[j] = n;
    this.n = n + 1;
    this.failedCol = -1;
    return true;
  }

  /** Solves (G_FF + l2·I)·x = rhs in place (rhs in factor order). */
  solve(x: Float64Array): void {
    const n = this.n;
    const rows = this.rows;
    for (let i = 0; i < n; i++) {
      const base = (i * (i + 1)) / 2;
      let s = x[i];
      for (let k = 0; k < i; k++) s -= rows[base + k] * x[k];
      x[i] = s / rows[base + i];
    }
    // Lᵀx = y, column by column of Lᵀ (= row by row of L), so every read is contiguous.
    for (let i = n - 1; i >= 0; i--) {
      const base = (i * (i + 1)) / 2;
      const xi = x[i] / rows[base + i];
      x[i] = xi;
      for (let k = 0; k < i; k++) x[k] -= rows[base + k] * xi;
    }
  }

  /**
   * After a failed append of column j: d with d[t] (factor order, t < n) = −u_t and d[n] = 1 for j, where
   * (G_FF + l2·I)·u = G_Fj, so (G + l2·I)·d ≈ 0 on F ∪ {j}: moving along d leaves the fit unchanged.
   * Returns j.
   */
  nullDirection(d: Float64Array): number {
    const n = this.n;
    const rows = this.rows;
    for (let t = 0; t < n; t++) d[t] = this.y[t];
    for (let i = n - 1; i >= 0; i--) {
      const base = (i * (i + 1)) / 2;
      const xi = d[i] / rows[base + i];
      d[i] = xi;
      for (let k = 0; k < i; k++) d[k] -= rows[base + k] * xi;
    }
    for (let t = 0; t < n; t++) d[t] = -d[t];
    d[n] = 1;
    return this.failedCol;
  }
}
