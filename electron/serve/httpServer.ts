import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename, extname, join, normalize, sep } from 'node:path';
import { RidgelineError, toErrorInfo, type ErrorCode } from '../../shared/errors.ts';
import { CONTENT_SECURITY_POLICY } from '../../shared/security.ts';
import { encodeWire as encodePortable, decodeWire } from '../../shared/wire.ts';

const nodeBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const encodeWire = (value: unknown): string => encodePortable(value, nodeBase64);
import { dispatch } from '../core/dispatch.ts';
import type { ServicesHost } from '../core/servicesHost.ts';
import { freshSibling } from '../core/db/databaseFiles.ts';
import type { ApiParsedInput } from '../../shared/api.ts';
import { parseApiInput } from '../../shared/validate.ts';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * A body over its limit is read and thrown away up to this many bytes before the 413 goes out: a
 * client still sending when the server answers and closes sees its connection reset, not the answer.
 * Past this cap (or a declared length past it) the answer goes at once and the connection is closed.
 */
const DISCARD_CAP_BYTES = 256 * 1024 * 1024;
const SSE_KEEPALIVE_MS = 15_000;
/** Unsent events one stream may hold before it is cut off: far more than a client that reads ever lags by. */
const SSE_BACKLOG_LIMIT_BYTES = 32 * 1024 * 1024;


const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  BAD_DATA: 422,
  BAD_OPTIONS: 422,
  DB_TOO_NEW: 409,
  TOO_LARGE: 413,
  DISK_FULL: 507,
  // The sweep queue is a service this one depends on: unreachable is 503, an incompatible worker 409.
  QUEUE_UNREACHABLE: 503,
  ENGINE_MISMATCH: 409,
};

export interface ServeHandle {
  server: Server;
  url: string;
  token: string;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Serve mode's HTTP shell: the built renderer as static files, the API under /api/ (POST per
 * method, events as server-sent events). Every /api/ request must carry the per-launch token as
 * `Authorization: Bearer …`; the Host header must name this server (no DNS rebinding).
 */
