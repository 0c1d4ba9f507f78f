import type { CellJob, CellOutput } from '../../../shared/protocol/trainer.ts';
import type { TrainerPool } from '../training/trainerPool.ts';

/** Who trained a cell on another machine (a queue worker): stored with the cell's result. */
export interface CellProvenance {
  /** The worker's name (host and pid). */
  worker: string;
  /** SHA-256 of the trainer code the worker ran (see electron/queue/engineIdentity.ts). */
  engineHash: string;
  v8: string;
}

export interface CellTask {
  sweepId: string;
  cellIndex: number;
  /** The sweep's data file (sweepData.ts layout), written once per execution. */
  dataFile: string;
  job: CellJob;
  /** Called when a trainer takes the cell (again, when another one takes it over after a crash). */
  onStart?: () => void;
}

export type CellRunOutput = CellOutput & { computedBy?: CellProvenance };

/**
 * Where a sweep's cells are trained: this machine's pool of trainer processes, or workers on other
 * machines through a queue (electron/queue/). The sweep service commits what either returns.
 */
export interface CellRunner {
  runCell(task: CellTask): Promise<CellRunOutput>;
  /** The sweep was cancelled: drops every cell not finished; their promises reject with CANCELLED. */
  cancelAll(reason: string): void;
  /** The sweep's execution ended (completed, failed, cancelled or interrupted). */
  close(): void;
}

/** Opens the runner of one execution of a sweep; `size` is the pool size asked for. */
export type CellRunnerFactory = (sweepId: string, size: number) => CellRunner;

/** The local runner: the cells on a pool of trainer processes. */
export function poolRunner(pool: TrainerPool): CellRunner {
  return {
    runCell: (task) => pool.runCell(`${task.sweepId}#${task.cellIndex}`, task.dataFile, task.job, task.onStart),
    cancelAll: (reason) => pool.cancelAll(reason),
    close: () => pool.close(),
  };
}
