import type { Job } from 'bullmq';
import { RidgelineError } from '../../shared/errors.ts';
import type { QueueWorkerFacts, SweepQueue, SweepQueues } from '../core/sweeps/sweepQueues.ts';
import { closeDataRoads, type DataRoads } from './dataRoads.ts';
import type { QueueCoordinator } from './queueCoordinator.ts';
import type { RunnerTiming } from './queueCellRunner.ts';
import { parseCellJobId } from './queueKeys.ts';
import { parseQueueUrl, type QueueAddress } from './queueUrl.ts';
import { readHeartbeats } from './workerHeartbeat.ts';

/**
 * The queues the app's services run sweeps on (the shells pass one of these): one coordinator per queue
 * URL, opened by the first sweep sent there and kept until the shell stops, so that sweep after sweep
 * reuses its connections. The process stays the only writer of its database, as `cv --queue` does.
 * BullMQ and the Redis client are loaded with the first queue (the app starts without them).
 */
export class AppQueues implements SweepQueues {
  /** By the full URL (password included: a new password is a new connection). Held in memory only. */
  private readonly coordinators = new Map<string, Promise<QueueCoordinator>>();
  private closed = false;

  constructor(
    private readonly log: (line: string) => void,
    /** `roads`: the data endpoint the shell opened (serve --serve-data), shared by every queue; closed with these. */
    private readonly options: { timing?: RunnerTiming; roads?: DataRoads } = {},
  ) {}

  async connect(url: string): Promise<SweepQueue> {
    if (this.closed) throw new RidgelineError('QUEUE_UNREACHABLE', 'the app is stopping: no sweep can start on a queue now');
    let address: QueueAddress;
    try {
      address = parseQueueUrl(url);
    } catch (error) {
      throw new RidgelineError('BAD_REQUEST', (error as Error).message);
    }
    let opening = this.coordinators.get(url);
    if (opening) {
      const open = await opening;
      // Open already, and BullMQ would wait for a lost server forever: asked once more, failing fast.
      await (await import('./connection.ts')).probeQueue(address);
      return handleOf(open, address);
    }
    opening = (async () => {
      const [{ QueueCoordinator }, { localEngine }] = await Promise.all([import('./queueCoordinator.ts'), import('./engineIdentity.ts')]);
      return QueueCoordinator.open(address, (await localEngine()).identity, this.log, this.options);
    })();
    this.coordinators.set(url, opening);
    try {
      return handleOf(await opening, address);
    } catch (error) {
      this.coordinators.delete(url);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const open = [...this.coordinators.values()];
    this.coordinators.clear();
    await Promise.allSettled(open.map(async (opening) => (await opening).close()));
    if (this.options.roads) await closeDataRoads(this.options.roads);
  }
}

function handleOf(coordinator: QueueCoordinator, address: QueueAddress): SweepQueue {
  return {
    display: address.display,
    openRunner: (sweepId, cellsTotal, onCancelRequested) => coordinator.openRunner(sweepId, cellsTotal, onCancelRequested),
    workerFacts: (sweepId, names) => workerFacts(coordinator, sweepId, names),
  };
}

/**
 * The cells of a sweep in workers' hands (BullMQ's active jobs: a handful, one per busy worker slot,
 * whatever the size of the sweep) and the heartbeats of the workers named and of those holding them.
 */
async function workerFacts(coordinator: QueueCoordinator, sweepId: string, names: readonly string[]): Promise<QueueWorkerFacts> {
  const inHand = new Map<string, number[]>();
  for (const job of (await coordinator.jobs.getJobs(['active'])) as Job[]) {
    const cell = parseCellJobId(job.id);
    if (cell?.sweepId !== sweepId || !job.processedBy) continue;
    inHand.set(job.processedBy, [...(inHand.get(job.processedBy) ?? []), cell.cellIndex].sort((a, b) => a - b));
  }
  const heartbeats = await readHeartbeats(coordinator.redis, [...new Set([...names, ...inHand.keys()])]);
  return { inHand, heartbeats };
}
