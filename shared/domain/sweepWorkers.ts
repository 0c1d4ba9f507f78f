/**
 * The queue workers that trained a sweep's cells, as the sweep view lists them: what the database
 * recorded (each committed cell's worker, sweep_cells.computed_by) and, while this app coordinates the
 * sweep on a queue, what the queue knows now (cells in hand, heartbeats).
 */
export interface SweepWorkers {
  sweepId: string;
  /** The queue this app runs (or last ran) the sweep on in this session, password masked; null otherwise. */
  queue: string | null;
  /** True when the cells in hand and the heartbeats were read from the queue for this answer. */
  live: boolean;
  /** Why the queue could not be read just now (one line), else null. */
  problem: string | null;
  workers: SweepWorker[];
  /** Completed cells this machine trained (a sweep started or resumed here without a queue). */
  localCells: number;
}

export type SweepWorkerState =
  /** Holds cells of the sweep now. */
  | 'training'
  /** Heartbeating, no cell of this sweep in hand (between cells, or on another sweep's). */
  | 'idle'
  /** Said it was stopping with its last heartbeat. */
  | 'stopped'
  /** No heartbeat for several of its intervals (frozen, cut off or dead), or none left in Redis. */
  | 'silent'
  /** Not read from the queue (another process coordinates the sweep, or the queue could not be read). */
  | 'unknown';

export interface SweepWorker {
  /** The worker's name, as it gives it: `host:pid`. */
  name: string;
  host: string;
  pid: number | null;
  /** Cells of the sweep it trained that are committed. */
  cellsDone: number;
  /** Cells of the sweep it holds now (live only). */
  cellsInHand: number[];
  /** Seconds since its last heartbeat when this was read; null when not known. */
  heartbeatAgeSeconds: number | null;
  state: SweepWorkerState;
}
