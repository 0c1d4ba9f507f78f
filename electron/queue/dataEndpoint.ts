import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { RidgelineError, type ErrorCode } from '../../shared/errors.ts';
import { mebibytes } from './dataTransport.ts';
import { endpointOrigin, type EndpointAddress } from './endpointAddress.ts';

/**
 * The coordinator's data endpoint: the road for sweep data too large for Redis (or sent this way by
 * choice, --data-via coordinator). A worker asks `GET /data/<sha256>` with `Authorization: Bearer
 * <token>`. Each sweep has its own random token, and a token opens exactly one content hash (its
 * sweep's data), only while that sweep runs here. Plain node:http: the token keeps other clients out,
 * and the hash, which the worker checks, keeps the bytes honest. Refusals are `{code, message}` JSON.
 */
export interface DataGrant {
  token: string;
  /** SHA-256 (hex) of the bytes. */
  hash: string;
  bytes: number;
  /** The sweep's data file (sweepData.ts layout), read afresh for each request. */
  file: string;
}

interface HeldGrant extends Omit<DataGrant, 'token'> {
  /** The token's own SHA-256: compared in constant time, and the token itself is not kept. */
  tokenDigest: Buffer;
}

const DATA_PATH = /^\/data\/([0-9a-f]{64})$/;

/** A fresh token: 256 random bits, URL-safe. */
export function newDataToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Why a port could not be taken, in the words of the option that named it. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is in use',
  EADDRNOTAVAIL: 'that is not an address of this machine',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
};

export class DataEndpoint {
  /** By the key the grant was given under (a sweep id): one per sweep this coordinator runs. */
  private readonly grants = new Map<string, HeldGrant>();

  private constructor(
    private readonly server: Server,
    /** `http://host:port`, the port the one taken. */
    readonly origin: string,
    private readonly log: (line: string) => void,
  ) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.answer(request, response));
  }

  /** Listens on `address`; fails with one line (BAD_OPTIONS) when it cannot. */
  static async listen(address: EndpointAddress, log: (line: string) => void): Promise<DataEndpoint> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const why = LISTEN_ERRORS[error.code ?? ''] ?? error.message;
        reject(new RidgelineError('BAD_OPTIONS', `cannot serve the sweep's data at ${endpointOrigin(address).slice('http://'.length)}: ${why}`));
      });
      server.listen(address.port, address.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    // A worker whose machine vanished must not hold a socket (and its file) open for ever.
    server.keepAliveTimeout = 5000;
    return new DataEndpoint(server, endpointOrigin({ host: address.host, port }), log);
  }

  /** Serves `grant`'s bytes to its token from now on; returns the URL workers fetch them from. */
  grant(key: string, grant: DataGrant): string {
    const { token, ...rest } = grant;
    this.grants.set(key, { ...rest, tokenDigest: digest(token) });
    return this.urlOf(grant.hash);
  }

  /** Stops serving what was granted under `key` (its sweep's execution ended here). */
  revoke(key: string): void {
    this.grants.delete(key);
  }

  urlOf(hash: string): string {
    return `${this.origin}/data/${hash}`;
  }

  close(): Promise<void> {
    this.grants.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // A transfer in flight is cut: its worker fails the cell as "unreachable" and tries again later.
      this.server.closeAllConnections();
    });
  }

  /** The grant `authorization` opens, or null. Every grant is compared (no early exit), each in constant time. */
  private grantOf(authorization: string | undefined): HeldGrant | null {
    const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(authorization ?? '');
    if (!match) return null;
    const given = digest(match[1]);
    let found: HeldGrant | null = null;
    for (const grant of this.grants.values()) {
      if (timingSafeEqual(given, grant.tokenDigest)) found = grant;
    }
    return found;
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return refuse(response, 405, 'BAD_REQUEST', 'the data endpoint answers GET only');
    }
    const grant = this.grantOf(request.headers.authorization);
    if (!grant) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      return refuse(response, 401, 'UNAUTHORIZED', 'a valid data token is required (Authorization: Bearer TOKEN, from the queued cell)');
    }
    const path = DATA_PATH.exec((request.url ?? '').split('?')[0]);
    // A token opens its own sweep's data only: any other path is not there, as far as it can tell.
    if (!path || path[1] !== grant.hash) return refuse(response, 404, 'NOT_FOUND', 'no such data here for this token');
    const stream = createReadStream(grant.file);
    stream.once('error', () => {
      // The sweep's execution ended and its file went between the grant's check and the read.
      if (!response.headersSent) refuse(response, 404, 'NOT_FOUND', 'these data are no longer served here');
      else response.destroy();
    });
    stream.once('open', () => {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': grant.bytes, 'Cache-Control': 'no-store' });
      if (request.method === 'HEAD') {
        stream.destroy();
        response.end();
        return;
      }
      const started = performance.now();
      stream.pipe(response);
      response.once('finish', () => {
        const seconds = (performance.now() - started) / 1000;
        this.log(`coordinator: data ${grant.hash.slice(0, 12)} (${mebibytes(grant.bytes)}) sent to ${request.socket.remoteAddress ?? 'a worker'} in ${seconds.toFixed(3)} s`);
      });
    });
    response.once('close', () => stream.destroy());
  }
}

function refuse(response: ServerResponse, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ code, message });
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  response.end(body);
}
