// Hostile input to every API method of serve mode (issue 14), seeded so a failure replays: random bytes
// and truncated JSON, deep nesting, huge strings and arrays, wrong types in every field, prototype keys,
// traversal paths, bad tokens, wrong HTTP methods and odd paths. Every answer must be a status below 500
// with a `{code, message}` error (or a valid answer where the input happens to be valid), never a dropped
// connection, and the server must answer normally afterwards.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../shared/api.ts';
import { Pcg64 } from '../../shared/engine/random/pcg64.ts';
import { countTable, writeBenchReport } from '../helpers/benchReport.ts';
import { startServe, type ServeProcess } from '../helpers/cli.ts';

/** How many random bodies each method gets (the long form in `npm run bench` sends more). */
const BODIES_PER_METHOD = Number(process.env.RIDGELINE_FUZZ_BODIES ?? 24);
const SEED = 20261206;

let serve: ServeProcess;
/** What was sent (by kind of input) and how it was answered (by status), for the test and the bench report. */
const outcomes = { requests: 0, dropped: 0, byStatus: new Map<number, number>(), byKind: new Map<string, number>() };

beforeAll(async () => {
  serve = await startServe(join(mkdtempSync(join(tmpdir(), 'ridgeline-fuzz-')), 'fuzz.db'));
});

afterAll(async () => {
  await serve?.stop();
  const serverErrors = [...outcomes.byStatus].filter(([status]) => status >= 500).reduce((n, [, count]) => n + count, 0);
  writeBenchReport('Serve mode under hostile input', [
    `${outcomes.requests} requests (seed ${SEED}, ${BODIES_PER_METHOD} random bodies per API method and the upload): ${serverErrors} answered 5xx, ${outcomes.dropped} connections dropped without an answer; every refusal a \`{code, message}\` other than INTERNAL, and the server answering normally afterwards.`,
    '',
    ...countTable('input', [...outcomes.byKind].sort((a, b) => b[1] - a[1])),
    '',
    ...countTable('answered with HTTP status', [...outcomes.byStatus].sort((a, b) => a[0] - b[0])),
  ]);
});

function pick<T>(rng: Pcg64, items: readonly T[]): T {
  return items[rng.integer(items.length)];
}

function randomString(rng: Pcg64, length: number): string {
  const alphabet = 'abcXYZ019 _-./\\\'"<>{}[]:,é中\u0000\u202e\ud83d\ude00';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[rng.integer(alphabet.length)];
  return s;
}

/** A random JSON value of any type, sometimes hostile. */
function randomValue(rng: Pcg64, depth = 0): unknown {
  switch (rng.integer(depth > 2 ? 7 : 10)) {
    case 0:
      return null;
    case 1:
      return rng.integer(2) === 0;
    case 2:
      return pick(rng, [0, -1, 1e308, -1e-308, 2 ** 53 + 1, 0.5, -0, 123456789]);
    case 3:
      return randomString(rng, rng.integer(40));
    case 4:
      return pick(rng, ['../../../../etc/passwd', '/etc/shadow', 'C:\\Windows\\win.ini', 'file:///etc/passwd', '\u0000', '%2e%2e%2f', 'builtin:../../x']);
    case 5:
      return 'x'.repeat(pick(rng, [1000, 100_000, 2_000_000]));
    case 6:
      return pick(rng, [{ __proto__: { polluted: true } }, JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: { polluted: 1 } } }]);
    case 7:
      return Array.from({ length: rng.integer(5) }, () => randomValue(rng, depth + 1));
    case 8:
      return Object.fromEntries(Array.from({ length: rng.integer(5) }, () => [pick(rng, ['id', 'ids', 'datasetId', 'hyperparams', 'source', 'kind', 'path', 'target', 'format', 'lambda', 'model', 'grid', randomString(rng, 6)]), randomValue(rng, depth + 1)]));
    default:
      return Array.from({ length: pick(rng, [10_000, 200_000]) }, (_, i) => `id${i}`);
  }
}

/** A body for a method: valid JSON of a random shape, or something that is not JSON at all; and its kind. */
function randomBody(rng: Pcg64): { kind: string; body: string | Uint8Array } {
  switch (rng.integer(8)) {
    case 0: {
      const bytes = new Uint8Array(rng.integer(200) + 1);
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.integer(256);
      return { kind: 'random bytes', body: bytes };
    }
    case 1: {
      const text = JSON.stringify(randomValue(rng));
      return { kind: 'truncated JSON', body: text.slice(0, Math.max(1, rng.integer(text.length))) };
    }
    case 2: {
      const depth = pick(rng, [1000, 100_000, 1_000_000]);
      return { kind: 'deep nesting', body: pick(rng, ['[', '{"a":']).repeat(depth) + (rng.integer(2) === 0 ? '' : ']'.repeat(depth)) };
    }
    default:
      return { kind: 'JSON of a random shape (wrong types, huge strings and arrays, prototype keys, traversal paths)', body: JSON.stringify(randomValue(rng)) };
  }
}

