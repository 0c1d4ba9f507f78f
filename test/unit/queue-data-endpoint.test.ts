// The coordinator road for sweep data (electron/queue/dataEndpoint.ts, dataFetch.ts, dataRoads.ts): the
// endpoint serves one content hash per token and refuses everything else with {code, message} JSON; the
// worker's side streams the bytes to a partial file and keeps them only when their count and SHA-256 are
// the ones the cell names, and says which failures are worth another attempt. A real node:http server on
// a loopback port; no Redis (test/e2e/queue-large-data.test.ts runs the whole road with workers).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RidgelineError } from '../../shared/errors.ts';
import { DataEndpoint, newDataToken } from '../../electron/queue/dataEndpoint.ts';
import { fetchFromCoordinator } from '../../electron/queue/dataFetch.ts';
import { chooseRoad } from '../../electron/queue/dataRoads.ts';
import { DataCache, dataRefOf, MAX_DATA_BYTES } from '../../electron/queue/dataTransport.ts';
import { parseEndpointAddress } from '../../electron/queue/endpointAddress.ts';
import { cellRetryDelay, formatFailure, parseFailure } from '../../electron/queue/failures.ts';
import { decodeCellJob, encodeCellJob, MESSAGE_VERSION, type CellJobMessage } from '../../electron/queue/jobMessages.ts';
import { closedLoopbackPort } from '../helpers/ports.ts';

let dir: string;
let endpoint: DataEndpoint;
const served: string[] = [];
/** Two sweeps' data, each granted under its own token. */
const sweepA = { bytes: randomBytes(300_000), token: newDataToken(), file: '' };
const sweepB = { bytes: randomBytes(1000), token: newDataToken(), file: '' };
const refA = dataRefOf(sweepA.bytes);
const refB = dataRefOf(sweepB.bytes);

async function rejection(work: Promise<unknown>): Promise<RidgelineError> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(RidgelineError);
    return error as RidgelineError;
  }
  throw new Error('expected a rejection');
}

const get = (path: string, token?: string, method = 'GET') => fetch(`${endpoint.origin}${path}`, { method, headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-data-endpoint-'));
  sweepA.file = join(dir, 'a.bin');
  sweepB.file = join(dir, 'b.bin');
  writeFileSync(sweepA.file, sweepA.bytes);
  writeFileSync(sweepB.file, sweepB.bytes);
  endpoint = await DataEndpoint.listen({ host: '127.0.0.1', port: 0 }, (line) => served.push(line));
  endpoint.grant('sweep_a', { token: sweepA.token, hash: refA.hash, bytes: refA.bytes, file: sweepA.file });
  endpoint.grant('sweep_b', { token: sweepB.token, hash: refB.hash, bytes: refB.bytes, file: sweepB.file });
});

afterAll(async () => {
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the coordinator’s data endpoint', () => {
  it('serves a sweep’s bytes to its token, exactly', async () => {
    const response = await get(`/data/${refA.hash}`, sweepA.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(Number(response.headers.get('content-length'))).toBe(refA.bytes);
    expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), sweepA.bytes)).toBe(0);
    // Logged by hash and size, never with the token.
    await expect.poll(() => served.some((line) => line.startsWith(`coordinator: data ${refA.hash.slice(0, 12)} (0.3 MiB) sent to `))).toBe(true);
    expect(served.join('\n')).not.toContain(sweepA.token);
  });

  it('refuses a missing or wrong token with 401 {code, message}', async () => {
    for (const token of [undefined, newDataToken(), `${sweepA.token}x`, 'not a token!', '']) {
      const response = await get(`/data/${refA.hash}`, token);
      expect(response.status, String(token)).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await response.json()) as { code: string; message: string };
      expect(body).toEqual({ code: 'UNAUTHORIZED', message: 'a valid data token is required (Authorization: Bearer TOKEN, from the queued cell)' });
    }
  });

  it('serves a token its own hash only: any other path is 404 {code, message}', async () => {
    // Sweep B's token asks for sweep A's data, an unknown hash, and paths that are no data path at all.
    for (const path of [`/data/${refA.hash}`, `/data/${'0'.repeat(64)}`, '/data/', `/data/${refB.hash}/x`, `/${refB.hash}`, '/']) {
      const response = await get(path, sweepB.token);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'no such data here for this token' });
    }
    expect((await get(`/data/${refB.hash}`, sweepB.token)).status).toBe(200);
    const post = await get(`/data/${refB.hash}`, sweepB.token, 'POST');
    expect(post.status).toBe(405);
    expect(((await post.json()) as { code: string }).code).toBe('BAD_REQUEST');
  });

  it('stops serving a sweep whose execution ended (revoked), and a file that went is 404', async () => {
    const token = newDataToken();
    const bytes = randomBytes(64);
    const file = join(dir, 'c.bin');
    writeFileSync(file, bytes);
    const ref = dataRefOf(bytes);
    endpoint.grant('sweep_c', { token, hash: ref.hash, bytes: ref.bytes, file });
    expect((await get(`/data/${ref.hash}`, token)).status).toBe(200);
    rmSync(file);
    const gone = await get(`/data/${ref.hash}`, token);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { message: string }).message).toBe('these data are no longer served here');
    endpoint.revoke('sweep_c');
    expect((await get(`/data/${ref.hash}`, token)).status).toBe(401);
  });

  it('cannot take an address it cannot have: one line naming it', async () => {
    const port = Number(new URL(endpoint.origin).port);
    const error = await rejection(DataEndpoint.listen({ host: '127.0.0.1', port }, () => undefined));
    expect(error.code).toBe('BAD_OPTIONS');
    expect(error.message).toBe(`cannot serve the sweep's data at 127.0.0.1:${port}: the port is in use`);
  });
});

