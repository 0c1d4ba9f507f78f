import { Redis } from 'ioredis';
import { RidgelineError } from '../../shared/errors.ts';
import { networkReason } from './networkErrors.ts';
import { redact, type QueueAddress } from './queueUrl.ts';

/** The client options of every connection to the queue (BullMQ's and ours): plain, so both accept them. */
export interface ConnectionSettings {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: { servername: string };
}

export function redisOptions(address: QueueAddress): ConnectionSettings {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username !== undefined ? { username: address.username } : {}),
    ...(address.password !== undefined ? { password: address.password } : {}),
    // rediss://: TLS with the system's CAs, checked against the URL's host name.
    ...(address.tls ? { tls: { servername: address.host } } : {}),
  };
}

/** A client library's error as the one line a person reads (password masked). */
export function describeQueueError(error: unknown, address: QueueAddress): string {
  const err = error as { code?: string; message?: string };
  const message = redact(String(err?.message ?? error), address);
  const where = `the queue at ${address.display}`;
  if (/^WRONGPASS/.test(message)) return `${where} refused the password (WRONGPASS): check the password in the queue URL`;
  if (/^NOAUTH/.test(message)) return `${where} needs a password: give it in the URL as redis://:PASSWORD@${address.host}:${address.port}`;
  if (/without any password configured/.test(message)) return `${where} has no password set, but the URL gives one: set requirepass on the server (see the README)`;
  const unreachable = networkReason(err);
  if (unreachable) return `cannot reach ${where}: ${unreachable}`;
  return `cannot use ${where}: ${message.split('\n')[0]}`;
}

export interface ProbeResult {
  redisVersion: string;
  /** Redis's eviction policy: anything but noeviction can drop queued cells when memory runs short. */
  maxmemoryPolicy: string;
}

function infoField(info: string, field: string): string {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
}

/**
 * Connects once, without retries, and asks the server who it is: a wrong password or an unreachable
 * server fails here within `timeoutMs`, with one line (BullMQ itself would retry forever).
 */
export async function probeQueue(address: QueueAddress, timeoutMs = 5000): Promise<ProbeResult> {
  const client = new Redis({
    ...redisOptions(address),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    // A refused connection is closed already; ioredis would otherwise wait 2 s for a close that came.
    disconnectTimeout: 100,
  });
  let lastError: unknown = null;
  client.on('error', (error) => (lastError = error));
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })), timeoutMs);
    });
    const info = await Promise.race([
      (async () => {
        await client.connect();
        return client.info();
      })(),
      timeout,
    ]);
    const redisVersion = infoField(info, 'redis_version');
    const [major] = redisVersion.split('.').map(Number);
    if (!(major >= 5)) throw new RidgelineError('QUEUE_UNREACHABLE', `the queue at ${address.display} runs Redis ${redisVersion || '(unknown version)'}; BullMQ needs Redis 5 or later`);
    return { redisVersion, maxmemoryPolicy: infoField(info, 'maxmemory_policy') };
  } catch (error) {
    if (error instanceof RidgelineError) throw error;
    throw new RidgelineError('QUEUE_UNREACHABLE', describeQueueError(lastError ?? error, address));
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** One warning line for a server set up so that it may lose queued cells, or null. */
export function probeWarning(probe: ProbeResult, address: QueueAddress): string | null {
  if (probe.maxmemoryPolicy !== '' && probe.maxmemoryPolicy !== 'noeviction') {
    return `warning: the queue at ${address.display} has maxmemory-policy ${probe.maxmemoryPolicy}: Redis may evict queued cells when memory runs short; set maxmemory-policy noeviction`;
  }
  return null;
}
