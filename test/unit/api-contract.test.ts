import { describe, expect, it } from 'vitest';
import { API_INPUTS, API_METHODS, type ApiHandlers } from '../../shared/api.ts';
import { RidgelineError } from '../../shared/errors.ts';
import { parseApiInput } from '../../shared/validate.ts';
import { decodeWire, encodeWire } from '../../shared/wire.ts';
import { dispatch } from '../../electron/core/dispatch.ts';

const validRun = {
  datasetId: 'builtin:seed',
  hyperparams: { model: 'linear', lambda: 1e-4, alpha: 0, solver: 'gd', learningRate: 0.01, maxIter: 1000, tol: 0 },
};

function codeAndMessage(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof RidgelineError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a RidgelineError');
}

describe('API input validation', () => {
  it('accepts a valid run and fills defaults', () => {
    const parsed = parseApiInput('startRun', validRun);
    expect(parsed.hyperparams.batchSize).toBe(32);
    expect(parsed.hyperparams.init).toBe('zeros');
  });

  it('names each bad field', () => {
    const bad = codeAndMessage(() =>
      parseApiInput('startRun', { ...validRun, hyperparams: { ...validRun.hyperparams, lambda: -1, learningRate: 0 } }),
    );
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/hyperparams\.lambda: λ must be ≥ 0/);
    expect(bad.message).toMatch(/hyperparams\.learningRate: the learning rate must be > 0/);
  });

  it('rejects unknown fields, wrong types and missing ids', () => {
    expect(codeAndMessage(() => parseApiInput('getRun', { id: 'a', extra: 1 })).message).toMatch(/Unrecognized key/);
    expect(codeAndMessage(() => parseApiInput('getRun', { id: 5 })).message).toMatch(/^getRun: id:/);
    expect(codeAndMessage(() => parseApiInput('getRunMetrics', { ids: [] })).message).toMatch(/name at least one run/);
    expect(codeAndMessage(() => parseApiInput('startRun', { ...validRun, hyperparams: { ...validRun.hyperparams, maxIter: 1.5 } })).message).toMatch(/maxIter: must be an integer/);
  });

  it('every method has a schema, and dispatch refuses unknown methods and bad input before the handler', async () => {
    expect([...API_METHODS].sort()).toEqual(Object.keys(API_INPUTS).sort());
    let called = false;
    const handlers = Object.fromEntries(API_METHODS.map((m) => [m, () => ((called = true), 'ok')])) as unknown as ApiHandlers;
    await expect(dispatch(handlers, 'dropTables', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(dispatch(handlers, 'getRun', { id: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(called).toBe(false);
    await expect(dispatch(handlers, 'getRun', { id: 'r1' })).resolves.toBe('ok');
    expect(called).toBe(true);
  });
});

describe('wire encoding', () => {
  it('round-trips Float64Arrays bit for bit, including NaN and infinities', () => {
    const values = Float64Array.from([0, -0, 1 / 3, Number.NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308]);
    const decoded = decodeWire<{ a: Float64Array; n: number; m: number }>(encodeWire({ a: values, n: Number.NaN, m: -Infinity }));
    expect(decoded.a).toBeInstanceOf(Float64Array);
    expect(new Uint8Array(decoded.a.buffer)).toEqual(new Uint8Array(values.buffer));
    expect(decoded.n).toBeNaN();
    expect(decoded.m).toBe(-Infinity);
  });

  it('handles every length modulo 3 (base64 padding)', () => {
    for (let n = 0; n < 7; n++) {
      const values = Float64Array.from({ length: n }, (_, i) => i * 1.1 - 2);
      expect(Array.from(decodeWire<Float64Array>(encodeWire(values)))).toEqual(Array.from(values));
    }
  });

  it('gives the same text with a native base64 encoder (serve mode passes Node’s)', () => {
    const nodeBase64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    for (let n = 0; n < 50; n += 7) {
      const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1e10);
      const wrapped = { a: values.subarray(1), b: [values] };
      expect(encodeWire(wrapped, nodeBase64)).toBe(encodeWire(wrapped));
    }
  });
});
