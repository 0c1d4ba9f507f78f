// Serve mode's HTTP shell, black-box: the token, the Host check, schema errors as {code, message},
// server-sent events, and a clean SIGTERM that records runs in flight as interrupted.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../shared/wire.ts';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.ts';

let serve: ServeProcess;
let dbPath: string;

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'ridgeline-serve-')), 'serve.db');
  serve = await startServe(dbPath);
});
afterAll(async () => {
  await serve?.stop();
});

async function api(method: string, body: unknown, token: string | null = serve.token): Promise<{ status: number; body: any }> {
  const response = await fetch(`${serve.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token !== null ? { Authorization: `Bearer ${token}` } : {}) },
    body: encodeWire(body),
  });
  return { status: response.status, body: decodeWire(await response.text()) };
}

describe('ridgeline serve', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('answers 401 to API requests without the right token, and serves the page without one', async () => {
    expect((await api('listRuns', {}, null)).status).toBe(401);
    const wrong = await api('listRuns', {}, `${serve.token.slice(0, -1)}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHORIZED');
    const events = await fetch(`${serve.origin}/api/events`);
    expect(events.status).toBe(401);
    const page = await fetch(`${serve.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toMatch(/<div id="app"|<body/);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(serve.origin);
      const req = request({ host: url.hostname, port: url.port, path: '/api/listRuns', method: 'POST', headers: { Host: 'evil.example:80', Authorization: `Bearer ${serve.token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
  });

  it('validates input and reports {code, message}', async () => {
    const bad = await api('startRun', { datasetId: 'builtin:seed', hyperparams: { model: 'linear', lambda: -1, alpha: 0, solver: 'gd' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/hyperparams\.lambda: λ must be ≥ 0/) } });
    expect((await api('noSuchMethod', {})).status).toBe(404);
    const missing = await api('getRun', { id: 'run_missing' });
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it('streams run events over server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${serve.origin}/api/events`, { headers: { Authorization: `Bearer ${serve.token}` }, signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const started = await api('startRun', { datasetId: 'builtin:seed', hyperparams: { model: 'linear', lambda: 1e-4, alpha: 0, solver: 'gd', learningRate: 0.01, maxIter: 1000, tol: 0 } });
    expect(started.status).toBe(200);
    const runId = started.body.value.runId as string;
    let text = '';
    const decoder = new TextDecoder();
    while (!/"status":"completed"/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    const events = text.split('\n\n').filter((chunk) => chunk.startsWith('data: ')).map((chunk) => decodeWire<any>(chunk.slice(6)));
    expect(events.filter((e) => e.runId === runId && e.type === 'runStatus').map((e) => e.status)).toEqual(['queued', 'running', 'completed']);
    const steps = events.filter((e) => e.runId === runId && e.type === 'runProgress').reduce((n, e) => n + e.batch.count, 0);
    expect(steps).toBe(1001);
  });

  it('stops cleanly on SIGTERM, recording a run in flight as interrupted', async () => {
    const long = await api('startRun', { datasetId: 'builtin:seed', hyperparams: { model: 'linear', lambda: 1e-4, alpha: 0, solver: 'gd', learningRate: 0.01, maxIter: 9_000_000, tol: 0 } });
    const runId = long.body.value.runId as string;
    for (let i = 0; i < 200; i++) {
      if ((await api('getRun', { id: runId })).body.value.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await serve.stop('SIGTERM')).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const row = db.prepare('SELECT status, status_reason FROM runs WHERE id = ?').get(runId) as { status: string; status_reason: string };
    db.close();
    expect(row.status).toBe('interrupted');
    expect(row.status_reason).toMatch(/SIGTERM/);
    const listed = JSON.parse(runCli(['runs', '--db', dbPath, '--json']).stdout) as { id: string; status: string }[];
    expect(listed.find((r) => r.id === runId)?.status).toBe('interrupted');
  });
});

describe('ridgeline serve: uploads and imports', () => {
  let importServe: ServeProcess;
  beforeAll(async () => {
    importServe = await startServe(join(mkdtempSync(join(tmpdir(), 'ridgeline-import-')), 'import.db'));
  });
  afterAll(async () => {
    await importServe?.stop();
  });

  async function call(method: string, body: unknown): Promise<any> {
    const response = await fetch(`${importServe.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${importServe.token}` },
      body: encodeWire(body),
    });
    return decodeWire(await response.text());
  }

  it('uploads a file (token required), previews it, imports it with progress, and refuses path sources', async () => {
    const csv = 'size,color,price\n1,red,10\n2,blue,20\n,red,30\n4,green,40\n';
    const refused = await fetch(`${importServe.origin}/api/upload`, { method: 'POST', body: csv });
    expect(refused.status).toBe(401);
    const uploaded = await fetch(`${importServe.origin}/api/upload`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${importServe.token}`, 'X-Filename': encodeURIComponent('houses.csv'), 'Content-Type': 'text/csv' },
      body: csv,
    });
    const upload = decodeWire<any>(await uploaded.text()).value;
    expect(upload).toMatchObject({ name: 'houses.csv', bytes: csv.length });
    const preview = (await call('previewImport', { source: { kind: 'upload', uploadId: upload.uploadId } })).value;
    expect(preview.columns.map((c: { kind: string }) => c.kind)).toEqual(['numeric', 'categorical', 'numeric']);

    const events = await fetch(`${importServe.origin}/api/events`, { headers: { Authorization: `Bearer ${importServe.token}` } });
    const reader = events.body!.getReader();
    const started = (await call('startImport', { source: { kind: 'upload', uploadId: upload.uploadId }, options: { name: 'Houses', target: 'price', categorical: ['color'], missing: 'mean' } })).value;
    let text = '';
    while (!text.includes('importFinished') && !text.includes('importFailed')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain(`"importId":"${started.importId}"`);
    expect(text).toContain('importFinished');
    const datasets = (await call('listDatasets', {})).value as { name: string; features: string[]; rows: number; importDetails: { missingPolicy: string } }[];
    const houses = datasets.find((d) => d.name === 'Houses')!;
    expect(houses).toMatchObject({ rows: 4, features: ['size', 'color=blue', 'color=green', 'color=red'] });
    expect(houses.importDetails.missingPolicy).toBe('mean');
    // The upload is consumed by its import, and serve mode never reads paths named by a client.
    expect((await call('previewImport', { source: { kind: 'upload', uploadId: upload.uploadId } })).error.code).toBe('NOT_FOUND');
    expect((await call('previewImport', { source: { kind: 'path', path: '/etc/passwd' } })).error.message).toMatch(/imports uploaded files only/);
  });
});
