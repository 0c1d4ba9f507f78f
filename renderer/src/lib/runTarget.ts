import { parseQueueUrl } from '../../../shared/queueUrl.ts';

/**
 * The sweep launcher's "Run on" choice: this machine, or the workers of a queue (a Redis URL, checked by
 * the CLI's rules in shared/queueUrl.ts). The URL is remembered in localStorage, its password never:
 * Web Storage is plain text in the browser profile on disk, readable by any script of the page and kept
 * indefinitely, and a Redis password lets whoever holds it take the data sets queued there and feed
 * results in. So the password stays in this window's memory only, and is asked again after a reload.
 */
export type RunOnKind = 'local' | 'queue';

export interface RunOnChoice {
  kind: RunOnKind;
  /** The queue URL without its password. */
  url: string;
}

export const RUN_ON_STORAGE_KEY = 'ridgeline.sweepRunOn';
const MAX_URL_LENGTH = 2048;

function parsed(text: string): URL | null {
  try {
    return new URL(text.trim());
  } catch {
    return null;
  }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A URL typed or pasted with its password in it → the URL without it, and the password (null if none). */
export function splitPassword(text: string): { url: string; password: string | null } {
  const url = parsed(text);
  if (url === null || url.password === '') return { url: text, password: null };
  const password = decoded(url.password);
  url.password = '';
  return { url: url.toString(), password };
}

/**
 * The text that may be stored for a URL field: the URL without its password, or '' for text that is not
 * a URL but has an `@` or a `:` after `//` in it (half-typed, it may hold part of a password).
 */
export function urlWithoutPassword(text: string): string {
  const url = parsed(text);
  if (url === null) return /\/\/[^/]*[:@]/.test(text) || text.length > MAX_URL_LENGTH ? '' : text.trim();
  url.password = '';
  return url.toString();
}

/** The URL the services connect to: `url` with `password` put in (percent-encoded, as URLs carry it). */
export function composeQueueUrl(url: string, password: string): string {
  const parsedUrl = parsed(url);
  if (parsedUrl === null || password === '') return url.trim();
  parsedUrl.password = encodeURIComponent(password);
  return parsedUrl.toString();
}

/** What keeps the queue target from being used, in words (the CLI's rules), or null. */
export function queueProblem(url: string, password: string): string | null {
  if (url.trim() === '') return 'Enter the queue URL: redis://host:port/db (or rediss:// for TLS).';
  try {
    parseQueueUrl(composeQueueUrl(url, password));
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
  }
}

/** The URL as shown beside "Resume" and in messages: its password masked. */
export function maskedQueueUrl(url: string, password: string): string {
  try {
    return parseQueueUrl(composeQueueUrl(url, password)).display;
  } catch {
    return urlWithoutPassword(url);
  }
}

/** What localStorage keeps of a choice: its kind and the URL without its password. */
export function runOnForStorage(choice: RunOnChoice): string {
  return JSON.stringify({ kind: choice.kind, url: urlWithoutPassword(choice.url) });
}

/** A stored choice read back (checked: it is input like any other); this machine when there is none. */
export function readRunOn(raw: string | null | undefined): RunOnChoice {
  const fallback: RunOnChoice = { kind: 'local', url: '' };
  if (!raw) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return fallback;
  }
  if (typeof value !== 'object' || value === null) return fallback;
  const { kind, url } = value as { kind?: unknown; url?: unknown };
  if (kind !== 'local' && kind !== 'queue') return fallback;
  return { kind, url: typeof url === 'string' ? urlWithoutPassword(url) : '' };
}
