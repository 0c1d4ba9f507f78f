import type { SweepDetail } from '../../shared/domain/sweeps.ts';
import { APP_VERSION } from '../core/appVersion.ts';
import { openStore, type Store } from '../core/cliStore.ts';
import { EventHub } from '../core/events.ts';
import { SweepService } from '../core/sweeps/sweepService.ts';
import { forkChildTrainer } from '../core/training/childProcessTrainer.ts';
import { ensureWorkerBundle } from '../core/training/workerBundle.ts';
import { closeDataRoads, openDataRoads, type DataRoadOptions, type DataRoads } from '../queue/dataRoads.ts';
import { localEngine } from '../queue/engineIdentity.ts';
import { QueueCoordinator } from '../queue/queueCoordinator.ts';
import type { QueueAddress } from '../queue/queueUrl.ts';
import { log } from './output.ts';

export interface SweepRunner {
  store: Store;
  service: SweepService;
  events: EventHub;
  /** Set with --queue: the cells go to workers through it. */
  coordinator: QueueCoordinator | null;
  /** Closes the queue's connections once its last job removals are done (the database is closed apart). */
  closeQueue(): Promise<void>;
}

/**
 * The sweep service over a database, for `cv` and `sweep resume`: cells on child-process trainers, or
 * with `queue` on queue workers (connected first, and the data endpoint listening when asked for, so a
 * wrong password, an unreachable server or an address that cannot be taken fails before anything is
 * read or stored).
 */
export async function openSweepRunner(dbPath: string, queue?: QueueAddress, data: DataRoadOptions = { via: 'auto' }): Promise<SweepRunner> {
  let coordinator: QueueCoordinator | null = null;
  let roads: DataRoads | null = null;
  const closeQueue = async () => {
    await coordinator?.close();
    if (roads) await closeDataRoads(roads);
  };
  let store: Store;
  try {
    if (queue !== undefined) {
      const { identity } = await localEngine();
      roads = await openDataRoads(data, log);
      coordinator = await QueueCoordinator.open(queue, identity, log, { roads });
    }
    store = openStore(dbPath, 'cli');
  } catch (error) {
    await closeQueue();
    throw error;
  }
  const entry = (await ensureWorkerBundle()) ?? undefined;
  const events = new EventHub();
  const service: SweepService = new SweepService({
    sweeps: store.sweeps,
    runs: store.runs,
    datasets: store.datasets,
    events,
    launchTrainer: () => forkChildTrainer(entry),
    appVersion: APP_VERSION,
    sessionId: store.sessions.id,
    ...(coordinator
      ? { openCellRunner: (sweepId: string) => coordinator.openRunner(sweepId, store.sweeps.summary(sweepId).cellsTotal, () => service.cancel(sweepId)) }
      : {}),
  });
  // A failure every cell shares (data too large for Redis with no --serve-data, a lost queue) is said
  // once, for the first cell it stops, not once per cell; the command's last line says it again.
  const failuresSaid = new Set<string>();
  events.subscribe((event) => {
    if (event.type === 'sweepProgress') log(`cells ${event.cellsDone}/${event.cellsTotal}`);
    if (event.type === 'sweepCell') {
      const line = `${event.status === 'pending' ? 'failed, retrying' : 'failed'}: ${event.error}`;
      if (failuresSaid.has(line)) return;
      failuresSaid.add(line);
      log(`cell ${event.cellIndex} ${line}`);
    }
  });
  return { store, service, events, coordinator, closeQueue };
}

/** The `cv --json` document of a completed sweep (the α with the best cvm when there are several). */
export function cvDocument(detail: SweepDetail, timings: { loadMs: number; fitMs: number }, withId: boolean): Record<string, unknown> {
  const best = detail.results[detail.bestAlphaIndex ?? 0]!;
  return {
    model: detail.model,
    alpha: best.alpha,
    lambdas: best.lambdas,
    cvm: best.cvm,
    cvsd: best.cvsd,
    nonzero: best.nonzero,
    lambdaMin: best.lambdaMin,
    lambda1se: best.lambda1se,
    measure: detail.measure,
    folds: detail.folds,
    ...(detail.repeats > 1 ? { repeats: detail.repeats } : {}),
    ...(detail.results.length > 1
      ? { configs: detail.results.map((r) => ({ label: r!.label, alpha: r!.alpha, lambdaMin: r!.lambdaMin, lambda1se: r!.lambda1se, cvmMin: r!.cvm[r!.indexMin] })), best: best.label }
      : {}),
    timings,
    ...(withId ? { sweepId: detail.id, refits: detail.refits } : {}),
  };
}
