/**
 * Upper bounds on |g_j| = |x̃_jᵀr|/m for naive-mode coordinate descent (linearCd.ts), which must know, at
 * every KKT check, which columns might violate |g_j| ≤ λα without computing all p dot products over the rows.
 *
 * Each column keeps the |g_j| last computed (or an upper bound on it) and where r was then. By
 * Cauchy–Schwarz, |g_j(r)| ≤ |g_j(r')| + √v_j·‖r − r'‖/√m, v_j = ‖x̃_j‖²/m. Two ways to know ‖r − r'‖:
 * - for a value computed during a pass (r' a point between two coordinate updates): the sum of the
 *   step lengths since, `moved` − at_j (LinearCd.moved), which costs nothing to keep;
 * - for a value computed at a KKT check: r' is kept (a snapshot, one per check, SNAPSHOTS at most) and
 *   the distance is measured exactly, O(m) per snapshot per check.
 * Why both: the summed step lengths are far looser than the distance. On 500 × 5,000 CV folds coordinate
 * descent moves coordinates back and forth, and by the next λ their sum exceeds the distance so much
 * that ~3,700 of ~4,800 screened-out columns had to be recomputed at every check, 58 % of them with
 * |g_j| < 0.3·λα. Measured distances let most of those wait until r has really moved.
 * A snapshot slot that is reused moves its columns' bounds onto the new snapshot first (each bound grows
 * by its distance), so the bounds stay valid with a fixed number of snapshots.
 */
export const SNAPSHOTS = 32;

export class GradientBounds {
  /** |g_j| as last computed, or an upper bound on it, at the point `epoch`/`at` names. */
  readonly value: Float64Array;
  /** |g_j| as last computed (or its f32 screening value): what the strong rule reads. */
  readonly estimate: Float64Array;
  /** `moved` when value_j was computed during a pass (epoch −1). */
  readonly at: Float64Array;
  /** The snapshot whose residual value_j refers to; −1: computed during a pass (bounded through `at`). */
  readonly epoch: Int32Array;
  /** √v_j. */
  private readonly root: Float64Array;
  private readonly snaps: Float64Array[] = [];
  /** ‖r − snapshot‖/√m, rounded up, for the r of the last measure(); NaN until a column asks (distanceTo). */
  private readonly dist = new Float64Array(SNAPSHOTS);
  private r: Float64Array = new Float64Array(0);
  private nextSlot = 0;
  private moved = 0;
  private slack = 0;

  constructor(
    private readonly m: number,
    private readonly p: number,
    sqNorm: Float64Array,
  ) {
    this.value = new Float64Array(p);
    this.estimate = new Float64Array(p);
    this.at = new Float64Array(p);
    this.epoch = new Int32Array(p).fill(-1);
    this.root = sqNorm.map(Math.sqrt);
  }

  /**
   * Takes r as the point bound() answers for, with `moved` (the caller's sum of step lengths) and `slack`
   * (the rounding allowance of a computed g_j, per unit of √v_j). Its distances to the snapshots are
   * measured when a column first needs one: most columns refer to a few recent snapshots.
   */
  measure(r: Float64Array, moved: number, slack: number): void {
    this.r = r;
    this.moved = moved;
    this.slack = slack;
    this.dist.fill(Number.NaN);
  }

  /** ‖r − snapshot s‖/√m for the measured r, rounded up. */
  private distanceTo(s: number): number {
    const { m, r } = this;
    const snap = this.snaps[s];
    let ss = 0;
    for (let i = 0; i < m; i++) {
      const d = r[i] - snap[i];
      ss += d * d;
    }
    // A computed sum of m squares is within (m + 2)·2⁻⁵³ of its exact value (relative); doubled, and the root halves it.
    const d = Math.sqrt(ss / m) * (1 + (m + 4) * 2 ** -52);
    this.dist[s] = d;
    return d;
  }

  /** An upper bound on |g_j| at the measured r. */
  bound(j: number): number {
    const e = this.epoch[j];
    let d = e < 0 ? this.moved - this.at[j] : this.dist[e];
    if (d !== d) d = this.distanceTo(e);
    return this.value[j] + this.root[j] * (d + this.slack);
  }

  /**
   * Keeps the measured r as a snapshot for the values a check is about to compute; returns its slot. A
   * reused slot's columns first take their bound as their value, which is then relative to this r.
   */
  snapshot(r: Float64Array): number {
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % SNAPSHOTS;
    if (slot < this.snaps.length) {
      const { epoch, value } = this;
      for (let j = 0; j < this.p; j++) if (epoch[j] === slot) value[j] = this.bound(j);
      this.snaps[slot].set(r.subarray(0, this.m));
    } else {
      this.snaps.push(Float64Array.from(r.subarray(0, this.m)));
    }
    this.dist[slot] = 0;
    return slot;
  }

  /**
   * The KKT check's screen at the measured r (snapshot `slot` taken of it): lists in `out` the eligible
   * columns not marked in `skip` (the strong set, or polish's face) whose bound exceeds l1, and moves the
   * others' pass values onto the snapshot as their bound: later distances to it are never more than the
   * step lengths summed since (triangle inequality), so such a bound only tightens (a value already on a
   * snapshot stays there: moving it would loosen it). Returns how many were listed. One loop over local
   * arrays: it runs over every screened-out column at every check.
   */
  collect(eligible: Uint8Array, skip: Uint8Array, l1: number, slot: number, out: Int32Array): number {
    const { value, root, at, epoch, dist, moved, slack, p } = this;
    let n = 0;
    for (let j = 0; j < p; j++) {
      if (!eligible[j] || skip[j]) continue;
      const e = epoch[j];
      let d = e < 0 ? moved - at[j] : dist[e];
      if (d !== d) d = this.distanceTo(e);
      const bound = value[j] + root[j] * (d + slack);
      if (bound > l1) out[n++] = j;
      else if (e < 0) {
        value[j] = bound;
        epoch[j] = slot;
      }
    }
    return n;
  }

  /** value_j (a bound) and estimate_j, computed at the residual of snapshot `slot`. */
  set(j: number, value: number, estimate: number, slot: number): void {
    this.value[j] = value;
    this.estimate[j] = estimate;
    this.epoch[j] = slot;
  }

}