export async function startHttpServer(options: { services: ServicesHost; staticDir: string; host: string; port: number; token?: string }): Promise<ServeHandle> {
  const { services, staticDir, host } = options;
  const token = options.token ?? newToken();
  const tokenBytes = Buffer.from(token);
  const streams = new Set<ServerResponse>();
  let allowedHosts = new Set<string>();

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, error));
  });
  // Requests Node's parser refuses before any handler sees them (headers too large, malformed lines)
  // still get a `{code, message}` answer rather than Node's bare one or a closed socket.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify({ ok: false, error: { code: tooLarge ? 'TOO_LARGE' : 'BAD_REQUEST', message: tooLarge ? 'the request headers are too large' : `the request could not be read as HTTP (${error.code ?? error.message})` } });
    socket.end(`HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      return sendError(res, new RidgelineError('FORBIDDEN_SENDER', `requests must address this server by ${[...allowedHosts][0]}`), 421);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      if (!authorized(req)) {
        return sendError(res, new RidgelineError('UNAUTHORIZED', 'this request lacks the token printed by `ridgeline serve`'));
      }
      const name = url.pathname.slice('/api/'.length);
      if (name === 'upload') {
        if (req.method !== 'POST') return sendError(res, new RidgelineError('BAD_REQUEST', 'upload: use POST'), 405);
        return sendJson(res, 200, { ok: true, value: await receiveUpload(req, services) });
      }
      if (name === 'events') {
        if (req.method !== 'GET') return sendError(res, new RidgelineError('BAD_REQUEST', 'events: use GET'), 405);
        return openEventStream(res);
      }
      if (req.method !== 'POST') return sendError(res, new RidgelineError('BAD_REQUEST', `${name}: use POST`), 405);
      const body = await readBody(req);
      let input: unknown;
      try {
        input = body.length === 0 ? {} : decodeWire(body);
      } catch {
        throw new RidgelineError('BAD_REQUEST', `${name}: the request body is not valid JSON`);
      }
      // exportReport and backupDatabase answer with the file itself (a download), not with a JSON envelope.
      if (name === 'exportReport') return sendReport(res, parseApiInput('exportReport', input));
      if (name === 'backupDatabase') {
        parseApiInput('backupDatabase', input);
        return sendBackup(res);
      }
      const value = await dispatch(services.handlers, name, input);
      return sendJson(res, 200, { ok: true, value });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, new RidgelineError('BAD_REQUEST', 'only GET serves files'), 405);
    serveStatic(url.pathname, res);
  }

  /** `POST /api/exportReport`: validated like every method, answered with the file as an attachment. */
  async function sendReport(res: ServerResponse, { target, format }: ApiParsedInput<'exportReport'>): Promise<void> {
    const report = await services.buildReport(target, format);
    res.writeHead(200, {
      'Content-Type': report.mimeType,
      'Content-Length': report.bytes.byteLength,
      'Content-Disposition': `attachment; filename="${report.fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
      'X-Ridgeline-File-Name': encodeURIComponent(report.fileName),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(report.bytes);
  }

  /**
   * `POST /api/backupDatabase`: a consistent copy made into a temporary folder, sent as an attachment and
   * removed. Nothing is written beside the database, and the browser, not the server, decides where the
   * file goes (it never replaces a file without asking).
   */
  async function sendBackup(res: ServerResponse): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-backup-'));
    try {
      const { out, bytes } = await services.backupTo(freshSibling(join(dir, basename(services.databasePath)), 'backup'));
      const fileName = basename(out);
      res.writeHead(200, {
        'Content-Type': 'application/vnd.sqlite3',
        'Content-Length': bytes,
        'Content-Disposition': `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        'X-Ridgeline-File-Name': encodeURIComponent(fileName),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      await pipeline(createReadStream(out), res);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), SSE_KEEPALIVE_MS);
    res.on('close', () => {
      clearInterval(keepalive);
      streams.delete(res);
    });
  }

  // One subscription for every stream: each event is encoded once, however many clients listen (20
  // clients used to cost 20 encodings of every progress batch).
  const stopFanOut = services.events.subscribe((event) => {
    if (streams.size === 0) return;
    const frame = `data: ${encodeWire(event)}\n\n`;
    for (const stream of streams) {
      // A client that stops reading would have the server hold its events without bound: it is cut off
      // instead, and reloads what it shows when it reconnects (the client emits runsChanged then).
      if (stream.writableLength > SSE_BACKLOG_LIMIT_BYTES) stream.destroy();
      else stream.write(frame);
    }
  });

  function serveStatic(pathname: string, res: ServerResponse): void {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    const file = join(staticDir, relative === '' ? 'index.html' : relative);
    if (!file.startsWith(staticDir + sep) && file !== staticDir) {
      return sendError(res, new RidgelineError('NOT_FOUND', 'no such file'));
    }
    const target = existsSync(file) && statSync(file).isFile() ? file : join(staticDir, 'index.html');
    const type = CONTENT_TYPES[extname(target)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
    });
    createReadStream(target).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  const port = address.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  allowedHosts = new Set([`${shownHost}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);

  return {
    server,
    token,
    url: `http://${shownHost}:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        stopFanOut();
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Uploads are streamed to a temp file (never held in memory), at most this large. */
const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
let uploadDir: string | null = null;

/** `POST /api/upload`: the raw file as the body, its name in `X-Filename` (URI-encoded). */
async function receiveUpload(req: IncomingMessage, services: ServicesHost): Promise<{ uploadId: string; name: string; bytes: number }> {
  const name = decodeURIComponent(String(req.headers['x-filename'] ?? 'upload.csv')).replace(/[/\\]/g, '_').slice(0, 200) || 'upload.csv';
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_UPLOAD_BYTES) {
    await discardBody(req);
    throw tooLarge(`upload: ${formatBytes(declared)} is more than the ${formatBytes(MAX_UPLOAD_BYTES)} an upload may have`);
  }
  uploadDir ??= mkdtempSync(join(tmpdir(), 'ridgeline-uploads-'));
  const path = join(uploadDir, `${randomBytes(8).toString('hex')}-${name}`);
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > MAX_UPLOAD_BYTES) callback(tooLarge(`upload: the file is more than the ${formatBytes(MAX_UPLOAD_BYTES)} an upload may have`));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(req, limit, createWriteStream(path));
  } catch (error) {
    rmSync(path, { force: true });
    if (error instanceof RidgelineError && error.code === 'TOO_LARGE') {
      await discardBody(req);
      throw error;
    }
    throw error instanceof RidgelineError ? error : new RidgelineError('BAD_REQUEST', `upload: the transfer failed (${(error as Error).message})`);
  }
  return services.registerUpload(path, name, bytes);
}

function tooLarge(message: string): RidgelineError {
  return new RidgelineError('TOO_LARGE', message);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/**
 * Reads the rest of a request and throws it away, so the client gets to read the answer; gives up (and
 * marks the connection to be closed) past DISCARD_CAP_BYTES or a declared length past it.
 */
function discardBody(req: IncomingMessage): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (req.complete || req.destroyed) return Promise.resolve();
  if (declared > DISCARD_CAP_BYTES) {
    closeAfterAnswer.add(req);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > DISCARD_CAP_BYTES) {
        req.off('data', onData);
        req.pause();
        closeAfterAnswer.add(req);
        resolve();
      }
    };
    req.on('data', onData);
    req.once('end', () => resolve());
    req.once('error', () => resolve());
    req.once('close', () => resolve());
    req.resume();
  });
}

/** Requests whose body was not read to its end: their connection closes once the answer is sent. */
const closeAfterAnswer = new WeakSet<IncomingMessage>();

/** The JSON body of an API request, at most MAX_BODY_BYTES; past that, TOO_LARGE once the body is read. */
function readBody(req: IncomingMessage): Promise<string> {
  const limitMessage = `the request body is more than the ${formatBytes(MAX_BODY_BYTES)} an API request may have`;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return discardBody(req).then(() => Promise.reject(tooLarge(limitMessage)));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      chunks.length = 0;
      // Counted from here on by the discard, which starts over: the cap is on what is thrown away.
      discardBody(req).then(() => reject(tooLarge(limitMessage)));
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size <= MAX_BODY_BYTES) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = encodeWire(body);
  const close = closeAfterAnswer.has(res.req);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(text, () => {
    // The rest of the body is not wanted: stop reading it once the answer is out.
    if (close) res.req.socket?.destroy();
  });
}

function sendError(res: ServerResponse, error: unknown, status?: number): void {
  const info = toErrorInfo(error);
  if (info.code === 'INTERNAL') console.error(error);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status ?? STATUS_OF[info.code] ?? 500, { ok: false, error: info });
}
