/**
 * Seeded PRNG, bit-for-bit compatible with numpy's `np.random.default_rng(seed)`.
 *
 * Why PCG64: it is numpy's default bit generator, so data sets drawn by the built-in presets are
 * exactly the ones people generate with numpy (e.g. the seed example: `default_rng(0)`, x = 100
 * uniforms, then 100 uniforms of noise; see test/fixtures/seed_linear.csv).
 *
 * What is reproduced exactly (checked against numpy 2.4 in test/unit/pcg64.test.ts):
 * - seeding: `SeedSequence(seed)` (entropy hashing, pool size 4), `generate_state(4, uint64)` and
 *   PCG64's `srandom(state, inc)`: inc = (initseq << 1) | 1, state = (inc + initstate)·M + inc;
 * - the raw stream: PCG64 XSL-RR 128/64 (state ← state·M + inc mod 2^128, then output
 *   rotr64(hi64 ^ lo64, state >>> 122)) = `bit_generator.random_raw()`;
 * - `random()` = `Generator.random()`: (next_uint64 >> 11)·2^-53;
 * - `integer(n)` = `Generator.integers(n)` (Lemire's method on numpy's buffered 32-bit draws for
 *   n ≤ 2^32, on 64-bit draws above), for 1 ≤ n ≤ 2^53;
 * - `shuffle(arr)` = `Generator.shuffle(arr)` on a 1-D array (Fisher–Yates from the end, j drawn by
 *   numpy's masked rejection `random_interval`).
 * `normal()` is the Marsaglia polar method with one cached spare (numpy's legacy `gauss`, i.e.
 * `RandomState(PCG64(seed)).standard_normal()`, not `Generator.standard_normal()`, which is a
 * ziggurat); it agrees with numpy to the last bits of `Math.log`, and is deterministic on a given engine.
 *
 * Implementation: the 128-bit state and increment are kept as eight 16-bit limbs each (plain
 * numbers); the multiply-add uses Math.imul on 16×16-bit partial products, so everything stays in
 * int32 arithmetic. No BigInt anywhere.
 */

const TWO_POW_M53 = 1.1102230246251565e-16; // 2^-53
const TWO_POW_32 = 4294967296;

// SeedSequence constants (numpy/random/bit_generator.pyx).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

export class Pcg64 {
  // State (s) and increment (i), 16-bit limbs, least significant first.
  // Multiplier M = 0x2360ED051FC65DA4_4385DF649FCCF645 is inlined in step().
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;
  private s5 = 0;
  private s6 = 0;
  private s7 = 0;
  private i0 = 0;
  private i1 = 0;
  private i2 = 0;
  private i3 = 0;
  private i4 = 0;
  private i5 = 0;
  private i6 = 0;
  private i7 = 0;
  // numpy's next_uint32 buffer (upper half of the last 64-bit draw), as in PCG64's has_uint32/uinteger.
  private hasU32 = false;
  private u32 = 0;
  // Spare value of the polar method.
  private hasGauss = false;
  private gauss = 0;

  /** High 32 bits (unsigned) of the output of the last nextUint64(). */
  hi = 0;
  /** Low 32 bits (unsigned) of the output of the last nextUint64(). */
  lo = 0;

  private constructor() {}

