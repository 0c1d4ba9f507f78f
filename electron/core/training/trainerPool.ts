import { RidgelineError, type ErrorInfo } from '../../../shared/errors.ts';
import type { CellJob, CellOutput, FromTrainer } from '../../../shared/protocol/trainer.ts';
import type { TrainerHost, TrainerLauncher } from './trainerHost.ts';

interface Job {
  id: string;
  dataFile: string;
  job: CellJob;
  onStart?: () => void;
  resolve: (output: CellOutput) => void;
  reject: (error: RidgelineError) => void;
}

interface Slot {
  host: TrainerHost;
  ready: boolean;
  job: Job | null;
  dead: boolean;
}

/**
 * A fixed-size pool of trainer processes for sweep cells. Processes start on demand and are reused
 * across cells (each reads a sweep's data file once). A process that dies fails its cell with the
 * exit code and the tail of its stderr, and is replaced by a fresh one for the next cell.
 */
export class TrainerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(
    private readonly launch: TrainerLauncher,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RidgelineError('BAD_OPTIONS', `the pool needs at least one process (got ${size})`);
  }

  /**
   * Starts every process now, each compiling its kernels on a small cell, so a sweep that follows
   * (once its data are loaded) finds them ready and warm.
   */
  prestart(model: 'linear' | 'logistic' | 'mlp'): void {
    while (this.slots.length < this.size && !this.closed) this.spawn(model);
  }

  /**
   * Queues a cell; `onStart` is called when a process takes it (a queued cell is not running yet, and
   * one dropped by cancelAll before that never started).
   */
  runCell(id: string, dataFile: string, job: CellJob, onStart?: () => void): Promise<CellOutput> {
    if (this.closed) return Promise.reject(new RidgelineError('CANCELLED', 'the trainer pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id, dataFile, job, onStart, resolve, reject });
      this.dispatch();
    });
  }

  /** Drops queued cells and kills busy processes; their promises reject with CANCELLED. */
  cancelAll(reason: string): void {
    for (const job of this.queue.splice(0)) job.reject(new RidgelineError('CANCELLED', reason));
    // Over a copy: retire() takes the slot out of the list, which would skip the next one.
    for (const slot of [...this.slots]) {
      if (slot.job) {
        const job = slot.job;
        slot.job = null;
        this.retire(slot);
        job.reject(new RidgelineError('CANCELLED', reason));
      }
    }
  }

  /**
   * Drops one cell: queued, it leaves the queue; running, its process is killed (a cell cannot be
   * interrupted otherwise) and replaced for the next one. Its promise rejects with CANCELLED.
   */
  cancel(id: string, reason: string): void {
    const queued = this.queue.findIndex((job) => job.id === id);
    if (queued >= 0) {
      this.queue.splice(queued, 1)[0].reject(new RidgelineError('CANCELLED', reason));
      return;
    }
    const slot = this.slots.find((s) => s.job?.id === id);
    if (!slot) return;
    const job = slot.job!;
    slot.job = null;
    this.retire(slot);
    job.reject(new RidgelineError('CANCELLED', reason));
    this.dispatch();
  }

  close(): void {
    this.closed = true;
    this.cancelAll('the trainer pool was closed');
    for (const slot of [...this.slots]) this.retire(slot);
  }

  get busy(): number {
    return this.slots.filter((s) => s.job !== null).length + this.queue.length;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.job !== null || slot.dead) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      job.onStart?.();
      slot.host.send({ type: 'cell', id: job.id, dataFile: job.dataFile, job: job.job });
    }
    // Start processes for what is still queued (they take their cells once they report ready).
    let needed = this.queue.length - this.slots.filter((s) => !s.ready && !s.dead).length;
    while (needed > 0 && this.slots.length < this.size && !this.closed) {
      this.spawn();
      needed--;
    }
  }

  /** `warmFor`: the model whose kernels a prestarted process compiles first. */
  private spawn(warmFor?: 'linear' | 'logistic' | 'mlp'): void {
    let host: TrainerHost;
    try {
      host = this.launch();
      // The process handles messages in order: the warm-up runs before any cell it is given.
      if (warmFor) host.send({ type: 'warmUp', model: warmFor });
    } catch (error) {
      const job = this.queue.shift();
      job?.reject(new RidgelineError('WORKER_CRASHED', `a trainer process could not start: ${(error as Error).message}`));
      return;
    }
    const slot: Slot = { host, ready: false, job: null, dead: false };
    this.slots.push(slot);
    host.onMessage((message: FromTrainer) => {
      if (message.type === 'ready') {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || !('id' in message) || message.id !== job.id) return;
      if (message.type === 'cellDone') {
        slot.job = null;
        job.resolve(message.output);
        this.dispatch();
      } else if (message.type === 'error') {
        slot.job = null;
        job.reject(asError(message.error));
        this.dispatch();
      }
    });
    host.onExit((code, stderrTail) => {
      slot.dead = true;
      // A retired slot has left the list already (indexOf −1 would splice away the last live one).
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      const job = slot.job;
      slot.job = null;
      if (job) {
        const tail = stderrTail ? `; stderr: ${stderrTail.slice(-800)}` : '';
        job.reject(new RidgelineError('WORKER_CRASHED', `the trainer process exited unexpectedly (code ${code}) during this cell${tail}`));
      }
      if (!this.closed) this.dispatch();
    });
  }

  private retire(slot: Slot): void {
    slot.dead = true;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    slot.host.kill();
  }
}

function asError(info: ErrorInfo): RidgelineError {
  return new RidgelineError(info.code, info.message);
}
