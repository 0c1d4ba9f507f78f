import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { RidgelineError } from '../../shared/errors.ts';
import type { CellRunner } from '../core/sweeps/cellRunner.ts';
import { describeQueueError, probeQueue, probeWarning, redisOptions } from './connection.ts';
import type { DataRoads } from './dataRoads.ts';
import { describeEngine, type EngineIdentity } from './engineIdentity.ts';
import { QueueCellRunner, type QueueEventPayload, type QueueLink, type RunnerTiming } from './queueCellRunner.ts';
import { KEY_PREFIX, QUEUE_NAME } from './queueKeys.ts';
import type { QueueAddress } from './queueUrl.ts';
import { throttledLog } from './throttledLog.ts';

export interface CoordinatorOptions {
  timing?: RunnerTiming;
  /**
   * How the sweeps' data reach the workers; by default through Redis, up to its limit. The caller owns
   * an endpoint it passes (one process may coordinate on several queues) and closes it after this.
   */
  roads?: DataRoads;
}

/**
 * The coordinator's side of the queue, for one CLI process: the BullMQ queue it adds cells to, the
 * event stream it learns of their progress from, and a client for its own keys (data, cancel flags).
 * It stays the only writer of the database: workers only ever write to Redis.
 */
export class QueueCoordinator {
  private readonly routes = new Map<string, (event: string, payload: QueueEventPayload) => void>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly link: QueueLink;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly client: Redis,
    identity: EngineIdentity,
    log: (line: string) => void,
    private readonly timing: RunnerTiming | undefined,
    roads: DataRoads,
  ) {
    this.link = {
      queue,
      client,
      identity,
      roads,
      log,
      route: (jobId, onEvent) => this.routes.set(jobId, onEvent),
      unroute: (jobId) => this.routes.delete(jobId),
      track: (work) => {
        const tracked = work.catch((error: unknown) => log(`queue: ${(error as Error).message}`)).finally(() => this.work.delete(tracked));
        this.work.add(tracked);
      },
    };
    for (const event of ['active', 'completed', 'failed', 'removed', 'stalled'] as const) {
      events.on(event, (payload: QueueEventPayload & { jobId: string }) => {
        const { jobId } = payload;
        if (event === 'stalled' && this.routes.has(jobId)) log(`${jobId}: its worker stopped renewing its lock (crashed, lost or paused); queued again`);
        this.routes.get(jobId)?.(event, payload);
      });
    }
  }

  /** Connects (one try, failing fast with one line), then opens the queue and its event stream. */
  static async open(address: QueueAddress, identity: EngineIdentity, log: (line: string) => void, options: CoordinatorOptions = {}): Promise<QueueCoordinator> {
    const probe = await probeQueue(address);
    const warning = probeWarning(probe, address);
    if (warning) log(warning);
    const connection = redisOptions(address);
    const report = throttledLog(log, 30_000);
    const onError = (error: unknown) => report(`queue: ${describeQueueError(error, address)}`);
    // Ours alone (no blocking command on it): the commands of one tick (a sweep's cells checked at its
    // start) go out in one write rather than one each.
    const client = new Redis({ ...connection, enableAutoPipelining: true });
    client.on('error', onError);
    const queue = new Queue(QUEUE_NAME, { connection, prefix: KEY_PREFIX });
    queue.on('error', onError);
    // Read from where the stream stands now, rather than from wherever it stands when the event
    // stream's first read reaches Redis: a job added in between would have its events missed.
    let from: string;
    try {
      from = await lastEventId(client, queue);
    } catch (error) {
      client.disconnect();
      await queue.close();
      throw new RidgelineError('QUEUE_UNREACHABLE', describeQueueError(error, address));
    }
    const events = new QueueEvents(QUEUE_NAME, { connection, prefix: KEY_PREFIX, lastEventId: from });
    events.on('error', onError);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    log(`coordinator: queue ${address.display} (Redis ${probe.redisVersion}; ${describeEngine(identity)})`);
    return new QueueCoordinator(queue, events, client, identity, log, options.timing, options.roads ?? { via: 'auto', endpoint: null });
  }

  /** The runner of one execution of a sweep; `onCancelRequested`: another process cancelled it. */
  openRunner(sweepId: string, cellsTotal: number, onCancelRequested: () => void): CellRunner {
    return new QueueCellRunner(this.link, sweepId, cellsTotal, onCancelRequested, this.timing);
  }

  /** The queue itself, for commands that act on jobs (cancel). */
  get jobs(): Queue {
    return this.queue;
  }

  get redis(): Redis {
    return this.client;
  }

  /** Waits for the work in flight (job removals), then closes every connection. */
  async close(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.client.disconnect();
  }
}

/** The id of the last event in the queue's event stream, or 0-0 when it has none. */
async function lastEventId(client: Redis, queue: Queue): Promise<string> {
  const [last] = await client.xrevrange(queue.toKey('events'), '+', '-', 'COUNT', 1);
  return last?.[0] ?? '0-0';
}
