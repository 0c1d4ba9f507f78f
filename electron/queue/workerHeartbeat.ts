import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { WorkerHeartbeat } from '../core/sweeps/sweepQueues.ts';
import { workerKey } from './queueKeys.ts';

/**
 * Each worker says it is alive every few seconds: a small record under `ridgeline:worker:<host:pid>`,
 * rewritten with its full lifetime each time. Its age is then the lifetime less what Redis says is left
 * of it (PTTL), so readers on other machines need no synchronized clocks. A record outlives its worker
 * by HEARTBEAT_TTL_MS, so a worker that died shows as silent for a while before it is forgotten.
 */
export const HEARTBEAT_INTERVAL_MS = 5000;
export const HEARTBEAT_TTL_MS = 15 * 60_000;

const RecordSchema = z
  .object({
    v: z.literal(1),
    host: z.string().min(1).max(255),
    pid: z.number().int().min(0),
    intervalMs: z.number().int().min(1),
    ttlMs: z.number().int().min(1),
    stopped: z.boolean(),
  })
  .strict();
type HeartbeatRecord = z.infer<typeof RecordSchema>;

export function encodeHeartbeat(record: Omit<HeartbeatRecord, 'v'>): string {
  return JSON.stringify({ v: 1, ...record });
}

/**
 * A heartbeat as read from Redis (its text and its PTTL), or null when there is none or it is not one
 * (another version's, or anything else): what Redis holds is checked like any input.
 */
export function decodeHeartbeat(text: string | null, pttlMs: number): WorkerHeartbeat | null {
  if (text === null || pttlMs < 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const result = RecordSchema.safeParse(parsed);
  if (!result.success) return null;
  const { host, pid, intervalMs, ttlMs, stopped } = result.data;
  return { ageMs: Math.max(0, ttlMs - pttlMs), intervalMs, stopped, host, pid };
}

export interface HeartbeatOptions {
  name: string;
  host: string;
  pid: number;
  intervalMs?: number;
  ttlMs?: number;
  /** A heartbeat that could not be written (the connection is down): the next one tries again. */
  onError: (error: unknown) => void;
}

/** Beats now and every interval until stopped; stopping writes a last heartbeat that says so. */
export async function startHeartbeat(client: Redis, options: HeartbeatOptions): Promise<{ stop(): Promise<void> }> {
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const ttlMs = options.ttlMs ?? HEARTBEAT_TTL_MS;
  const key = workerKey(options.name);
  const beat = (stopped: boolean) => client.set(key, encodeHeartbeat({ host: options.host, pid: options.pid, intervalMs, ttlMs, stopped }), 'PX', ttlMs);
  await beat(false);
  const timer = setInterval(() => void beat(false).catch(options.onError), intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await beat(true).catch(options.onError);
    },
  };
}

/** The heartbeats of the workers named (one round trip); a worker with none is left out. */
export async function readHeartbeats(client: Redis, names: readonly string[]): Promise<Map<string, WorkerHeartbeat>> {
  const found = new Map<string, WorkerHeartbeat>();
  if (names.length === 0) return found;
  // One transaction: a heartbeat rewritten between the GET and the PTTL would give a wrong age.
  const transaction = client.multi();
  for (const name of names) transaction.get(workerKey(name)).pttl(workerKey(name));
  const replies = (await transaction.exec()) ?? [];
  names.forEach((name, k) => {
    const [textError, text] = replies[2 * k] ?? [null, null];
    const [pttlError, pttl] = replies[2 * k + 1] ?? [null, -2];
    if (textError || pttlError) return;
    const heartbeat = decodeHeartbeat(text as string | null, Number(pttl));
    if (heartbeat) found.set(name, heartbeat);
  });
  return found;
}
