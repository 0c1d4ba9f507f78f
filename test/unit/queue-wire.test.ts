// What crosses the queue (electron/queue/): URLs are checked before any connection (a password unless
// loopback, never echoed), numbers travel as their IEEE-754 bytes (every bit, -0 and NaN included),
// jobs and results are validated on arrival, and results of another engine are refused in one line.
// No network here: the integration test (test/e2e/queue-sweeps.test.ts) runs a real Redis.
import { describe, expect, it } from 'vitest';
import { RidgelineError } from '../../shared/errors.ts';
import { describeQueueError, redisOptions } from '../../electron/queue/connection.ts';
import { dataRefOf, MAX_DATA_BYTES } from '../../electron/queue/dataTransport.ts';
import { engineMismatch } from '../../electron/queue/engineIdentity.ts';
import { formatFailure, parseFailure } from '../../electron/queue/failures.ts';
import { decodeCellJob, decodeCellResult, encodeCellJob, encodeCellResult, MESSAGE_VERSION, type CellJobMessage } from '../../electron/queue/jobMessages.ts';
import { cellJobId, parseCellJobId } from '../../electron/queue/queueKeys.ts';
import { isLoopbackHost, parseQueueUrl, queueUrlFrom, redact } from '../../electron/queue/queueUrl.ts';
import { decodeWire, encodeWire } from '../../electron/queue/wireCodec.ts';

function errorOf(run: () => unknown): RidgelineError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RidgelineError);
    return error as RidgelineError;
  }
  throw new Error('expected an error');
}

/** The bit pattern of a double, to compare what toEqual/Object.is might not tell apart. */
const bits = (x: number): string => Buffer.from(Float64Array.of(x).buffer).toString('hex');

describe('queue URL', () => {
  it('reads host, port, db, password and TLS, and shows the password masked', () => {
    expect(parseQueueUrl('redis://:s3cret@10.1.2.3:6380/2')).toEqual({
      host: '10.1.2.3',
      port: 6380,
      db: 2,
      username: undefined,
      password: 's3cret',
      tls: false,
      display: 'redis://:***@10.1.2.3:6380/2',
    });
    expect(parseQueueUrl('rediss://worker:p%40ss@queue.example.org')).toMatchObject({ host: 'queue.example.org', port: 6379, db: 0, username: 'worker', password: 'p@ss', tls: true, display: 'rediss://worker:***@queue.example.org:6379/0' });
    expect(parseQueueUrl('redis://127.0.0.1:7000')).toMatchObject({ password: undefined, display: 'redis://127.0.0.1:7000/0' });
    expect(parseQueueUrl('redis://[::1]:7000/1')).toMatchObject({ host: '::1', display: 'redis://[::1]:7000/1' });
  });

  it('requires a password unless the host is loopback', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '[::1]']) expect(() => parseQueueUrl(`redis://${host}:6379`)).not.toThrow();
    for (const host of ['10.0.0.5', '192.168.1.20', 'redis.internal', '0.0.0.0', '[fe80::1]']) {
      const error = errorOf(() => parseQueueUrl(`redis://${host}:6379`));
      expect(error.code).toBe('BAD_OPTIONS');
      expect(error.message).toMatch(/needs a password \(redis:\/\/:PASSWORD@.*\): only a loopback server may go without one/);
    }
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.evil.org')).toBe(false);
  });

  it('refuses what it cannot use, without echoing the text (it may hold a password)', () => {
    const cases: [string, RegExp][] = [
      ['http://:pw@host:6379', /must start with redis:\/\/ or rediss:\/\/ \(got http:\/\/\)/],
      ['redis://:pw@host:6379/abc', /database must be a number/],
      ['redis://:pw@host:6379/0?tls=1', /no query or fragment/],
      ['not a url with secretpw', /is not a URL/],
      ['redis://:secretpw@host:0', /port must be 1–65535/],
    ];
    for (const [url, message] of cases) {
      const error = errorOf(() => parseQueueUrl(url));
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('secretpw');
      expect(error.message).not.toContain(':pw@');
    }
  });

  it('passes TLS through to the client (rediss://), and the password only to the client', () => {
    expect(redisOptions(parseQueueUrl('rediss://:pw@queue.example.org:6380/3'))).toEqual({ host: 'queue.example.org', port: 6380, db: 3, password: 'pw', tls: { servername: 'queue.example.org' } });
    expect(redisOptions(parseQueueUrl('redis://127.0.0.1:6379'))).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    // A client library's error that repeats the password is masked in what a person reads.
    const address = parseQueueUrl('redis://:hunter2@127.0.0.1:1');
    expect(describeQueueError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), address)).toBe('cannot reach the queue at redis://:***@127.0.0.1:1/0: connection refused');
    expect(describeQueueError(new Error('WRONGPASS invalid username-password pair'), address)).toBe('the queue at redis://:***@127.0.0.1:1/0 refused the password (WRONGPASS): check the password in the queue URL');
    expect(describeQueueError(new Error('odd failure mentioning hunter2'), address)).toBe('cannot use the queue at redis://:***@127.0.0.1:1/0: odd failure mentioning ***');
  });

  it('takes RIDGELINE_QUEUE when --queue is not given', () => {
    expect(queueUrlFrom(undefined, { RIDGELINE_QUEUE: ' redis://127.0.0.1:1 ' })).toBe('redis://127.0.0.1:1');
    expect(queueUrlFrom('redis://127.0.0.1:2', { RIDGELINE_QUEUE: 'redis://127.0.0.1:1' })).toBe('redis://127.0.0.1:2');
    expect(queueUrlFrom(undefined, {})).toBeUndefined();
    expect(redact('AUTH failed for hunter2 (hunter2)', { password: 'hunter2' })).toBe('AUTH failed for *** (***)');
  });
});

