import type { SweepDetail } from '../../shared/domain/sweeps.ts';
import { APP_VERSION } from '../core/appVersion.ts';
import { openStore, type Store } from '../core/cliStore.ts';
import { EventHub } from '../core/events.ts';
import { SweepService } from '../core/sweeps/sweepService.ts';
import { forkChildTrainer } from '../core/training/childProcessTrainer.ts';
import { ensureWorkerBundle } from '../core/training/workerBundle.ts';
import { log } from './output.ts';

/** The sweep service over a database, with child-process trainers, for `cv` and `sweep resume`. */
export async function openSweepRunner(dbPath: string): Promise<{ store: Store; service: SweepService; events: EventHub }> {
  const store = openStore(dbPath, 'cli');
  const entry = (await ensureWorkerBundle()) ?? undefined;
  const events = new EventHub();
  const service = new SweepService({
    sweeps: store.sweeps,
    runs: store.runs,
    datasets: store.datasets,
    events,
    launchTrainer: () => forkChildTrainer(entry),
    appVersion: APP_VERSION,
    sessionId: store.sessions.id,
  });
  events.subscribe((event) => {
    if (event.type === 'sweepProgress') log(`cells ${event.cellsDone}/${event.cellsTotal}`);
    if (event.type === 'sweepCell') log(`cell ${event.cellIndex} ${event.status === 'pending' ? 'failed, retrying' : 'failed'}: ${event.error}`);
  });
  return { store, service, events };
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
