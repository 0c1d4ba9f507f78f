import { RidgelineError } from './errors.ts';

/**
 * Where the sweep queue lives: a Redis server, as `redis://[:password@]host:port[/db]` or `rediss://…`.
 * Pure (no Node, no DOM): the CLI, the services and the app's launcher check a URL by the same rules.
 */
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

/** The WHATWG URL parser, which Node and every browser have; typed here, as shared/ sees neither's types. */
interface ParsedUrl {
  protocol: string;
  username: string;
  password: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
}
const WhatwgUrl = (globalThis as unknown as { URL: new (raw: string) => ParsedUrl }).URL;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;

/** 127.0.0.0/8, ::1 and localhost: a server only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (IPV4.test(bare)) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

function bad(message: string): never {
  throw new RidgelineError('BAD_OPTIONS', message);
}

/**
 * Parses and checks a queue URL. A password is required unless the host is loopback: a Redis
 * server reachable from other machines must not take jobs (or hand out data) to anyone who asks.
 */
export function parseQueueUrl(raw: string): QueueAddress {
  let url: ParsedUrl;
  try {
    url = new WhatwgUrl(raw);
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

/** Masks the password wherever a client library's message might repeat it. */
export function redact(text: string, address: Pick<QueueAddress, 'password'>): string {
  return address.password ? text.split(address.password).join('***') : text;
}
