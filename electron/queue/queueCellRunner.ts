import { readFileSync } from 'node:fs';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RidgelineError } from '../../shared/errors.ts';
import { decodeSweepData } from '../../shared/protocol/sweepData.ts';
import type { CellRunner, CellRunOutput, CellTask } from '../core/sweeps/cellRunner.ts';
import { forgetDataToken, offerData, withdrawData, type DataRoads } from './dataRoads.ts';
import { refreshData, type DataRef } from './dataTransport.ts';
import { engineMismatch, type EngineIdentity } from './engineIdentity.ts';
import { decodeCellResult, encodeCellJob, MESSAGE_VERSION, type CellJobMessage } from './jobMessages.ts';
import { cancelKey, cellJobId } from './queueKeys.ts';
import type { Wire } from './wireCodec.ts';
import { CELL_BACKOFF, parseFailure } from './failures.ts';

/** What an event of BullMQ's stream carries besides its job id (a completion: the result, parsed). */
export interface QueueEventPayload {
  returnvalue?: unknown;
}

/** What a runner needs of its coordinator's connections. */
export interface QueueLink {
  queue: Queue;
  client: Redis;
  identity: EngineIdentity;
  /** How the sweeps' data reach the workers (through Redis, or from this process's endpoint). */
  roads: DataRoads;
  log: (line: string) => void;
  /** Routes the queue's events about `jobId` (with what they carry: a completion its result) until unrouted. */
  route(jobId: string, onEvent: (event: string, payload: QueueEventPayload) => void): void;
  unroute(jobId: string): void;
  /** Work the coordinator must let finish before it closes (removing jobs, setting a cancel flag). */
  track(work: Promise<unknown>): void;
}

/**
 * How a job is queued: a crash inside a live worker (a trainer process dying) is retried at once,
 * twice; data that could not be fetched from the coordinator, twice after a pause (failures.ts); an
 * engine error fails at the first attempt (the worker marks it unrecoverable). Finished jobs stay
 * until the coordinator has committed them and the sweep ends (a coordinator that died collects them
 * on resume); those of a sweep never resumed go a week after they finished (BullMQ evicts them when
 * later jobs finish), so an abandoned sweep does not hold Redis's memory for good.
 */
const KEEP_FINISHED = { age: 7 * 24 * 3600 };
const JOB_OPTIONS = { attempts: 3, backoff: CELL_BACKOFF, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED } as const;

export interface RunnerTiming {
  /** How often the sweep's cancel flag is read (another process's `sweep cancel`). */
  cancelPollMs: number;
  /** How often every waiting cell's job is read again, in case the event stream missed something. */
  reconcileMs: number;
  /** How often the data's lifetime in Redis is renewed. */
  dataRefreshMs: number;
}

export const DEFAULT_RUNNER_TIMING: RunnerTiming = { cancelPollMs: 1000, reconcileMs: 5000, dataRefreshMs: 5 * 60_000 };

const STARTED_BY_EVENT = -1;

interface Pending {
  task: CellTask;
  jobId: string;
  expected: { kind: 'fold' | 'full'; nLambda: number; p: number };
  resolve: (output: CellRunOutput) => void;
  reject: (error: RidgelineError) => void;
  settled: boolean;
  /**
   * processedOn of the last activation reported through onStart (a cell taken over after a stall starts
   * again); STARTED_BY_EVENT when the job's 'active' event said so and its processedOn was not read.
   */
  startedAt: number | null;
}

/**
 * The cells of one sweep execution, trained by queue workers. Each cell is one BullMQ job whose id
 * comes from the sweep and the cell, so a resumed sweep finds its cells' jobs again: completed ones
 * are collected, running ones awaited, failed ones queued afresh. A result is accepted once (the
 * promise settles once; the sweep service commits what it resolves to) and only from a worker running
 * this coordinator's engine.
 */
