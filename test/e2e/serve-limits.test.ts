// Issue 14, item 3: a request over its size limit gets an answer, not a reset connection: 413 with the
// `{code, message}` error, for a declared length, for a chunked body without one, and for an upload
// declared past its limit (answered at once, the connection closed).
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../helpers/cli.ts';

let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServe(join(mkdtempSync(join(tmpdir(), 'ridgeline-limits-')), 'limits.db'));
});

afterAll(async () => {
  await serve?.stop();
});

interface Answer {
  status: number;
  body: { ok: boolean; error?: { code: string; message: string } };
}

/** Sends `size` bytes of a JSON-looking body in 1 MB chunks (declared or chunked) and reads the answer. */
function post(path: string, size: number, options: { declare?: number | null; extraHeaders?: Record<string, string> } = {}): Promise<Answer> {
  const url = new URL(path, serve.origin);
  return new Promise((resolve, reject) => {
    const declared = options.declare === undefined ? size : options.declare;
    const req = request(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json', ...(declared !== null ? { 'Content-Length': String(declared) } : {}), ...options.extraHeaders },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(1 << 20, 0x20);
    chunk[0] = 0x5b; // '['
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      if (declared === null || declared === size) req.end();
    };
    req.on('error', () => undefined);
    pump();
  });
}

describe('serve mode answers oversized requests with 413', () => {
  it('a 40 MB API request with its length declared', async () => {
    const answer = await post('/api/listRuns', 40 << 20);
    expect(answer.status).toBe(413);
    expect(answer.body.ok).toBe(false);
    expect(answer.body.error?.code).toBe('TOO_LARGE');
    expect(answer.body.error?.message).toMatch(/more than the 16\.0 MB an API request may have/);
  });

  it('a 40 MB chunked API request (no declared length)', async () => {
    const answer = await post('/api/startRun', 40 << 20, { declare: null });
    expect(answer.status).toBe(413);
    expect(answer.body.error?.code).toBe('TOO_LARGE');
  });

  it('an upload declared past its limit is answered at once', async () => {
    const started = Date.now();
    const answer = await post('/api/upload', 4 << 20, { declare: 5 * 1024 ** 3, extraHeaders: { 'X-Filename': 'huge.csv' } });
    expect(answer.status).toBe(413);
    expect(answer.body.error?.code).toBe('TOO_LARGE');
    expect(answer.body.error?.message).toMatch(/upload: 5\.0 GB is more than the 4\.0 GB/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('still serves normal requests afterwards', async () => {
    const response = await fetch(`${serve.origin}/api/listRuns`, { method: 'POST', headers: { Authorization: `Bearer ${serve.token}` }, body: '{}' });
    expect(response.status).toBe(200);
  });
});