describe('wire codec', () => {
  it('carries every double bit for bit, typed arrays as raw bytes', () => {
    const specials = [0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, 0.1 + 0.2, 1 / 3, 2 ** -1074 * 3, 123456789.000001];
    const decoded = decodeWire(JSON.parse(JSON.stringify(encodeWire({ specials, array: Float64Array.from(specials), ints: Int32Array.of(-2147483648, 0, 7, 2147483647) })))) as {
      specials: number[];
      array: Float64Array;
      ints: Int32Array;
    };
    expect(decoded.specials.map(bits)).toEqual(specials.map(bits));
    expect(decoded.array).toBeInstanceOf(Float64Array);
    expect(Array.from(decoded.array, bits)).toEqual(specials.map(bits));
    expect(Array.from(decoded.ints)).toEqual([-2147483648, 0, 7, 2147483647]);
    // A NaN's payload too: the bytes are the bytes.
    const payload = new Float64Array(new BigUint64Array([0x7ff8000000000abcn]).buffer);
    expect(bits((decodeWire(JSON.parse(JSON.stringify(encodeWire(payload)))) as Float64Array)[0])).toBe(bits(payload[0]));
  });

  it('puts no number into the JSON text', () => {
    const text = JSON.stringify(encodeWire({ lambda: 0.5, lambdas: Float64Array.of(1, 2), nested: [{ n: 3 }] }));
    expect(text).not.toMatch(/:\s*-?\d|\[\s*-?\d|,\s*-?\d/);
    expect(text).toContain('"#f64"');
  });

  it('refuses malformed input with the place it is wrong', () => {
    expect(errorOf(() => decodeWire({ a: 1 })).message).toBe('wire: $.a is a bare JSON number (numbers travel as bytes)');
    expect(errorOf(() => decodeWire({ a: { '#f64': 'AAAA' } })).message).toBe('wire: $.a holds 3 bytes, not a multiple of 8');
    expect(errorOf(() => decodeWire({ a: { '#f64[]': '!!!!' } })).message).toBe('wire: $.a is not base64');
    expect(errorOf(() => decodeWire([{ '#what': 'AAAA' }])).message).toBe('wire: $[0] has an unknown tag #what');
    expect(errorOf(() => decodeWire({ '#f64': 'AAAAAAAAAAA=', x: null })).message).toBe('wire: $ mixes a tag (#f64) with other keys');
    expect(errorOf(() => encodeWire({ '#f64': 1 })).code).toBe('INTERNAL');
    expect(errorOf(() => encodeWire({ when: new Date() })).message).toMatch(/\$\.when cannot be sent \(Date\)/);
  });
});

const engine = { hash: 'a'.repeat(64), v8: '11.3.244.8-node.38' };

function jobMessage(): CellJobMessage {
  return {
    v: MESSAGE_VERSION,
    sweepId: 'sweep_0123456789abcdef',
    cellIndex: 3,
    data: { hash: 'b'.repeat(64), bytes: 4096 },
    engine,
    job: {
      kind: 'fold',
      repeat: 0,
      fold: 2,
      lambdas: Float64Array.of(0.5, 0.25, 0.125),
      options: { model: 'linear', alpha: 1, standardize: true, fitIntercept: true, tol: 1e-7 },
      measure: 'mse',
    },
  };
}

describe('queued cells and their results', () => {
  it('a cell survives the trip exactly, unknown option fields included', () => {
    const message = jobMessage();
    (message.job.options as Record<string, unknown>).futureOption = -0;
    const back = decodeCellJob(JSON.parse(JSON.stringify(encodeCellJob(message))));
    expect(back.job.lambdas).toEqual(message.job.lambdas);
    expect(back.job.options).toEqual(message.job.options);
    expect(Object.is((back.job.options as Record<string, unknown>).futureOption, -0)).toBe(true);
    expect(back).toMatchObject({ sweepId: message.sweepId, cellIndex: 3, data: message.data, engine });
  });

  it('a malformed cell is refused with the fields that are wrong', () => {
    const message = jobMessage();
    const wire = JSON.parse(JSON.stringify(encodeCellJob({ ...message, sweepId: 'sweep:1', job: { ...message.job, lambdas: Float64Array.of(-1) } })));
    const error = errorOf(() => decodeCellJob(wire));
    expect(error.code).toBe('BAD_DATA');
    expect(error.message).toMatch(/^queued cell: sweepId: .*; job\.lambdas: must be finite λ ≥ 0$/);
  });

  it('a result must answer its cell: one value per λ, p coefficients per λ on all data', () => {
    const output = { size: 40, errors: Float64Array.of(1, 2, 3), nonzero: Float64Array.of(0, 1, 2), intercepts: null, coefs: null, iterations: 12, statusReason: null, fitMs: 3.5 };
    const computedBy = { worker: 'node7:4242', engineHash: engine.hash, v8: engine.v8 };
    const wire = () => JSON.parse(JSON.stringify(encodeCellResult({ v: MESSAGE_VERSION, output, computedBy })));
    expect(decodeCellResult(wire(), { kind: 'fold', nLambda: 3, p: 5 }).output.errors).toEqual(output.errors);
    expect(errorOf(() => decodeCellResult(wire(), { kind: 'fold', nLambda: 4, p: 5 })).message).toBe('cell result from node7:4242: nonzero has 3 values for 4 λ');
    const full = { ...output, size: null, errors: null, intercepts: Float64Array.of(1, 2, 3), coefs: new Float64Array(3 * 4) };
    const fullWire = JSON.parse(JSON.stringify(encodeCellResult({ v: MESSAGE_VERSION, output: full, computedBy })));
    expect(decodeCellResult(fullWire, { kind: 'full', nLambda: 3, p: 4 }).output.coefs).toHaveLength(12);
    expect(errorOf(() => decodeCellResult(fullWire, { kind: 'full', nLambda: 3, p: 5 })).message).toBe('cell result from node7:4242: coefs has 12 values for 3 λ × 5 columns');
  });

  it('results of another engine build or V8 are refused in one line that says what to do', () => {
    expect(engineMismatch(engine, { ...engine }, 'this coordinator', 'worker w')).toBeNull();
    const other = engineMismatch(engine, { hash: 'c'.repeat(64), v8: engine.v8 }, 'this coordinator', 'worker node7:1');
    expect(other).toBe(
      'worker node7:1 runs engine cccccccccccc, V8 11.3.244.8-node.38 but this coordinator runs engine aaaaaaaaaaaa, V8 11.3.244.8-node.38: ' +
        'results of a different engine build are not mixed into one sweep (they could differ in the last bits); run the same Ridgeline checkout with the same Node on every machine',
    );
    expect(engineMismatch(engine, { hash: engine.hash, v8: '12.4.254.21-node.33' }, 'a', 'b')).toMatch(/different V8 version are not mixed/);
    expect(other).not.toContain('\n');
  });

  it('failure reasons carry their code back; BullMQ’s own (stalled too often) are crashes', () => {
    expect(parseFailure(formatFailure('BAD_OPTIONS', 'alpha must be in [0, 1]'))).toMatchObject({ code: 'BAD_OPTIONS', message: 'alpha must be in [0, 1]' });
    expect(parseFailure(formatFailure('ENGINE_MISMATCH', 'x'))).toMatchObject({ code: 'ENGINE_MISMATCH' });
    expect(parseFailure('job stalled more than allowable limit')).toMatchObject({ code: 'WORKER_CRASHED', message: "the cell's workers stopped before finishing it (job stalled more than allowable limit)" });
    expect(parseFailure('[NOT_A_CODE] x').code).toBe('WORKER_CRASHED');
  });

  it('job ids come from sweep and cell, without ":"', () => {
    const id = cellJobId('sweep_0123456789abcdef', 12);
    expect(id).toBe('sweep_0123456789abcdef-cell-12');
    expect(id).not.toContain(':');
    expect(parseCellJobId(id)).toEqual({ sweepId: 'sweep_0123456789abcdef', cellIndex: 12 });
    expect(parseCellJobId('other-job')).toBeNull();
  });

  it('data are named by their SHA-256', () => {
    // SHA-256 of the empty input and of "abc" (FIPS 180-2 test vectors).
    expect(dataRefOf(new Uint8Array(0))).toEqual({ hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', bytes: 0 });
    expect(dataRefOf(new TextEncoder().encode('abc')).hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(MAX_DATA_BYTES).toBe(64 * 2 ** 20);
  });
});
