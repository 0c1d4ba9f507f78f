/**
 * A tiny WebAssembly assembler: enough of the binary format (core spec §5 and the fixed-width SIMD
 * proposal, both shipped in Node ≥ 16.4 and every current browser) to emit the engine's kernels from
 * TypeScript at load time. The kernels' source is therefore the TypeScript in ./kernels.ts, which
 * calls the instruction helpers below; no tool chain, no binary blob, no download. `assembleModule`
 * returns the module's bytes; tests compile them with the platform's WebAssembly and compare every
 * kernel with its TypeScript twin (../reference.ts) bit for bit.
 *
 * Scope: one imported memory (env.memory), functions with i32/f64/v128 parameters and locals, no
 * results, every function exported under its name. Instructions are appended to a byte array; the
 * structured helpers (block, loop, forEach) keep branch depths local to the code that uses them.
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

function uleb(value: number, out: number[]): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb(value: number, out: number[]): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function name(text: string, out: number[]): void {
  // Export and import names here are ASCII, so a character is a byte.
  uleb(text.length, out);
  for (let k = 0; k < text.length; k++) out.push(text.charCodeAt(k) & 0x7f);
}

/** log2 of the natural alignment of an f64: the alignment hint every load/store below uses. */
const ALIGN8 = 3;

/** One function: its signature, its locals, and its body as bytes. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
  ) {}

  /** A new local of the given type; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  get locals(): readonly ValType[] {
    return this.localTypes;
  }

  // ---- variables and constants ----
  get(index: number): this {
    this.code.push(0x20);
    uleb(index, this.code);
    return this;
  }
  set(index: number): this {
    this.code.push(0x21);
    uleb(index, this.code);
    return this;
  }
  tee(index: number): this {
    this.code.push(0x22);
    uleb(index, this.code);
    return this;
  }
  i32(value: number): this {
    this.code.push(0x41);
    sleb(value, this.code);
    return this;
  }
  f64(value: number): this {
    this.code.push(0x44);
    const bytes = new Uint8Array(new Float64Array([value]).buffer);
    for (const b of bytes) this.code.push(b);
    return this;
  }
  /** f64x2 with both lanes = value. */
  f64x2(value: number): this {
    return this.f64(value).simd(0x14);
  }

  // ---- i32 arithmetic ----
  add(): this {
    this.code.push(0x6a);
    return this;
  }
  sub(): this {
    this.code.push(0x6b);
    return this;
  }
  mul(): this {
    this.code.push(0x6c);
    return this;
  }
  shl(): this {
    this.code.push(0x74);
    return this;
  }
  and(): this {
    this.code.push(0x71);
    return this;
  }
  eq(): this {
    this.code.push(0x46);
    return this;
  }
  gtU(): this {
    this.code.push(0x4b);
    return this;
  }
  ltU(): this {
    this.code.push(0x49);
    return this;
  }
  /** local += constant (i32). */
  inc(index: number, by: number): this {
    return this.get(index).i32(by).add().set(index);
  }
  /** local += other local (i32). */
  incBy(index: number, other: number): this {
    return this.get(index).get(other).add().set(index);
  }

  // ---- f64 scalar ----
  fadd(): this {
    this.code.push(0xa0);
    return this;
  }
  fsub(): this {
    this.code.push(0xa1);
    return this;
  }
  fmul(): this {
    this.code.push(0xa2);
    return this;
  }
  fdiv(): this {
    this.code.push(0xa3);
    return this;
  }
  /** f64.gt, f64.lt, f64.ne (an i32 0 or 1; ne is 1 when either is NaN), f64.neg, and select (first if the i32 is nonzero). */
  fgt(): this {
    this.code.push(0x64);
    return this;
  }
  flt(): this {
    this.code.push(0x63);
    return this;
  }
  fne(): this {
    this.code.push(0x62);
    return this;
  }
  fneg(): this {
    this.code.push(0x9a);
    return this;
  }
  select(): this {
    this.code.push(0x1b);
    return this;
  }
  /** f64.convert_i32_u: the i32 on the stack, read as unsigned, as an f64 (exact). */
  fromU32(): this {
    this.code.push(0xb8);
    return this;
  }
  fload(offset = 0): this {
    this.code.push(0x2b, ALIGN8);
    uleb(offset, this.code);
    return this;
  }
  fstore(offset = 0): this {
    this.code.push(0x39, ALIGN8);
    uleb(offset, this.code);
    return this;
  }
  iload(offset = 0): this {
    this.code.push(0x28, 2);
    uleb(offset, this.code);
    return this;
  }

  // ---- SIMD (f64x2) ----
  simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    return this;
  }
  vload(offset = 0): this {
    this.simd(0x00).code.push(ALIGN8);
    uleb(offset, this.code);
    return this;
  }
  vstore(offset = 0): this {
    this.simd(0x0b).code.push(ALIGN8);
    uleb(offset, this.code);
    return this;
  }
  /** f32x4.add and f32x4.mul: lane-wise, each lane rounded to f32 (IEEE, subnormals kept). */
  v32add(): this {
    return this.simd(0xe4);
  }
  v32mul(): this {
    return this.simd(0xe6);
  }
  /** i8x16.shuffle of the two vectors on the stack taking the first one's bytes 8–15 twice: its f32 lanes 2, 3 moved to 0, 1. */
  vhighToLow(): this {
    this.simd(0x0d);
    for (let rep = 0; rep < 2; rep++) for (let b = 8; b < 16; b++) this.code.push(b);
    return this;
  }
  /** i8x16.shuffle of the two vectors on the stack: result byte k = byte lanes[k] of (first ‖ second), 0–31. */
  vshuffle(lanes: readonly number[]): this {
    this.simd(0x0d);
    for (const b of lanes) this.code.push(b);
    return this;
  }
  /** i32x4.splat of the i32 on the stack. */
  v32splatInt(): this {
    return this.simd(0x11);
  }
  /** i32x4.add (wrapping) and i32x4.shr_u by the i32 on the stack. */
  vi32add(): this {
    return this.simd(0xae);
  }
  vi32shrU(): this {
    return this.simd(0xad);
  }
  vi32shl(): this {
    return this.simd(0xab);
  }
  /** i16x8.narrow_i32x4_u: the two vectors' i32 lanes, saturated to [0, 65535], as eight u16 (first's four, then second's). */
  vnarrowU16(): this {
    return this.simd(0x86);
  }
  /** i32.load16_u, then i32.shl 16 and f32.reinterpret_i32, then f64.promote_f32: a bf16 at the address as an f64 (exact). */
  bf16loadAsF64(offset = 0): this {
    this.code.push(0x2f, 1);
    uleb(offset, this.code);
    this.i32(16).shl();
    this.code.push(0xbe, 0xbb);
    return this;
  }
  /** v128.load64_zero: the 8 bytes at the address in the low half (two f32 lanes), zeros above. */
  vloadLow64(offset = 0): this {
    this.simd(0x5d).code.push(2);
    uleb(offset, this.code);
    return this;
  }
  /** f64x2.promote_low_f32x4: f32 lanes 0 and 1 as f64 lanes (exact). */
  vpromoteLow(): this {
    return this.simd(0x5f);
  }
  /** f32x4.demote_f64x2_zero: the two f64 lanes rounded to f32 lanes 0 and 1 (to nearest, ties to even), zeros above. */
  vdemote(): this {
    return this.simd(0x5e);
  }
  /** v128.store64_lane 0: the low 8 bytes of the vector to the address. */
  vstoreLow64(offset = 0): this {
    this.simd(0x5b).code.push(2);
    uleb(offset, this.code);
    this.code.push(0);
    return this;
  }
  /** f32.demote_f64 then f32.store: the f64 on the stack rounded to f32 (to nearest, ties to even) and stored. */
  f32storeFromF64(offset = 0): this {
    this.code.push(0xb6, 0x38, 2);
    uleb(offset, this.code);
    return this;
  }
  /** f32.load then f64.promote_f32: the f32 at the address as an f64 (exact). */
  f32loadAsF64(offset = 0): this {
    this.code.push(0x2a, 2);
    uleb(offset, this.code);
    this.code.push(0xbb);
    return this;
  }
  /** v128.load64_splat: both lanes = the f64 at the address. */
  vsplatLoad(offset = 0): this {
    this.simd(0x0a).code.push(ALIGN8);
    uleb(offset, this.code);
    return this;
  }
  /** f64x2.splat of the f64 on the stack. */
  vsplat(): this {
    return this.simd(0x14);
  }
  lane(index: 0 | 1): this {
    this.simd(0x21).code.push(index);
    return this;
  }
  vadd(): this {
    return this.simd(0xf0);
  }
  vsub(): this {
    return this.simd(0xf1);
  }
  /** f64x2.gt: all ones in a lane where a > b, else zeros. */
  vgt(): this {
    return this.simd(0x4a);
  }
  vand(): this {
    return this.simd(0x4e);
  }
  vlt(): this {
    return this.simd(0x49);
  }
  vneg(): this {
    return this.simd(0xed);
  }
  vdiv(): this {
    return this.simd(0xf3);
  }
  vsqrt(): this {
    return this.simd(0xef);
  }
  /** v128.bitselect(a, b, mask): bits of a where mask is 1, of b elsewhere. */
  vselect(): this {
    return this.simd(0x52);
  }
  /** f64x2.pmax(a, b) = a < b ? b : a, lane by lane (JavaScript's `b > a ? b : a`). */
  vpmax(): this {
    return this.simd(0xf7);
  }
  vmul(): this {
    return this.simd(0xf2);
  }

  // ---- control ----
  /** block … end; inside, depth 0 is this block (br 0 leaves it). */
  block(body: () => void): this {
    this.code.push(0x02, 0x40);
    body();
    this.code.push(0x0b);
    return this;
  }
  /** loop … end; inside, depth 0 is this loop (br 0 repeats it). */
  loop(body: () => void): this {
    this.code.push(0x03, 0x40);
    body();
    this.code.push(0x0b);
    return this;
  }
  /** if (top of stack ≠ 0) body end. */
  when(body: () => void): this {
    this.code.push(0x04, 0x40);
    body();
    this.code.push(0x0b);
    return this;
  }
  br(depth: number): this {
    this.code.push(0x0c);
    uleb(depth, this.code);
    return this;
  }
  brIf(depth: number): this {
    this.code.push(0x0d);
    uleb(depth, this.code);
    return this;
  }

  /**
   * while (counter + step ≤ limit) { body; counter += step }: the counter is left at the first index not
   * processed, so a tail loop can continue from it. `limit` is a local; the comparison is unsigned (byte
   * addresses may exceed 2³¹).
   */
  forEach(counter: number, step: number, limit: number, body: () => void): this {
    return this.block(() =>
      this.loop(() => {
        this.get(counter).i32(step).add().get(limit).gtU().brIf(1);
        body();
        this.inc(counter, step).br(0);
      }),
    );
  }
}

