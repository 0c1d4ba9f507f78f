/**
 * The KKT check's bounds (shared/engine/cd/gradientBounds.ts) and the kernel heaps' pool
 * (shared/engine/kernels/heap.ts). A bound below the true |g_j| would let a violating column stay out of
 * the fit, so the bounds are checked against |x̃_jᵀr|/m computed here, along random walks of the residual
 * long enough to reuse every snapshot slot several times.
 */
import { describe, expect, it } from 'vitest';
import { glmnetDesign } from '../../../bench/data.ts';
import { GradientBounds, SNAPSHOTS } from '../../../shared/engine/cd/gradientBounds.ts';
import { cvCell, randomFolds } from '../../../shared/engine/cv.ts';
import { HeapLayout, pooledHeapCount } from '../../../shared/engine/kernels/heap.ts';
import { defaultLambdaGrid } from '../../../shared/engine/path.ts';
import { Pcg64 } from '../../../shared/engine/random/pcg64.ts';

describe('GradientBounds', () => {
  it('never bound |g_j| below its value, for values from passes and from checks, across reused snapshot slots', () => {
    const rng = Pcg64.fromSeed(12);
    const m = 37;
    const p = 60;
    const cols = Array.from({ length: p }, (_, j) => Float64Array.from({ length: m }, () => rng.normal() * (1 + (j % 4))));
    const sqNorm = Float64Array.from(cols, (c) => c.reduce((s, v) => s + v * v, 0) / m);
    const g = (j: number, r: Float64Array): number => Math.abs(cols[j].reduce((s, v, i) => s + v * r[i], 0) / m);
    const bounds = new GradientBounds(m, p, sqNorm);
    const r = Float64Array.from({ length: m }, () => rng.normal());
    let moved = 0;
    for (let j = 0; j < p; j++) {
      bounds.value[j] = g(j, r);
      bounds.at[j] = moved;
    }
    let checked = 0;
    for (let step = 0; step < 4 * SNAPSHOTS; step++) {
      // A few coordinate-descent-like moves r ← r − x_k·δ, with moved summing √v_k·|δ| (LinearCd.naivePass).
      for (let u = 0; u < 3; u++) {
        const k = rng.integer(p);
        const delta = rng.normal() * 0.1;
        for (let i = 0; i < m; i++) r[i] -= cols[k][i] * delta;
        moved += Math.sqrt(sqNorm[k]) * Math.abs(delta);
        // The pass recomputes column k's gradient where it moved it.
        bounds.value[k] = g(k, r);
        bounds.estimate[k] = bounds.value[k];
        bounds.at[k] = moved;
        bounds.epoch[k] = -1;
      }
      bounds.measure(r, moved, 0);
      for (let j = 0; j < p; j++) {
        expect(bounds.bound(j), `column ${j} at step ${step}`).toBeGreaterThanOrEqual(g(j, r));
        checked++;
      }
      // A check: some columns are computed at a new snapshot, the rest are screened (and pass values rebased).
      const slot = bounds.snapshot(r);
      const listed = new Int32Array(p);
      const over = bounds.collect(new Uint8Array(p).fill(1), new Uint8Array(p), 0.05, slot, listed);
      for (let t = 0; t < over; t += 2) bounds.set(listed[t], g(listed[t], r), g(listed[t], r), slot);
      for (let j = 0; j < p; j++) expect(bounds.bound(j), `column ${j} right after check ${step}`).toBeGreaterThanOrEqual(g(j, r) * (1 - 1e-12));
    }
    expect(checked).toBe(4 * SNAPSHOTS * p);
  });

  it('moves a pass value that clears the screen onto the snapshot, where later moves no longer count twice', () => {
    const m = 4;
    const bounds = new GradientBounds(m, 1, Float64Array.of(1));
    bounds.value[0] = 0.1;
    bounds.at[0] = 0;
    const r = Float64Array.of(1, 0, 0, 0);
    // The steps summed since the value was computed say 2 (moves that cancel: r is back where it was).
    bounds.measure(r, 2, 0);
    const slot = bounds.snapshot(r);
    const listed = new Int32Array(1);
    // Against l1 = 5 the bound 2.1 clears, so the value becomes 2.1 at this snapshot instead of being listed.
    expect(bounds.collect(Uint8Array.of(1), Uint8Array.of(0), 5, slot, listed)).toBe(0);
    expect(bounds.epoch[0]).toBe(slot);
    expect(bounds.value[0]).toBeCloseTo(2.1, 12);
    // Two more units of steps that cancel: from the pass value the bound would be 0.1 + 4; from the snapshot, 2.1 + 0.
    bounds.measure(r, 4, 0);
    expect(bounds.bound(0)).toBeCloseTo(2.1, 12);
    // Against l1 = 1 it is listed, for the caller to compute.
    expect(bounds.collect(Uint8Array.of(1), Uint8Array.of(0), 1, bounds.snapshot(r), listed)).toBe(1);
    expect(listed[0]).toBe(0);
  });

});

describe('kernel heap pool', () => {
  it('hands a released memory to the next heap of about its size, zeroed, and never one that is far too large', () => {
    const plan = (doubles: number): HeapLayout => {
      const layout = new HeapLayout();
      layout.f64(doubles);
      return layout;
    };
    const first = plan(200_000).create();
    expect(first.fast).toBe(true);
    first.f64.fill(7, 0, 200_000);
    const before = pooledHeapCount();
    first.release();
    first.release(); // twice is once
    expect(pooledHeapCount()).toBe(before + 1);
    // A much smaller heap does not take it (it would hold ~1.6 MB for a few bytes).
    const small = plan(10).create();
    expect(pooledHeapCount()).toBe(before + 1);
    small.release();
    const second = plan(190_000).create();
    expect(second.f64.buffer).toBe(first.f64.buffer);
    expect(second.f64.subarray(0, 190_000).every((v) => v === 0)).toBe(true);
    second.release();
  });

  it('gives a wide CV cell the same bits on fresh and on reused memory', () => {
    const design = glmnetDesign(60, 700, 0.5, 9);
    const options = { model: 'linear' as const, alpha: 1, standardize: true, fitIntercept: true, tol: 1e-9 };
    const grid = defaultLambdaGrid(design, options, 20);
    const folds = randomFolds(60, 3, 1);
    const a = cvCell(design, folds, 1, grid, options, 'mse');
    // Fill the pool with dirty memory of the cell's size, then run the cell again on it.
    const dirty = new HeapLayout();
    dirty.f64(60 * 700 * 2);
    const heap = dirty.create();
    heap.f64.fill(Number.NaN);
    heap.release();
    const b = cvCell(design, folds, 1, grid, options, 'mse');
    expect(Array.from(b.errors)).toEqual(Array.from(a.errors));
    expect(new Uint8Array(b.errors.buffer)).toEqual(new Uint8Array(a.errors.buffer));
    expect(b.iterations).toBe(a.iterations);
  });
});
