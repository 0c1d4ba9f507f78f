import type { ApiParsedInput } from '../../../shared/api.ts';
import type { SweepWorkers } from '../../../shared/domain/sweepWorkers.ts';
import { RidgelineError, toErrorInfo } from '../../../shared/errors.ts';
import type { SweepsStore } from '../db/sweepsStore.ts';
import type { CellRunnerFactory } from './cellRunner.ts';
import type { QueueWorkerFacts, SweepQueue, SweepQueues } from './sweepQueues.ts';
import type { SweepService } from './sweepService.ts';
import { workerRoster } from './workerRoster.ts';

/** How long the sweep view waits for the queue's facts before it shows what the database knows. */
const FACTS_TIMEOUT_MS = 3000;

export interface SweepTargetsDeps {
  service: SweepService;
  sweeps: SweepsStore;
  /** The queues this shell can reach; absent, sweeps run on this machine only. */
  queues?: SweepQueues;
}

/**
 * Where the app's sweeps run: on this machine (the sweep service's trainer pool) or on the workers of a
 * queue, through its coordinator (electron/queue/), this process staying the database's only writer.
 * It remembers, for this session, which queue each sweep runs on: the sweep view reads its workers there.
 */
export class SweepTargets {
  private readonly queueOf = new Map<string, SweepQueue>();

  constructor(private readonly deps: SweepTargetsDeps) {}

  async start(input: ApiParsedInput<'startSweep'>): Promise<{ sweepId: string }> {
    const { queue, ...spec } = input;
    if (queue === undefined) return this.deps.service.start(spec);
    // Connected first: a wrong password or an unreachable server fails before anything is stored.
    const target = await this.connect(queue);
    const started = this.deps.service.start(spec, this.runnerOn(target));
    this.queueOf.set(started.sweepId, target);
    return started;
  }

  async resume({ id, queue }: ApiParsedInput<'resumeSweep'>): Promise<{ resumed: boolean }> {
    const { service } = this.deps;
    service.checkResumable(id);
    if (queue === undefined) {
      if (!service.isExecuting(id)) this.queueOf.delete(id);
      return service.resumeInBackground(id);
    }
    const target = await this.connect(queue);
    // Running here already: it goes on where it runs (a second resume changes nothing).
    const wasExecuting = service.isExecuting(id);
    const resumed = service.resumeInBackground(id, this.runnerOn(target));
    if (!wasExecuting) this.queueOf.set(id, target);
    return resumed;
  }

  /** The workers of a sweep: from the database, and from its queue when this process runs it on one. */
  async workers(id: string): Promise<SweepWorkers> {
    this.deps.sweeps.summary(id); // NOT_FOUND for an unknown id
    const cellsByWorker = this.deps.sweeps.cellsByWorker(id);
    const target = this.queueOf.get(id) ?? null;
    let facts: QueueWorkerFacts | null = null;
    let problem: string | null = null;
    if (target !== null) {
      const names = [...cellsByWorker.keys()].filter((name): name is string => name !== null);
      try {
        facts = await withTimeout(target.workerFacts(id, names), FACTS_TIMEOUT_MS, `the queue at ${target.display} did not answer within ${FACTS_TIMEOUT_MS / 1000} s`);
      } catch (error) {
        problem = `the workers' heartbeats could not be read: ${toErrorInfo(error).message}`;
      }
    }
    return { sweepId: id, queue: target?.display ?? null, live: facts !== null, problem, ...workerRoster(cellsByWorker, facts) };
  }

  private connect(url: string): Promise<SweepQueue> {
    // The desktop app: its trainer is its own build, which queue workers (running a checkout's) would refuse.
    if (!this.deps.queues) {
      throw new RidgelineError('BAD_REQUEST', 'this app cannot run sweeps on a queue: use `npx ridgeline serve` from a Ridgeline checkout (the same one the workers run), or `ridgeline cv … --queue URL`');
    }
    return this.deps.queues.connect(url);
  }

  private runnerOn(target: SweepQueue): CellRunnerFactory {
    const { service, sweeps } = this.deps;
    return (sweepId) => target.openRunner(sweepId, sweeps.summary(sweepId).cellsTotal, () => service.cancel(sweepId));
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RidgelineError('QUEUE_UNREACHABLE', message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