  /** Same stream as numpy's `default_rng(seed)` / `PCG64(seed)`; seed a non-negative safe integer. */
  static fromSeed(seed: number): Pcg64 {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`Pcg64 seed must be a non-negative safe integer, got ${seed}`);
    }
    const w = seedSequenceWords(seed);
    // generate_state(4, uint64) viewed little-endian: u64[k] = w[2k] | w[2k+1] << 32.
    // pcg64_set_seed: initstate = u64[0] << 64 | u64[1], initseq = u64[2] << 64 | u64[3].
    const initstate = [w[2], w[3], w[0], w[1]]; // 32-bit limbs, least significant first
    const initseq = [w[6], w[7], w[4], w[5]];
    const g = new Pcg64();
    // inc = (initseq << 1) | 1 mod 2^128
    const inc = new Array<number>(8);
    let carryBit = 1;
    for (let k = 0; k < 4; k++) {
      const v = initseq[k];
      const lo16 = v & 0xffff;
      const hi16 = v >>> 16;
      inc[2 * k] = ((lo16 << 1) | carryBit) & 0xffff;
      inc[2 * k + 1] = ((hi16 << 1) | (lo16 >>> 15)) & 0xffff;
      carryBit = hi16 >>> 15;
    }
    g.setInc(inc);
    // state = 0; step (state = inc); state += initstate; step.
    let c = 0;
    const st = new Array<number>(8);
    for (let k = 0; k < 8; k++) {
      const word = initstate[k >>> 1];
      const part = k & 1 ? word >>> 16 : word & 0xffff;
      c += inc[k] + part;
      st[k] = c & 0xffff;
      c >>>= 16;
    }
    g.setState(st);
    g.step();
    return g;
  }

  private setInc(l: number[]): void {
    this.i0 = l[0];
    this.i1 = l[1];
    this.i2 = l[2];
    this.i3 = l[3];
    this.i4 = l[4];
    this.i5 = l[5];
    this.i6 = l[6];
    this.i7 = l[7];
  }

  private setState(l: number[]): void {
    this.s0 = l[0];
    this.s1 = l[1];
    this.s2 = l[2];
    this.s3 = l[3];
    this.s4 = l[4];
    this.s5 = l[5];
    this.s6 = l[6];
    this.s7 = l[7];
  }

  /** The 128-bit state and increment as 32 hex digits each (the numbers numpy's `bit_generator.state` shows). */
  stateHex(): { state: string; inc: string } {
    const hex = (l: number[]): string =>
      l
        .reverse()
        .map((v) => v.toString(16).padStart(4, '0'))
        .join('');
    return {
      state: hex([this.s0, this.s1, this.s2, this.s3, this.s4, this.s5, this.s6, this.s7]),
      inc: hex([this.i0, this.i1, this.i2, this.i3, this.i4, this.i5, this.i6, this.i7]),
    };
  }

  /** state ← state·M + inc (mod 2^128). */
  private step(): void {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const s4 = this.s4;
    const s5 = this.s5;
    const s6 = this.s6;
    const s7 = this.s7;
    // Partial products s_i·m_j (< 2^32, read as uint32 via & / >>>), for i + j ≤ 7.
    const p00 = Math.imul(s0, 0xf645);
    const p01 = Math.imul(s0, 0x9fcc);
    const p02 = Math.imul(s0, 0xdf64);
    const p03 = Math.imul(s0, 0x4385);
    const p04 = Math.imul(s0, 0x5da4);
    const p05 = Math.imul(s0, 0x1fc6);
    const p06 = Math.imul(s0, 0xed05);
    const p07 = Math.imul(s0, 0x2360);
    const p10 = Math.imul(s1, 0xf645);
    const p11 = Math.imul(s1, 0x9fcc);
    const p12 = Math.imul(s1, 0xdf64);
    const p13 = Math.imul(s1, 0x4385);
    const p14 = Math.imul(s1, 0x5da4);
    const p15 = Math.imul(s1, 0x1fc6);
    const p16 = Math.imul(s1, 0xed05);
    const p20 = Math.imul(s2, 0xf645);
    const p21 = Math.imul(s2, 0x9fcc);
    const p22 = Math.imul(s2, 0xdf64);
    const p23 = Math.imul(s2, 0x4385);
    const p24 = Math.imul(s2, 0x5da4);
    const p25 = Math.imul(s2, 0x1fc6);
    const p30 = Math.imul(s3, 0xf645);
    const p31 = Math.imul(s3, 0x9fcc);
    const p32 = Math.imul(s3, 0xdf64);
    const p33 = Math.imul(s3, 0x4385);
    const p34 = Math.imul(s3, 0x5da4);
    const p40 = Math.imul(s4, 0xf645);
    const p41 = Math.imul(s4, 0x9fcc);
    const p42 = Math.imul(s4, 0xdf64);
    const p43 = Math.imul(s4, 0x4385);
    const p50 = Math.imul(s5, 0xf645);
    const p51 = Math.imul(s5, 0x9fcc);
    const p52 = Math.imul(s5, 0xdf64);
    const p60 = Math.imul(s6, 0xf645);
    const p61 = Math.imul(s6, 0x9fcc);
    const p70 = Math.imul(s7, 0xf645);
    // Column k collects the low halves of products at 16-bit position k, the high halves of those
    // at k − 1, the increment limb and the carry: at most 17 terms < 2^16, so it stays below 2^21.
    let c = (p00 & 0xffff) + this.i0;
    this.s0 = c & 0xffff;
    c >>>= 16;
    c += (p01 & 0xffff) + (p10 & 0xffff) + (p00 >>> 16) + this.i1;
    this.s1 = c & 0xffff;
    c >>>= 16;
    c += (p02 & 0xffff) + (p11 & 0xffff) + (p20 & 0xffff) + (p01 >>> 16) + (p10 >>> 16) + this.i2;
    this.s2 = c & 0xffff;
    c >>>= 16;
    c +=
      (p03 & 0xffff) + (p12 & 0xffff) + (p21 & 0xffff) + (p30 & 0xffff) +
      (p02 >>> 16) + (p11 >>> 16) + (p20 >>> 16) + this.i3;
    this.s3 = c & 0xffff;
    c >>>= 16;
    c +=
      (p04 & 0xffff) + (p13 & 0xffff) + (p22 & 0xffff) + (p31 & 0xffff) + (p40 & 0xffff) +
      (p03 >>> 16) + (p12 >>> 16) + (p21 >>> 16) + (p30 >>> 16) + this.i4;
    this.s4 = c & 0xffff;
    c >>>= 16;
    c +=
      (p05 & 0xffff) + (p14 & 0xffff) + (p23 & 0xffff) + (p32 & 0xffff) + (p41 & 0xffff) + (p50 & 0xffff) +
      (p04 >>> 16) + (p13 >>> 16) + (p22 >>> 16) + (p31 >>> 16) + (p40 >>> 16) + this.i5;
    this.s5 = c & 0xffff;
    c >>>= 16;
    c +=
      (p06 & 0xffff) + (p15 & 0xffff) + (p24 & 0xffff) + (p33 & 0xffff) + (p42 & 0xffff) + (p51 & 0xffff) +
      (p60 & 0xffff) + (p05 >>> 16) + (p14 >>> 16) + (p23 >>> 16) + (p32 >>> 16) + (p41 >>> 16) +
      (p50 >>> 16) + this.i6;
    this.s6 = c & 0xffff;
    c >>>= 16;
    // Top limb: only the result mod 2^16 matters, so the low halves can be summed unsplit.
    c +=
      p07 + p16 + p25 + p34 + p43 + p52 + p61 + p70 +
      (p06 >>> 16) + (p15 >>> 16) + (p24 >>> 16) + (p33 >>> 16) + (p42 >>> 16) + (p51 >>> 16) +
      (p60 >>> 16) + this.i7;
    this.s7 = c & 0xffff;
  }

  /**
   * Advances the generator and stores the next raw 64-bit output (numpy's `random_raw()`) as two
   * unsigned 32-bit halves in `hi` and `lo`.
   */
  nextUint64(): void {
    this.step();
    const s7 = this.s7;
    // XSL-RR: rotr64(hi64 ^ lo64, state >>> 122); the state's top 6 bits are s7's top 6 bits.
    let a = ((s7 << 16) | this.s6) ^ ((this.s3 << 16) | this.s2);
    let b = ((this.s5 << 16) | this.s4) ^ ((this.s1 << 16) | this.s0);
    const r = s7 >>> 10;
    const swap = -(r >>> 5) & (a ^ b); // rotating by ≥ 32 first swaps the halves
    a ^= swap;
    b ^= swap;
    const k = r & 31;
    // (x << 1) << (31 − k) is x << (32 − k), but 0 (not x) when k = 0.
    this.hi = ((a >>> k) | ((b << 1) << (31 - k))) >>> 0;
    this.lo = ((b >>> k) | ((a << 1) << (31 - k))) >>> 0;
  }

  /** numpy's `next_uint32`: the low half of a fresh 64-bit draw, then its high half on the next call. */
  nextUint32(): number {
    if (this.hasU32) {
      this.hasU32 = false;
      return this.u32;
    }
    this.nextUint64();
    this.hasU32 = true;
    this.u32 = this.hi;
    return this.lo;
  }

  /** Uniform in [0, 1) with 53 random bits; equals numpy's `Generator.random()` exactly. */
  random(): number {
    this.nextUint64();
    return (this.hi * 2097152 + (this.lo >>> 11)) * TWO_POW_M53;
  }

  /** Fills `out` with random() draws in index order (the same numbers as numpy's `random(out.length)`). */
  fill(out: Float64Array): void {
    for (let i = 0, n = out.length; i < n; i++) out[i] = this.random();
  }

  /**
   * Uniform integer in [0, n), unbiased, for an integer 1 ≤ n ≤ 2^53; the same draws as numpy's
   * `Generator.integers(n)` (so n = 1 consumes nothing, and n ≤ 2^32 consumes 32-bit halves).
   */
  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 9007199254740992) {
      throw new RangeError(`Pcg64.integer: n must be an integer in [1, 2^53], got ${n}`);
    }
    if (n === 1) return 0;
    if (n <= TWO_POW_32) {
      if (n === TWO_POW_32) return this.nextUint32();
      return this.lemire32(n);
    }
    return this.lemire64(n);
  }

  /** numpy's buffered_bounded_lemire_uint32 with rng_excl = n (2 ≤ n < 2^32). */
  private lemire32(n: number): number {
    const nLo = n & 0xffff;
    const nHi = n >>> 16;
    let threshold = -1; // computed only when needed, as numpy does
    for (;;) {
      const x = this.nextUint32();
      const leftover = Math.imul(x, n) >>> 0; // low 32 bits of x·n
      if (leftover < n) {
        if (threshold < 0) threshold = (TWO_POW_32 - n) % n;
        if (leftover < threshold) continue;
      }
      // High 32 bits of x·n from two exact (< 2^48) partial products.
      const t = x * nLo;
      const u = x * nHi + Math.floor(t / 65536);
      return Math.floor(u / 65536);
    }
  }

  /** numpy's bounded_lemire_uint64 with rng_excl = n (2^32 < n ≤ 2^53). */
  private lemire64(n: number): number {
    // n as 16-bit limbs (n3 < 2^6)
    const n0 = n % 65536;
    const n1 = Math.floor(n / 65536) % 65536;
    const n2 = Math.floor(n / TWO_POW_32) % 65536;
    const n3 = Math.floor(n / 281474976710656);
    let threshold = -1;
    for (;;) {
      this.nextUint64();
      const x0 = this.lo & 0xffff;
      const x1 = this.lo >>> 16;
      const x2 = this.hi & 0xffff;
      const x3 = this.hi >>> 16;
      // Schoolbook 64×64 → 128 bits in 16-bit columns; column sums < 2^35, exact in doubles.
      let c = x0 * n0;
      const l0 = c % 65536;
      c = Math.floor(c / 65536) + x0 * n1 + x1 * n0;
      const l1 = c % 65536;
      c = Math.floor(c / 65536) + x0 * n2 + x1 * n1 + x2 * n0;
      const l2 = c % 65536;
      c = Math.floor(c / 65536) + x0 * n3 + x1 * n2 + x2 * n1 + x3 * n0;
      const l3 = c % 65536;
      c = Math.floor(c / 65536) + x1 * n3 + x2 * n2 + x3 * n1;
      const h0 = c % 65536;
      c = Math.floor(c / 65536) + x2 * n3 + x3 * n2;
      const h1 = c % 65536;
      c = Math.floor(c / 65536) + x3 * n3;
      const h2 = c % 65536;
      const h3 = Math.floor(c / 65536);
      // leftover = low 64 bits; it can only be below n (≤ 2^53) when l3 < 2^5, where it is exact.
      if (l3 < 32) {
        const leftover = ((l3 * 65536 + l2) * 65536 + l1) * 65536 + l0;
        if (leftover < n) {
          if (threshold < 0) threshold = pow2mod64(n);
          if (leftover < threshold) continue;
        }
      }
      return ((h3 * 65536 + h2) * 65536 + h1) * 65536 + h0;
    }
  }

  /**
   * Standard normal by the Marsaglia polar method on pairs of random() draws, returning f·x2 and
   * keeping f·x1 for the next call (exactly numpy's legacy `gauss`).
   */
  normal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gauss;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * In-place Fisher–Yates shuffle, from the last element down, j uniform in [0, i]; the same
   * permutation as numpy's `Generator.shuffle` on a 1-D array. At most 2^32 elements.
   */
  shuffle(arr: Uint32Array | Int32Array | Float64Array): void {
    const n = arr.length;
    if (n > TWO_POW_32) throw new RangeError('Pcg64.shuffle: at most 2^32 elements');
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
  }

  /** numpy's random_interval for 1 ≤ max ≤ 2^32 − 1: masked rejection on 32-bit draws, uniform in [0, max]. */
  private interval(max: number): number {
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let v: number;
    do {
      v = (this.nextUint32() & mask) >>> 0;
    } while (v > max);
    return v;
  }
}

/** SeedSequence(seed).generate_state(8, uint32) (= generate_state(4, uint64) as little-endian words). */
function seedSequenceWords(seed: number): number[] {
  // _int_to_uint32_array: little-endian 32-bit words, [0] for 0.
  const entropy: number[] = [];
  if (seed === 0) entropy.push(0);
  for (let v = seed; v > 0; v = Math.floor(v / TWO_POW_32)) entropy.push(v % TWO_POW_32);

  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };

  const pool = new Array<number>(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }

  let hc = INIT_B;
  const out = new Array<number>(8);
  for (let i = 0; i < 8; i++) {
    let v = (pool[i % POOL_SIZE] ^ hc) >>> 0;
    hc = Math.imul(hc, MULT_B) >>> 0;
    v = Math.imul(v, hc) >>> 0;
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

/** 2^64 mod n for 2 ≤ n ≤ 2^53, by doubling (every intermediate 2r < 2^54 is exact). */
function pow2mod64(n: number): number {
  let r = 1;
  for (let k = 0; k < 64; k++) r = (r * 2) % n;
  return r;
}
