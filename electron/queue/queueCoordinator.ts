import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { CellRunner } from '../core/sweeps/cellRunner.ts';
import { describeQueueError, probeQueue, probeWarning, redisOptions } from './connection.ts';
import { describeEngine, type EngineIdentity } from './engineIdentity.ts';
import { QueueCellRunner, type QueueLink, type RunnerTiming } from './queueCellRunner.ts';
import { KEY_PREFIX, QUEUE_NAME } from './queueKeys.ts';
import type { QueueAddress } from './queueUrl.ts';
import { throttledLog } from './throttledLog.ts';

/**
 * The coordinator's side of the queue, for one CLI process: the BullMQ queue it adds cells to, the
 * event stream it learns of their progress from, and a client for its own keys (data, cancel flags).
 * It stays the only writer of the database: workers only ever write to Redis.
 */
export class QueueCoordinator {
  private readonly routes = new Map<string, (event: string) => void>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly link: QueueLink;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly client: Redis,
    identity: EngineIdentity,
    log: (line: string) => void,
    private readonly timing?: RunnerTiming,
  ) {
    this.link = {
      queue,
      client,
      identity,
      log,
      route: (jobId, check) => this.routes.set(jobId, check),
      unroute: (jobId) => this.routes.delete(jobId),
      track: (work) => {
        const tracked = work.catch((error: unknown) => log(`queue: ${(error as Error).message}`)).finally(() => this.work.delete(tracked));
        this.work.add(tracked);
      },
    };
    for (const event of ['active', 'completed', 'failed', 'removed', 'stalled'] as const) {
      events.on(event, ({ jobId }: { jobId: string }) => {
        if (event === 'stalled' && this.routes.has(jobId)) log(`${jobId}: its worker stopped renewing its lock (crashed, lost or paused); queued again`);
        this.routes.get(jobId)?.(event);
      });
    }
  }

  /** Connects (one try, failing fast with one line), then opens the queue and its event stream. */
  static async open(address: QueueAddress, identity: EngineIdentity, log: (line: string) => void, timing?: RunnerTiming): Promise<QueueCoordinator> {
    const probe = await probeQueue(address);
    const warning = probeWarning(probe, address);
    if (warning) log(warning);
    const connection = redisOptions(address);
    const queue = new Queue(QUEUE_NAME, { connection, prefix: KEY_PREFIX });
    const events = new QueueEvents(QUEUE_NAME, { connection, prefix: KEY_PREFIX });
    const client = new Redis(connection);
    const report = throttledLog(log, 30_000);
    const onError = (error: unknown) => report(`queue: ${describeQueueError(error, address)}`);
    queue.on('error', onError);
    events.on('error', onError);
    client.on('error', onError);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    log(`coordinator: queue ${address.display} (Redis ${probe.redisVersion}; ${describeEngine(identity)})`);
    return new QueueCoordinator(queue, events, client, identity, log, timing);
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