async function send(path: string, init: RequestInit, kind: string): Promise<{ status: number; body: unknown }> {
  outcomes.byKind.set(kind, (outcomes.byKind.get(kind) ?? 0) + 1);
  outcomes.requests++;
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${serve.origin}${path}`, init);
    text = await response.text();
  } catch (error) {
    outcomes.dropped++;
    throw new Error(`${kind} to ${path.slice(0, 60)}: no answer (${(error as Error).message})`);
  }
  outcomes.byStatus.set(response.status, (outcomes.byStatus.get(response.status) ?? 0) + 1);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Judged below.
  }
  return { status: response.status, body };
}

function expectAnswered(what: string, answer: { status: number; body: unknown }): void {
  expect(answer.status, what).toBeLessThan(500);
  const body = answer.body as { ok?: boolean; error?: { code?: unknown; message?: unknown } };
  expect(typeof body, `${what}: not JSON`).toBe('object');
  if (body.ok === true) return;
  expect(body.ok, what).toBe(false);
  expect(typeof body.error?.code, what).toBe('string');
  expect(typeof body.error?.message, what).toBe('string');
  expect(body.error?.code, `${what}: ${String(body.error?.message)}`).not.toBe('INTERNAL');
}

const auth = () => ({ Authorization: `Bearer ${serve.token}` });

describe('serve mode under hostile input (seeded)', () => {
  for (const method of [...API_METHODS, 'upload']) {
    it(`${method}: every malformed body gets a {code, message} below 500`, async () => {
      const rng = Pcg64.fromSeed(SEED + method.length * 7919 + method.charCodeAt(0));
      for (let k = 0; k < BODIES_PER_METHOD; k++) {
        const { kind, body } = randomBody(rng);
        const answer = await send(`/api/${method}`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: body as BodyInit }, kind);
        // exportReport and backupDatabase answer valid input with a file, not JSON: only their refusals are judged.
        if ((method === 'exportReport' || method === 'backupDatabase') && answer.status === 200) continue;
        expectAnswered(`${method} #${k}`, answer);
      }
    });
  }

  it('refuses bad tokens, wrong HTTP methods and odd paths with {code, message}', async () => {
    const tokens = ['', 'Bearer ', 'Bearer x', `Bearer ${serve.token}x`, `bearer ${serve.token}`, `Bearer ${'A'.repeat(100_000)}`, 'Basic Zm9vOmJhcg=='];
    for (const authorization of tokens) {
      const answer = await send('/api/listRuns', { method: 'POST', headers: authorization ? { Authorization: authorization } : {}, body: '{}' }, 'bad token');
      // A 100 kB header is over Node's header limit: 431, still with {code, message}.
      expect(answer.status, authorization.slice(0, 20)).toBe(authorization.length > 16_000 ? 431 : 401);
      expectAnswered(`token ${authorization.slice(0, 20)}`, answer);
    }
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) expectAnswered(`${method} listRuns`, await send('/api/listRuns', { method, headers: auth() }, 'wrong HTTP method'));
    for (const path of ['/api/', '/api/nope', '/api/__proto__', '/api/constructor', '/api/..%2f..%2fetc%2fpasswd', `/api/${'x'.repeat(5000)}`]) {
      expectAnswered(path.slice(0, 40), await send(path, { method: 'POST', headers: auth(), body: '{}' }, 'odd API path'));
    }
    // Static files never leave the renderer's folder.
    for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%5c..%5cetc%5cpasswd']) {
      const answer = await send(path, { method: 'GET' }, 'static path traversal');
      expect(answer.status).toBeLessThan(500);
      expect(String(answer.body)).not.toContain('root:');
    }
  });

  it('still answers normally, and no request was left without an answer', async () => {
    const answer = await send('/api/listRuns', { method: 'POST', headers: auth(), body: '{}' }, 'a valid request afterwards');
    expect(answer.status).toBe(200);
    expect(outcomes.requests).toBeGreaterThan(API_METHODS.length * BODIES_PER_METHOD);
    console.log(`fuzz: ${outcomes.requests} requests, by status ${JSON.stringify(Object.fromEntries(outcomes.byStatus))}`);
  });
});