export class QueueCellRunner implements CellRunner {
  private readonly pending = new Map<string, Pending>();
  private data: { file: string; ref: Promise<DataRef & { p: number }> } | null = null;
  private cancelled = false;
  private closed = false;
  private cancelAsked = false;
  private readonly timers: NodeJS.Timeout[] = [];
  /** New jobs waiting for the next addBulk (see add). */
  private adding: { entry: Pending; wire: Wire; resolve: () => void; reject: (error: unknown) => void }[] | null = null;

  constructor(
    private readonly link: QueueLink,
    private readonly sweepId: string,
    private readonly cellsTotal: number,
    private readonly onCancelRequested: () => void,
    timing: RunnerTiming = DEFAULT_RUNNER_TIMING,
  ) {
    // A sweep resumed after a cancel is wanted again.
    link.track(link.client.del(cancelKey(sweepId)));
    this.timers.push(
      setInterval(() => void this.pollCancel(), timing.cancelPollMs),
      setInterval(() => {
        for (const entry of this.pending.values()) this.check(entry, 'reconcile');
      }, timing.reconcileMs),
      setInterval(() => {
        // Data in Redis expire unless renewed; the endpoint serves its own for as long as this runner runs.
        if (this.data) void this.data.ref.then((ref) => (ref.endpoint === undefined ? refreshData(link.client, ref) : undefined)).catch(() => undefined);
      }, timing.dataRefreshMs),
    );
  }

  runCell(task: CellTask): Promise<CellRunOutput> {
    if (this.cancelled || this.closed) return Promise.reject(new RidgelineError('CANCELLED', 'the sweep is no longer running'));
    const jobId = cellJobId(task.sweepId, task.cellIndex);
    return new Promise<CellRunOutput>((resolve, reject) => {
      const nLambda = task.job.lambdas.length;
      const entry: Pending = { task, jobId, expected: { kind: task.job.kind, nLambda, p: 0 }, resolve, reject, settled: false, startedAt: null };
      this.pending.set(jobId, entry);
      this.link.route(jobId, (event, payload) => this.onEvent(entry, event, payload));
      this.enqueue(entry).catch((error: unknown) => this.settleError(entry, asRidgelineError(error)));
    });
  }

