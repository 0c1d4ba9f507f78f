/**
 * The binary file a sweep's data reach its worker processes through: written once per sweep,
 * read once per process, never copied through messages. Layout (little endian):
 *   bytes 0–7   magic "RLSWEEP1"
 *   bytes 8–11  header length H (uint32), then H bytes of JSON {m, p, repeats, featureNames}
 *   padding to a multiple of 8, then x (m·p Float64, row-major), y (m Float64), folds (repeats·m Int32)
 */
import { RidgelineError } from '../errors.ts';
import type { Design } from '../engine/types.ts';

const MAGIC = 'RLSWEEP1';

export interface SweepData {
  design: Design;
  /** repeats × m: the fold of each row in each repeat. */
  folds: Int32Array;
  repeats: number;
}

/** JSON as pure ASCII (non-ASCII characters as \\u escapes, which JSON.parse reads back), one byte each. */
function asciiBytes(json: string): Uint8Array {
  const ascii = json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Uint8Array.from(ascii, (c) => c.charCodeAt(0));
}

function asciiText(bytes: Uint8Array): string {
  let text = '';
  // In chunks: spreading a long header into one call would overflow the argument limit.
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

export function encodeSweepData(data: SweepData): Uint8Array {
  const { design, folds, repeats } = data;
  const header = asciiBytes(JSON.stringify({ m: design.m, p: design.p, repeats, featureNames: design.featureNames }));
  const dataStart = Math.ceil((12 + header.length) / 8) * 8;
  const total = dataStart + 8 * (design.m * design.p + design.m) + 4 * folds.length;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  new Float64Array(bytes.buffer, dataStart, design.m * design.p).set(design.x);
  new Float64Array(bytes.buffer, dataStart + 8 * design.m * design.p, design.m).set(design.y);
  new Int32Array(bytes.buffer, dataStart + 8 * (design.m * design.p + design.m), folds.length).set(folds);
  return bytes;
}

/** Views into `bytes` (no copy); `bytes` must start at an 8-byte-aligned offset of its buffer. */
export function decodeSweepData(bytes: Uint8Array): SweepData {
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new RidgelineError('BAD_DATA', 'not a Ridgeline sweep data file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(asciiText(bytes.subarray(12, 12 + headerLength))) as { m: number; p: number; repeats: number; featureNames: string[] };
  const { m, p, repeats } = header;
  const dataStart = Math.ceil((12 + headerLength) / 8) * 8;
  const expected = dataStart + 8 * (m * p + m) + 4 * repeats * m;
  if (bytes.byteLength !== expected) throw new RidgelineError('BAD_DATA', `sweep data file holds ${bytes.byteLength} bytes, expected ${expected}`);
  const base = bytes.byteOffset + dataStart;
  return {
    design: {
      x: new Float64Array(bytes.buffer, base, m * p),
      y: new Float64Array(bytes.buffer, base + 8 * m * p, m),
      m,
      p,
      featureNames: header.featureNames,
    },
    folds: new Int32Array(bytes.buffer, base + 8 * (m * p + m), repeats * m),
    repeats,
  };
}
