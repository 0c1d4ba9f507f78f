import type { CellRunner } from './cellRunner.ts';

/**
 * The queues of workers the app's services can train a sweep's cells on. The shells pass an
 * implementation (electron/queue/appQueues.ts); the core knows only this, as it knows only the
 * CellRunner a queue gives.
 */
export interface SweepQueues {
  /**
   * The queue at `url` (checked by shared/queueUrl.ts), connected once and failing fast with one line
   * (QUEUE_UNREACHABLE: unreachable, a wrong or missing password), or its connection already open.
   */
  connect(url: string): Promise<SweepQueue>;
  /** Closes every connection (the shell is stopping). */
  close(): Promise<void>;
}

export interface SweepQueue {
  /** The URL with its password masked: the only form shown or logged. */
  readonly display: string;
  /** The runner of one execution of a sweep (the queue coordinator's); `onCancelRequested`: another process cancelled it. */
  openRunner(sweepId: string, cellsTotal: number, onCancelRequested: () => void): CellRunner;
  /** What the queue knows now of the workers of a sweep: the cells in hand, and the heartbeats of `names` and of those holding cells. */
  workerFacts(sweepId: string, names: readonly string[]): Promise<QueueWorkerFacts>;
}

export interface WorkerHeartbeat {
  /** Milliseconds since the worker's last heartbeat, as Redis's clock counts them (no clocks compared). */
  ageMs: number;
  /** How often the worker beats: a heartbeat older than a few of these means it is frozen, cut off or dead. */
  intervalMs: number;
  /** The worker said it was stopping (SIGTERM, SIGINT) with its last heartbeat. */
  stopped: boolean;
  host: string;
  pid: number;
}

export interface QueueWorkerFacts {
  /** Worker name → the cells of the sweep it holds now (BullMQ's active jobs and their lock holder). */
  inHand: Map<string, number[]>;
  /** Worker name → its last heartbeat; a worker missing here has none in Redis (never beat, or long gone). */
  heartbeats: Map<string, WorkerHeartbeat>;
}