/** The module's bytes: one imported memory (env.memory), the functions, each exported by name. */
export function assembleModule(functions: readonly FunctionBuilder[]): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, body: number[]): void => {
    out.push(id);
    uleb(body.length, out);
    for (const b of body) out.push(b);
  };

  const types: number[] = [];
  uleb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    uleb(f.params.length, types);
    for (const p of f.params) types.push(p);
    types.push(0x00); // no results
  }
  section(1, types);

  const imports: number[] = [];
  uleb(1, imports);
  name('env', imports);
  name('memory', imports);
  imports.push(0x02, 0x00); // memory, limits without a maximum
  uleb(1, imports);
  section(2, imports);

  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, k) => uleb(k, funcs));
  section(3, funcs);

  const exports: number[] = [];
  uleb(functions.length, exports);
  functions.forEach((f, k) => {
    name(f.name, exports);
    exports.push(0x00);
    uleb(k, exports);
  });
  section(7, exports);

  const code: number[] = [];
  uleb(functions.length, code);
  for (const f of functions) {
    const body: number[] = [];
    // Locals as runs of one type.
    const runs: [number, ValType][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(runs.length, body);
    for (const [count, t] of runs) {
      uleb(count, body);
      body.push(t);
    }
    for (const b of f.code) body.push(b);
    body.push(0x0b);
    uleb(body.length, code);
    for (const b of body) code.push(b);
  }
  section(10, code);
  return Uint8Array.from(out);
}
