// Pcg64 against numpy: test/fixtures/pcg64_numpy.json was produced with numpy (the generating
// snippet and numpy version are in its "source" field); the seed example's CSV with default_rng(0).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Pcg64 } from '../../shared/engine/random/pcg64.ts';

interface Reference {
  cases: { seed: number; state: string; inc: string; raw: string[]; random: number[] }[];
  integers: { seed: number; draws: { n: number; value: number }[] };
  interleaved: { seed: number; ops: { op: 'integer' | 'random'; n?: number; value: number }[] };
  shuffles: { seed: number; n: number; permutation: number[] }[];
  legacyNormal: { seed: number; values: number[] };
}

const reference = JSON.parse(
  readFileSync(new URL('../fixtures/pcg64_numpy.json', import.meta.url), 'utf8'),
) as Reference;

/** The raw output as a decimal string (BigInt only here, in the test). */
function nextRaw(rng: Pcg64): string {
  rng.nextUint64();
  return ((BigInt(rng.hi) << 32n) | BigInt(rng.lo)).toString();
}

describe('Pcg64 matches numpy default_rng bit for bit', () => {
  for (const c of reference.cases) {
    it(`seed ${c.seed}: seeded state, random_raw(5), random(10)`, () => {
      expect(Pcg64.fromSeed(c.seed).stateHex()).toEqual({ state: c.state, inc: c.inc });

      const raw = Pcg64.fromSeed(c.seed);
      c.raw.forEach((expected, k) => expect(nextRaw(raw), `raw[${k}]`).toBe(expected));

      const rng = Pcg64.fromSeed(c.seed);
      c.random.forEach((expected, k) => expect(rng.random() === expected, `random()[${k}] = ${expected}`).toBe(true));

      const filled = new Float64Array(c.random.length);
      Pcg64.fromSeed(c.seed).fill(filled);
      filled.forEach((v, k) => expect(v === c.random[k], `fill[${k}]`).toBe(true));
    });
  }

  it('reproduces the seed example (default_rng(0): x = random(100), y = 3x + 2 + random(100))', () => {
    const [header, ...lines] = readFileSync(new URL('../fixtures/seed_linear.csv', import.meta.url), 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(header).toBe('x,y');
    expect(lines).toHaveLength(100);
    const rows = lines.map((l) => l.split(',').map(Number));
    const rng = Pcg64.fromSeed(0);
    const x = new Float64Array(100);
    const u = new Float64Array(100);
    rng.fill(x);
    rng.fill(u);
    rows.forEach(([xs, ys], i) => {
      expect(x[i] === xs, `x[${i}]`).toBe(true);
      expect(3 * x[i] + 2 + u[i] === ys, `y[${i}]`).toBe(true);
    });
  });

  it('integer(n) equals Generator.integers(n) for n from 1 to 2^53 (32-bit buffer carried across calls)', () => {
    const rng = Pcg64.fromSeed(reference.integers.seed);
    for (const { n, value } of reference.integers.draws) expect(rng.integer(n), `integers(${n})`).toBe(value);
  });

  it('random() between integer() calls leaves the 32-bit buffer alone, as numpy does', () => {
    const rng = Pcg64.fromSeed(reference.interleaved.seed);
    for (const op of reference.interleaved.ops) {
      if (op.op === 'integer') expect(rng.integer(op.n!)).toBe(op.value);
      else expect(rng.random() === op.value).toBe(true);
    }
  });

  it('shuffle equals Generator.shuffle on a 1-D array, for every typed array kind', () => {
    for (const s of reference.shuffles) {
      const u32 = Uint32Array.from({ length: s.n }, (_, i) => i);
      Pcg64.fromSeed(s.seed).shuffle(u32);
      expect(Array.from(u32)).toEqual(s.permutation);
      const i32 = Int32Array.from({ length: s.n }, (_, i) => -i);
      Pcg64.fromSeed(s.seed).shuffle(i32);
      expect(Array.from(i32, (v) => 0 - v)).toEqual(s.permutation);
      const f64 = Float64Array.from({ length: s.n }, (_, i) => i + 0.5);
      Pcg64.fromSeed(s.seed).shuffle(f64);
      expect(Array.from(f64, (v) => v - 0.5)).toEqual(s.permutation);
    }
    const empty = new Float64Array(0);
    Pcg64.fromSeed(0).shuffle(empty); // no draws, no throw
  });

  it('normal() is the polar method: equals RandomState(PCG64(0)).standard_normal() up to libm rounding', () => {
    const rng = Pcg64.fromSeed(reference.legacyNormal.seed);
    for (const expected of reference.legacyNormal.values) {
      const z = rng.normal();
      expect(Math.abs(z - expected)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected)));
    }
    const a = Pcg64.fromSeed(5);
    const b = Pcg64.fromSeed(5);
    for (let i = 0; i < 1000; i++) expect(a.normal()).toBe(b.normal());
  });

  it('normal() has mean ≈ 0 and variance ≈ 1 (5σ bounds, n = 20000)', () => {
    const rng = Pcg64.fromSeed(11);
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('integer(n) covers [0, n) uniformly', () => {
    const rng = Pcg64.fromSeed(7);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[rng.integer(5)]++;
    for (const c of counts) expect(c).toBeGreaterThan(900);
  });

  it('rejects invalid seeds and bounds', () => {
    for (const bad of [-1, 0.5, Number.NaN, 2 ** 53]) expect(() => Pcg64.fromSeed(bad)).toThrow(RangeError);
    const rng = Pcg64.fromSeed(0);
    for (const bad of [0, -3, 2.5, 2 ** 53 + 2, Number.POSITIVE_INFINITY]) expect(() => rng.integer(bad)).toThrow(RangeError);
  });
});