  cancelAll(reason: string): void {
    this.cancelled = true;
    for (const entry of [...this.pending.values()]) this.settleError(entry, new RidgelineError('CANCELLED', reason));
    withdrawData(this.link.roads, this.sweepId);
    this.link.track(
      (async () => {
        // Workers holding a cell of the sweep see the flag and drop it; every other job is removed now.
        await this.link.client.set(cancelKey(this.sweepId), reason, 'EX', 86_400);
        await forgetDataToken(this.link.client, this.sweepId);
        const removed = await removeSweepJobs(this.link.queue, this.sweepId, this.cellsTotal);
        this.link.log(`sweep ${this.sweepId} cancelled: ${removed} queued cell(s) removed from the queue`);
      })(),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    withdrawData(this.link.roads, this.sweepId);
    if (this.pending.size > 0) {
      // Interrupted: the queued cells stay, and `sweep resume --queue` collects what workers finish meanwhile.
      for (const entry of [...this.pending.values()]) this.settleError(entry, new RidgelineError('CANCELLED', 'the coordinator stopped before the sweep finished'));
      return;
    }
    // Every cell was committed (or failed and will be queued afresh by a resume): the jobs have served.
    if (!this.cancelled) this.link.track(Promise.all([removeSweepJobs(this.link.queue, this.sweepId, this.cellsTotal), forgetDataToken(this.link.client, this.sweepId)]));
  }

  private dataRef(file: string): Promise<DataRef & { p: number }> {
    if (this.data?.file !== file) {
      const bytes = new Uint8Array(readFileSync(file));
      const p = decodeSweepData(bytes).design.p;
      this.data = { file, ref: offerData(this.link.roads, this.link.client, this.sweepId, file, bytes).then((ref) => ({ ...ref, p })) };
    }
    return this.data.ref;
  }

  private async enqueue(entry: Pending): Promise<void> {
    const data = await this.dataRef(entry.task.dataFile);
    entry.expected.p = data.p;
    if (entry.settled) return;
    const { hash, bytes, endpoint } = data;
    const message: CellJobMessage = { v: MESSAGE_VERSION, sweepId: entry.task.sweepId, cellIndex: entry.task.cellIndex, data: { hash, bytes, endpoint }, engine: this.link.identity, job: entry.task.job };
    const wire = encodeCellJob(message);
    // A sweep's first execution finds no job for any cell: one EXISTS each says so, cheaper than a state read.
    const existing = (await this.link.client.exists(this.link.queue.toKey(entry.jobId))) === 1 ? await this.read(entry.jobId) : null;
    if (existing) {
      if (existing.state === 'completed') return this.complete(entry, existing.job.returnvalue, true);
      // Failed in an earlier execution (or just now, and retried by the sweep service): a fresh job.
      if (existing.state === 'failed') await existing.job.remove();
      else {
        // Queued by an earlier execution, whose data came another road or from another address: the
        // cell is pointed at this one's (an attempt in hand sees it when it is tried again).
        if (!sameData(existing.job.data, wire)) await existing.job.updateData(wire);
        return this.check(entry, 'existing');
      }
    }
    if (entry.settled) return;
    // Its events are not missed: the coordinator reads the event stream from where it stood when it
    // opened (queueCoordinator.ts), and the periodic reconcile reads every waiting cell's job anyway.
    await this.add(entry, wire);
  }

  /**
   * Queues a new job; the cells asked for together (a sweep's, at its start) go in one pipeline
   * (addBulk), gathered until the event loop has read what Redis answered so far.
   */
  private add(entry: Pending, wire: Wire): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.adding === null) {
        this.adding = [];
        setImmediate(() => this.flushAdds());
      }
      this.adding.push({ entry, wire, resolve, reject });
    });
  }

  private flushAdds(): void {
    const batch = (this.adding ?? []).filter((item) => !item.entry.settled);
    this.adding = null;
    if (batch.length === 0) return;
    this.link.queue.addBulk(batch.map(({ entry, wire }) => ({ name: 'cell', data: wire, opts: { ...JOB_OPTIONS, jobId: entry.jobId } }))).then(
      () => batch.forEach((item) => item.resolve()),
      (error: unknown) => batch.forEach((item) => item.reject(error)),
    );
  }

  /**
   * The two events every cell has are acted on from what they carry, without reading the job back (two
   * round trips and the job's whole hash, for each of them): a completion carries its result, written
   * by the same atomic step that completed the job under its worker's lock; the first activation only
   * starts the cell. Anything else reads the job (check).
   */
  private onEvent(entry: Pending, event: string, payload: QueueEventPayload): void {
    if (entry.settled) return;
    if (event === 'completed' && payload.returnvalue !== undefined) return this.complete(entry, payload.returnvalue, false);
    if (event === 'active' && entry.startedAt === null) {
      entry.startedAt = STARTED_BY_EVENT;
      entry.task.onStart?.();
      return;
    }
    this.check(entry, event);
  }

  /** Reads the job's state and acts on it; events other than the usual two and the periodic reconcile come here. */
  private check(entry: Pending, event: string): void {
    if (entry.settled) return;
    void (async () => {
      const found = await this.read(entry.jobId);
      if (entry.settled) return;
      if (!found) {
        // Removed behind our back: queued again, unless another process is cancelling the sweep.
        if (this.cancelled || this.closed) return;
        if ((await this.link.client.exists(cancelKey(this.sweepId))) === 1) return;
        await this.enqueue(entry);
        return;
      }
      const { state, job } = found;
      if (state === 'completed') this.complete(entry, job.returnvalue, false);
      else if (state === 'failed') this.settleError(entry, parseFailure(job.failedReason ?? 'no reason given'));
      else if (state === 'active' && job.processedOn !== undefined && job.processedOn !== entry.startedAt) {
        // The activation its event reported, read back (a reconcile): the same one, unless this is a new 'active' event.
        if (entry.startedAt === STARTED_BY_EVENT && event !== 'active') {
          entry.startedAt = job.processedOn;
          return;
        }
        if (entry.startedAt !== null) this.link.log(`cell ${entry.task.cellIndex} taken over by ${job.processedBy ?? 'another worker'}`);
        entry.startedAt = job.processedOn;
        entry.task.onStart?.();
      }
    })().catch((error: unknown) => {
      if (!entry.settled && !this.closed) this.link.log(`cell ${entry.task.cellIndex}: reading its job failed (${(error as Error).message}); trying again later`);
    });
  }

  /**
   * A job and its state, the state read first: a finished job's hash no longer changes, whereas one
   * read before its state could be the hash of a job still running (no result yet) that finished since.
   */
  private async read(jobId: string): Promise<{ state: string; job: Job } | null> {
    const state = await this.link.queue.getJobState(jobId);
    if (state === 'unknown') return null;
    const job = (await this.link.queue.getJob(jobId)) as Job | undefined;
    return job ? { state, job } : null;
  }

  /** A completed job's result (its returnvalue), checked, then accepted once. */
  private complete(entry: Pending, returnvalue: unknown, collected: boolean): void {
    if (entry.settled) return;
    let result;
    try {
      result = decodeCellResult(returnvalue, entry.expected);
    } catch (error) {
      this.refuse(entry, asRidgelineError(error));
      return;
    }
    const { computedBy } = result;
    const mismatch = engineMismatch(this.link.identity, { hash: computedBy.engineHash, v8: computedBy.v8 }, 'this coordinator', `worker ${computedBy.worker}`);
    if (mismatch) {
      this.refuse(entry, new RidgelineError('ENGINE_MISMATCH', `${mismatch}; its result was not stored`));
      return;
    }
    this.settle(entry);
    this.link.log(`cell ${entry.task.cellIndex} from ${computedBy.worker} (${(result.output.fitMs / 1000).toFixed(2)} s)${collected ? ', collected: finished while no coordinator waited' : ''}`);
    entry.resolve({ ...result.output, computedBy });
  }

  /** A result that may not be used: the cell fails, and its job goes, so a resume queues it afresh. */
  private refuse(entry: Pending, error: RidgelineError): void {
    this.settleError(entry, error);
    this.link.track(this.link.queue.remove(entry.jobId).catch(() => undefined));
  }

  private settle(entry: Pending): void {
    entry.settled = true;
    this.pending.delete(entry.jobId);
    this.link.unroute(entry.jobId);
  }

  private settleError(entry: Pending, error: RidgelineError): void {
    if (entry.settled) return;
    this.settle(entry);
    entry.reject(error);
  }

  private async pollCancel(): Promise<void> {
    if (this.cancelled || this.closed || this.cancelAsked) return;
    try {
      if ((await this.link.client.exists(cancelKey(this.sweepId))) === 1 && !this.cancelled && !this.closed) {
        this.cancelAsked = true;
        this.link.log(`sweep ${this.sweepId}: cancelled from another process`);
        this.onCancelRequested();
      }
    } catch {
      // The connection is down; the next poll tries again.
    }
  }
}

/** Whether two encoded cells name their data the same way (same hash, same road, same address and token). */
function sameData(queued: unknown, wire: ReturnType<typeof encodeCellJob>): boolean {
  const dataOf = (value: unknown) => JSON.stringify((value as { data?: unknown } | null)?.data ?? null);
  return dataOf(queued) === dataOf(wire);
}

function asRidgelineError(error: unknown): RidgelineError {
  if (error instanceof RidgelineError) return error;
  return new RidgelineError('QUEUE_UNREACHABLE', `the queue failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** Removes every job of a sweep that is not held by a worker; returns how many went. */
export async function removeSweepJobs(queue: Queue, sweepId: string, cellsTotal: number): Promise<number> {
  // Sent together (the client pipelines them): one after another, a sweep's end waited a round trip per cell.
  const removed = await Promise.all(Array.from({ length: cellsTotal }, (_, index) => queue.remove(cellJobId(sweepId, index))));
  return removed.reduce((sum, n) => sum + n, 0);
}