describe('a worker fetching from the coordinator', () => {
  const target = (name: string) => join(dir, name);

  it('streams the bytes into place once their count and SHA-256 are checked', async () => {
    await fetchFromCoordinator({ url: endpoint.urlOf(refA.hash), token: sweepA.token }, refA, target('fetched.bin'));
    expect(Buffer.compare(readFileSync(target('fetched.bin')), sweepA.bytes)).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('a refused token fails for good, in one line without the token', async () => {
    const wrong = newDataToken();
    const error = await rejection(fetchFromCoordinator({ url: endpoint.urlOf(refA.hash), token: wrong }, refA, target('refused.bin')));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe(
      `the coordinator at ${endpoint.origin} refused the token of data ${refA.hash.slice(0, 12)} (401: a valid data token is required (Authorization: Bearer TOKEN, from the queued cell)); ` +
        'this cell was not queued by that coordinator\'s sweep (resume the sweep to queue it afresh)',
    );
    expect(error.message).not.toContain(wrong);
    expect(existsSync(target('refused.bin'))).toBe(false);
  });

  it('bytes that are not the ones named are not used: the hash is checked on the worker’s side', async () => {
    // A coordinator (or anything between) serving other bytes of the same length under sweep A's hash.
    const token = newDataToken();
    const forged = join(dir, 'forged.bin');
    writeFileSync(forged, randomBytes(refA.bytes));
    endpoint.grant('sweep_forged', { token, hash: refA.hash, bytes: refA.bytes, file: forged });
    try {
      const error = await rejection(fetchFromCoordinator({ url: endpoint.urlOf(refA.hash), token }, refA, target('forged-copy.bin')));
      expect(error.code).toBe('BAD_DATA');
      expect(error.message).toMatch(new RegExp(`^the data from the coordinator at ${endpoint.origin} do not match their hash \\(${refA.bytes} bytes, hash [0-9a-f]{12}; expected ${refA.bytes} bytes, ${refA.hash.slice(0, 12)}\\): not used$`));
    } finally {
      endpoint.revoke('sweep_forged');
    }
    // A cell that names fewer bytes than the server sends: cut off, not written.
    const short = await rejection(fetchFromCoordinator({ url: endpoint.urlOf(refB.hash), token: sweepB.token }, { hash: refB.hash, bytes: 10 }, target('short.bin')));
    expect(short.message).toMatch(/do not match their hash \(more than 10 bytes; expected 10 bytes/);
    expect(readdirSync(dir).filter((f) => f.startsWith('forged-copy') || f.startsWith('short'))).toEqual([]);
    // A URL altered to point at other data than the cell's hash is refused before any request.
    const altered = await rejection(fetchFromCoordinator({ url: endpoint.urlOf(refB.hash), token: sweepB.token }, refA, target('altered.bin')));
    expect(altered.code).toBe('BAD_DATA');
    expect(altered.message).toBe(`the cell's data URL ${endpoint.origin}/data/${refB.hash} is not the coordinator's address for data ${refA.hash.slice(0, 12)}`);
  });

  it('an unreachable coordinator is worth another attempt, after a pause', async () => {
    const port = await closedLoopbackPort();
    const error = await rejection(fetchFromCoordinator({ url: `http://127.0.0.1:${port}/data/${refA.hash}`, token: sweepA.token }, refA, target('unreachable.bin')));
    expect(error.code).toBe('QUEUE_UNREACHABLE');
    expect(error.message).toMatch(new RegExp(`^cannot fetch the sweep's data from the coordinator at http://127\\.0\\.0\\.1:${port}: connection refused \\(tried again later`));
    // The worker throws it as a plain (retryable) failure; BullMQ waits 2 s, then 4 s, before the next attempts.
    const failure = new Error(formatFailure(error.code, error.message));
    expect([1, 2].map((attempt) => cellRetryDelay(attempt, 'ridgeline-cell', failure))).toEqual([2000, 4000]);
    expect(cellRetryDelay(1, 'ridgeline-cell', new Error(formatFailure('WORKER_CRASHED', 'the trainer died')))).toBe(0);
    expect(parseFailure(formatFailure('UNAUTHORIZED', 'refused'))).toMatchObject({ code: 'UNAUTHORIZED', message: 'refused' });
  });

  it('the worker’s cache fetches each hash once, however many cells ask at once', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'ridgeline-data-cache-'));
    const fetched: string[] = [];
    const noRedis = {} as Redis; // the coordinator road never reads Redis
    const cache = new DataCache(noRedis, cacheDir, ({ from }) => fetched.push(from));
    const ref = { ...refA, endpoint: { url: endpoint.urlOf(refA.hash), token: sweepA.token } };
    const sentBefore = served.length;
    try {
      const files = await Promise.all([cache.acquire(ref), cache.acquire(ref), cache.acquire(ref)]);
      expect(new Set(files).size).toBe(1);
      expect(Buffer.compare(readFileSync(files[0]), sweepA.bytes)).toBe(0);
      expect(fetched).toEqual([`the coordinator at ${endpoint.origin}`]);
      await expect.poll(() => served.length - sentBefore).toBe(1);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('which road the data take', () => {
  const open = { endpoint: {} as DataEndpoint };
  it('Redis while they fit, the endpoint beyond (or when asked), one line naming the option otherwise', () => {
    expect(chooseRoad(1000, { via: 'auto', endpoint: null })).toBe('redis');
    expect(chooseRoad(MAX_DATA_BYTES, { via: 'auto', ...open })).toBe('redis');
    expect(chooseRoad(MAX_DATA_BYTES + 1, { via: 'auto', ...open })).toBe('coordinator');
    expect(chooseRoad(1000, { via: 'coordinator', ...open })).toBe('coordinator');
    let error: unknown;
    try {
      chooseRoad(80 * 2 ** 20, { via: 'auto', endpoint: null });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: 'BAD_OPTIONS',
      message: "the sweep's data take 80.0 MiB, more than the 64.0 MiB Redis carries: give --serve-data HOST:PORT, an address of this machine the workers can reach, and they fetch them from this coordinator",
    });
    expect(() => chooseRoad(80 * 2 ** 20, { via: 'redis', ...open })).toThrow(/\(--data-via redis\): leave --data-via out and give --serve-data HOST:PORT/);
  });

  it('--serve-data takes HOST:PORT with a host workers can reach', () => {
    expect(parseEndpointAddress('10.0.0.5:7400')).toEqual({ host: '10.0.0.5', port: 7400 });
    expect(parseEndpointAddress('coordinator.lan:0')).toEqual({ host: 'coordinator.lan', port: 0 });
    expect(parseEndpointAddress('[fd00::5]:7400')).toEqual({ host: 'fd00::5', port: 7400 });
    expect(() => parseEndpointAddress('0.0.0.0:7400')).toThrow(/listens everywhere but names no machine/);
    expect(() => parseEndpointAddress('[::]:7400')).toThrow(/listens everywhere but names no machine/);
    expect(() => parseEndpointAddress('10.0.0.5')).toThrow(/expected HOST:PORT/);
    expect(() => parseEndpointAddress('10.0.0.5:70000')).toThrow(/the port must be 0–65535/);
  });
});

describe('a queued cell naming the coordinator road', () => {
  const message = (endpointRef: unknown): CellJobMessage =>
    ({
      v: MESSAGE_VERSION,
      sweepId: 'sweep_0123456789abcdef',
      cellIndex: 0,
      data: { ...refA, endpoint: endpointRef },
      engine: { hash: 'a'.repeat(64), v8: '11.3' },
      job: { kind: 'fold', repeat: 0, fold: 0, lambdas: Float64Array.of(1), options: { model: 'linear', alpha: 1, standardize: true, fitIntercept: true }, measure: 'mse' },
    }) as CellJobMessage;

  it('carries the URL and the token through the queue; a malformed one is refused without being echoed', () => {
    const source = { url: endpoint.urlOf(refA.hash), token: sweepA.token };
    expect(decodeCellJob(JSON.parse(JSON.stringify(encodeCellJob(message(source))))).data).toEqual({ ...refA, endpoint: source });
    const bad = { url: 'file:///etc/passwd', token: 'short secret' };
    let error: RidgelineError | undefined;
    try {
      decodeCellJob(JSON.parse(JSON.stringify(encodeCellJob(message(bad)))));
    } catch (caught) {
      error = caught as RidgelineError;
    }
    expect(error?.code).toBe('BAD_DATA');
    expect(error?.message).toMatch(/data\.endpoint\.url: must be an http:\/\/ URL/);
    expect(error?.message).toMatch(/data\.endpoint\.token: must be a data token/);
    expect(error?.message).not.toContain('short secret');
  });
});
