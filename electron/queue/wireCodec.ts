import { endianness } from 'node:os';
import { RidgelineError } from '../../shared/errors.ts';

/**
 * Values as they cross the queue. BullMQ keeps job data and results as JSON text; numbers never go
 * through it as digits. Every number travels as its 8 IEEE-754 bytes, little endian, in base64 (so -0,
 * NaN, ±Infinity and subnormals survive, and nothing depends on a printer's or parser's digits), and
 * every Float64Array / Int32Array as its raw little-endian bytes. Tags are one-key objects:
 *   {"#f64": "…"} a number, {"#f64[]": "…"} a Float64Array, {"#i32[]": "…"} an Int32Array.
 */
export type Wire = string | boolean | null | Wire[] | { [key: string]: Wire };

const NUMBER = '#f64';
const F64_ARRAY = '#f64[]';
const I32_ARRAY = '#i32[]';
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

function bytesOf(view: Float64Array | Int32Array): Buffer {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  const out = Buffer.alloc(view.byteLength);
  const data = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.forEach((v, i) => (view instanceof Float64Array ? data.setFloat64(i * 8, v, true) : data.setInt32(i * 4, v, true)));
  return out;
}

export function encodeWire(value: unknown, path = '$'): Wire {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleLE(value);
    return { [NUMBER]: bytes.toString('base64') };
  }
  if (value instanceof Float64Array) return { [F64_ARRAY]: bytesOf(value).toString('base64') };
  if (value instanceof Int32Array) return { [I32_ARRAY]: bytesOf(value).toString('base64') };
  if (Array.isArray(value)) return value.map((item, i) => encodeWire(item, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [key: string]: Wire } = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('#')) throw new RidgelineError('INTERNAL', `wire: key ${path}.${key} is reserved (keys starting with # are tags)`);
      // As JSON does: an absent optional field is simply not sent.
      if (item !== undefined) out[key] = encodeWire(item, `${path}.${key}`);
    }
    return out;
  }
  throw new RidgelineError('INTERNAL', `wire: ${path} cannot be sent (${typeof value === 'object' ? (value?.constructor?.name ?? 'object') : typeof value})`);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function rawBytes(text: unknown, width: number, path: string): Buffer {
  if (typeof text !== 'string' || !BASE64.test(text)) throw new RidgelineError('BAD_DATA', `wire: ${path} is not base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % width !== 0) throw new RidgelineError('BAD_DATA', `wire: ${path} holds ${bytes.length} bytes, not a multiple of ${width}`);
  return bytes;
}

function float64s(bytes: Buffer): Float64Array {
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readDoubleLE(i * 8);
  return out;
}

function int32s(bytes: Buffer): Int32Array {
  const out = new Int32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt32LE(i * 4);
  return out;
}

/** The inverse of encodeWire; anything malformed is a BAD_DATA error naming where. */
export function decodeWire(value: unknown, path = '$'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') throw new RidgelineError('BAD_DATA', `wire: ${path} is a bare JSON number (numbers travel as bytes)`);
  if (Array.isArray(value)) return value.map((item, i) => decodeWire(item, `${path}[${i}]`));
  if (typeof value !== 'object') throw new RidgelineError('BAD_DATA', `wire: ${path} has an unknown type`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && entries[0][0].startsWith('#')) {
    const [tag, text] = entries[0];
    if (tag === NUMBER) {
      const bytes = rawBytes(text, 8, path);
      if (bytes.length !== 8) throw new RidgelineError('BAD_DATA', `wire: ${path} holds ${bytes.length} bytes for one number`);
      return bytes.readDoubleLE(0);
    }
    if (tag === F64_ARRAY) return float64s(rawBytes(text, 8, path));
    if (tag === I32_ARRAY) return int32s(rawBytes(text, 4, path));
    throw new RidgelineError('BAD_DATA', `wire: ${path} has an unknown tag ${tag}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    if (key.startsWith('#')) throw new RidgelineError('BAD_DATA', `wire: ${path} mixes a tag (${key}) with other keys`);
    out[key] = decodeWire(item, `${path}.${key}`);
  }
  return out;
}
