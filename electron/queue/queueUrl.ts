import { isIP } from 'node:net';
import { RidgelineError } from '../../shared/errors.ts';

/** Where the sweep queue lives: a Redis server, as `redis://[:password@]host:port[/db]` or `rediss://…`. */
export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  username: string | undefined;
  password: string | undefined;
  /** `rediss://`: TLS, passed through to the client as is (the system's CAs verify the server). */
  tls: boolean;
  /** The URL with its password masked: the only form that is ever logged or put in a message. */
  display: string;
}

const DEFAULT_PORT = 6379;

/** 127.0.0.0/8, ::1 and localhost: a server only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}

function bad(message: string): never {
  throw new RidgelineError('BAD_OPTIONS', message);
}

/**
 * Parses and checks a queue URL. A password is required unless the host is loopback: a Redis
 * server reachable from other machines must not take jobs (or hand out data) to anyone who asks.
 */
export function parseQueueUrl(raw: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo the raw text: it may hold a password.
    bad('the queue URL is not a URL (expected redis://[:password@]host:port[/db] or rediss://…)');
  }
  const tls = url.protocol === 'rediss:';
  if (url.protocol !== 'redis:' && !tls) bad(`the queue URL must start with redis:// or rediss:// (got ${url.protocol}//)`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') bad('the queue URL names no host');
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  if (port < 1) bad('the queue URL\'s port must be 1–65535');
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) bad(`the queue URL's database must be a number (got /${path})`);
  const db = path === '' ? 0 : Number(path);
  if (url.search !== '' || url.hash !== '') bad('the queue URL takes no query or fragment');
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  const where = `${url.protocol}//${host.includes(':') ? `[${host}]` : host}:${port}/${db}`;
  if (password === undefined && !isLoopbackHost(host)) {
    bad(`the queue at ${where} needs a password (redis://:PASSWORD@${host.includes(':') ? `[${host}]` : host}:${port}): only a loopback server may go without one`);
  }
  const display = `${url.protocol}//${username || password ? `${username ?? ''}${password ? ':***' : ''}@` : ''}${where.slice(url.protocol.length + 2)}`;
  return { host, port, db, username, password, tls, display };
}

/** The queue URL from --queue, or else RIDGELINE_QUEUE; undefined when neither is given. */
export function queueUrlFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (option !== undefined) return option;
  const fromEnv = env.RIDGELINE_QUEUE;
  return fromEnv === undefined || fromEnv.trim() === '' ? undefined : fromEnv.trim();
}

/** Masks the password wherever a client library's message might repeat it. */
export function redact(text: string, address: Pick<QueueAddress, 'password'>): string {
  return address.password ? text.split(address.password).join('***') : text;
}
