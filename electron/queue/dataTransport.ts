import { createHash } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { RidgelineError } from '../../shared/errors.ts';
import { fetchFromCoordinator, type DataSource } from './dataFetch.ts';
import { dataKey } from './queueKeys.ts';

/**
 * A sweep's data reach the workers by content: the bytes of its data file (sweepData.ts: raw
 * little-endian Float64 columns behind a small header) are named by their SHA-256, and each worker
 * fetches them once, checks the byte count and the hash and keeps them in a file its trainer processes
 * read. Two roads: through Redis, under their hash, when they fit (up to MAX_DATA_BYTES); or from the
 * coordinator's own endpoint (dataEndpoint.ts), whose URL and token the cell carries, when they are
 * larger or the user asks for it (dataRoads.ts decides).
 */
export const MAX_DATA_BYTES = 64 * 1024 * 1024;

/**
 * The data stay in Redis this long after the coordinator last refreshed them (it does so while it
 * runs): the queued cells of a coordinator that died can still be trained, then the memory is freed.
 */
export const DATA_TTL_SECONDS = 3600;

export interface DataRef {
  hash: string;
  bytes: number;
  /** Set when the data come from the coordinator rather than from Redis. */
  endpoint?: DataSource;
}

export function dataRefOf(bytes: Uint8Array): DataRef {
  return { hash: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength };
}

export const mebibytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Stores the data once (or refreshes their lifetime when another sweep stored the same bytes). */
export async function publishData(client: Redis, bytes: Uint8Array): Promise<DataRef> {
  const ref = dataRefOf(bytes);
  // dataRoads.ts sends larger data the other road; this is the last guard.
  if (ref.bytes > MAX_DATA_BYTES) throw new RidgelineError('INTERNAL', `the sweep's data take ${mebibytes(ref.bytes)}, more than the ${mebibytes(MAX_DATA_BYTES)} sent through Redis`);
  const stored = await client.set(dataKey(ref.hash), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', DATA_TTL_SECONDS, 'NX');
  if (stored === null) await client.expire(dataKey(ref.hash), DATA_TTL_SECONDS);
  return ref;
}

export async function refreshData(client: Redis, ref: DataRef): Promise<void> {
  await client.expire(dataKey(ref.hash), DATA_TTL_SECONDS);
}

/** How a worker got a sweep's data: what it logs (and `npm run bench:queue` reads). */
export interface DataFetched {
  ref: DataRef;
  /** 'the queue' or 'the coordinator at http://host:port'. */
  from: string;
  ms: number;
}

/**
 * A worker's copies of sweep data, as files in its own folder (the trainer processes read them by
 * path and keep the last one in memory). Each is fetched once per hash, however many cells (and
 * whichever sweeps) ask at once; the least recently used beyond `keep` are deleted when no cell uses them.
 */
export class DataCache {
  private readonly entries = new Map<string, { file: Promise<string>; users: number; usedAt: number }>();
  private clock = 0;

  constructor(
    private readonly client: Redis,
    private readonly dir: string,
    private readonly onFetched: (fetched: DataFetched) => void = () => undefined,
    private readonly keep = 4,
  ) {}

  /** The file holding `ref`'s bytes; release it when the cell is done. */
  async acquire(ref: DataRef): Promise<string> {
    let entry = this.entries.get(ref.hash);
    if (!entry) {
      entry = { file: this.fetch(ref), users: 0, usedAt: 0 };
      this.entries.set(ref.hash, entry);
      // A failed fetch is not cached: the next cell tries again.
      entry.file.catch(() => this.entries.delete(ref.hash));
    }
    entry.users++;
    entry.usedAt = ++this.clock;
    try {
      return await entry.file;
    } catch (error) {
      entry.users--;
      throw error;
    }
  }

  release(ref: DataRef): void {
    const entry = this.entries.get(ref.hash);
    if (entry) entry.users--;
    this.evict();
  }

  private async fetch(ref: DataRef): Promise<string> {
    const file = join(this.dir, `${ref.hash}.bin`);
    const started = performance.now();
    if (ref.endpoint) {
      await fetchFromCoordinator(ref.endpoint, ref, file);
      this.onFetched({ ref, from: `the coordinator at ${new URL(ref.endpoint.url).origin}`, ms: performance.now() - started });
      return file;
    }
    const bytes = await this.client.getBuffer(dataKey(ref.hash));
    if (bytes === null) {
      throw new RidgelineError('BAD_DATA', `the sweep's data (${ref.hash.slice(0, 12)}) are no longer in the queue: resume the sweep (its coordinator sends them again)`);
    }
    const got = dataRefOf(bytes);
    if (got.hash !== ref.hash || got.bytes !== ref.bytes) {
      throw new RidgelineError('BAD_DATA', `the sweep's data in the queue do not match their hash (${got.bytes} bytes, hash ${got.hash.slice(0, 12)}; expected ${ref.bytes} bytes, ${ref.hash.slice(0, 12)})`);
    }
    // Written beside and renamed: a trainer never reads half a file.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, bytes);
    renameSync(temp, file);
    this.onFetched({ ref, from: 'the queue', ms: performance.now() - started });
    return file;
  }

  private evict(): void {
    const idle = [...this.entries].filter(([, e]) => e.users === 0).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [hash] of idle.slice(0, Math.max(0, this.entries.size - this.keep))) {
      this.entries.delete(hash);
      rmSync(join(this.dir, `${hash}.bin`), { force: true });
    }
  }
}
