import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { toErrorInfo } from '../../shared/errors.ts';
import { forkChildTrainer } from '../core/training/childProcessTrainer.ts';
import { TrainerPool } from '../core/training/trainerPool.ts';
import { describeQueueError, probeQueue, probeWarning, redisOptions } from './connection.ts';
import { DataCache, mebibytes, type DataFetched } from './dataTransport.ts';
import { describeEngine, engineMismatch, localEngine, type EngineIdentity } from './engineIdentity.ts';
import { cellRetryDelay, formatFailure } from './failures.ts';
import { decodeCellJob, encodeCellResult, MESSAGE_VERSION, type CellJobMessage } from './jobMessages.ts';
import { cancelKey, KEY_PREFIX, parseCellJobId, QUEUE_NAME } from './queueKeys.ts';
import type { QueueAddress } from './queueUrl.ts';
import { throttledLog } from './throttledLog.ts';
import type { Wire } from './wireCodec.ts';
import { startHeartbeat } from './workerHeartbeat.ts';

export interface CellWorkerOptions {
  address: QueueAddress;
  /** Cells in hand at once, each on its own trainer process. */
  concurrency: number;
  /**
   * How long a cell's lock lasts without renewal (renewed at half of it): a worker that died, lost
   * its network or was paused longer than this loses its cell to another worker.
   */
  lockDurationMs: number;
  /** How often this worker looks for cells whose lock expired. */
  stalledIntervalMs: number;
  log: (line: string) => void;
}

/** A cell is handed to another worker this often after its workers stalled, then it fails. */
const MAX_STALLED = 3;
/** How often a cell in hand checks whether its sweep was cancelled. */
const CANCEL_POLL_MS = 1000;

/**
 * `ridgeline worker`: takes sweep cells from the queue and trains each on this machine's trainer
 * processes (the pool `cv` uses), so this process's event loop stays free to renew the cells' locks.
 * Engine errors are deterministic: such a cell fails at once, unrecoverable. A trainer crash is retried;
 * a worker that dies or is cut off stops renewing its lock and its cell goes to another worker.
 */
export class CellWorker {
  private readonly inHand = new Map<string, { job: Job; token: string | undefined }>();
  private readonly handingBack = new Set<string>();
  private readonly started = new Map<string, number>();
  /** When each sweep was last found not cancelled (isCancelled). */
  private readonly notCancelledAt = new Map<string, number>();
  private stopping: Promise<void> | null = null;
  /** Says in Redis that this worker is alive (the app's sweep view lists it with its last heartbeat). */
  private heartbeat: { stop(): Promise<void> } | null = null;

  private constructor(
    private readonly options: CellWorkerOptions,
    private readonly name: string,
    private readonly identity: EngineIdentity,
    private readonly pool: TrainerPool,
    private readonly client: Redis,
    private readonly cache: DataCache,
    private readonly cacheDir: string,
    private worker: Worker | null = null,
  ) {}

  static async start(options: CellWorkerOptions): Promise<CellWorker> {
    const { address, log } = options;
    const probe = await probeQueue(address);
    const { identity, entry } = await localEngine();
    const host = hostname();
    const name = `${host}:${process.pid}`;
    const connection = redisOptions(address);
    const client = new Redis(connection);
    const report = throttledLog(log, 30_000);
    client.on('error', (error) => report(`worker: ${describeQueueError(error, address)}`));
    const cacheDir = mkdtempSync(join(tmpdir(), 'ridgeline-worker-'));
    const pool = new TrainerPool(() => forkChildTrainer(entry), options.concurrency);
    const onFetched = ({ ref, from, ms }: DataFetched) => log(`data ${ref.hash.slice(0, 12)} (${mebibytes(ref.bytes)}) fetched from ${from} in ${(ms / 1000).toFixed(3)} s`);
    const self = new CellWorker(options, name, identity, pool, client, new DataCache(client, cacheDir, onFetched), cacheDir);
    const worker = new Worker(QUEUE_NAME, (job: Job, token?: string) => self.process(job, token), {
      connection,
      prefix: KEY_PREFIX,
      name,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: MAX_STALLED,
      settings: { backoffStrategy: cellRetryDelay },
      autorun: false,
    });
    self.worker = worker;
    worker.on('error', (error) => self.onError(error, report));
    worker.on('completed', (job) => self.onCompleted(job));
    worker.on('failed', (job, error) => self.onFailed(job, error));
    worker.on('stalled', (jobId) => log(`${jobId}: its worker stopped renewing its lock (crashed, lost or paused); queued again for another worker`));
    await worker.waitUntilReady();
    self.heartbeat = await startHeartbeat(client, { name, host, pid: process.pid, onError: (error) => report(`worker: ${describeQueueError(error, address)}`) });
    void worker.run().catch((error: unknown) => report(`worker: ${describeQueueError(error, address)}`));
    const warning = probeWarning(probe, address);
    log(
      `worker ${name} connected to ${address.display} (Redis ${probe.redisVersion}; ${describeEngine(identity)}; ` +
        `${options.concurrency} cell${options.concurrency === 1 ? '' : 's'} at a time)${warning ? `; ${warning}` : ''}`,
    );
    return self;
  }

  private async process(job: Job, token: string | undefined): Promise<Wire> {
    const jobId = job.id ?? '';
    let message: CellJobMessage;
    try {
      message = decodeCellJob(job.data);
    } catch (error) {
      throw new UnrecoverableError(formatFailure('BAD_DATA', toErrorInfo(error).message));
    }
    const key = parseCellJobId(jobId);
    if (key?.sweepId !== message.sweepId || key.cellIndex !== message.cellIndex) {
      throw new UnrecoverableError(formatFailure('BAD_DATA', `job ${jobId} does not carry its own cell (sweep ${message.sweepId}, cell ${message.cellIndex})`));
    }
    const mismatch = engineMismatch(message.engine, this.identity, 'the coordinator', `worker ${this.name}`);
    if (mismatch) {
      this.options.log(`sweep ${message.sweepId} cell ${message.cellIndex} refused: ${mismatch}`);
      throw new UnrecoverableError(formatFailure('ENGINE_MISMATCH', mismatch));
    }
    if (await this.isCancelled(message.sweepId)) throw new UnrecoverableError(formatFailure('CANCELLED', 'the sweep was cancelled'));
    let file: string;
    try {
      file = await this.cache.acquire(message.data);
    } catch (error) {
      const info = toErrorInfo(error);
      // An unreachable coordinator is tried again (after a pause: failures.ts); a refused token or data
      // that do not match their hash are the same on every attempt.
      if (info.code === 'QUEUE_UNREACHABLE') throw new Error(formatFailure(info.code, info.message));
      throw new UnrecoverableError(formatFailure(info.code === 'UNAUTHORIZED' ? info.code : 'BAD_DATA', info.message));
    }
    this.inHand.set(jobId, { job, token });
    this.started.set(jobId, performance.now());
    const poll = setInterval(() => {
      this.isCancelled(message.sweepId).then(
        (cancelled) => cancelled && this.pool.cancel(jobId, 'the sweep was cancelled'),
        () => undefined,
      );
    }, CANCEL_POLL_MS);
    try {
      const output = await this.pool.runCell(jobId, file, message.job);
      return encodeCellResult({ v: MESSAGE_VERSION, output, computedBy: { worker: this.name, engineHash: this.identity.hash, v8: this.identity.v8 } });
    } catch (error) {
      if (this.handingBack.has(jobId)) {
        // Back to the queue at once, for another worker (rather than after its lock expires).
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const info = toErrorInfo(error);
      // A trainer process that died may be this machine's trouble (memory): tried again. Engine errors repeat.
      if (info.code === 'WORKER_CRASHED') throw new Error(formatFailure(info.code, info.message));
      throw new UnrecoverableError(formatFailure(info.code, info.message));
    } finally {
      clearInterval(poll);
      this.cache.release(message.data);
      this.inHand.delete(jobId);
    }
  }

  /**
   * Whether the sweep was cancelled, as Redis said at most CANCEL_POLL_MS ago: the cells of a sweep
   * follow one another quickly, and asking before each was a round trip per cell for an answer that
   * changes once, if ever (a cell in hand learns of a cancel within that time anyway).
   */
  private async isCancelled(sweepId: string): Promise<boolean> {
    const checked = this.notCancelledAt.get(sweepId);
    if (checked !== undefined && performance.now() - checked < CANCEL_POLL_MS) return false;
    const cancelled = (await this.client.exists(cancelKey(sweepId))) === 1;
    if (this.notCancelledAt.size > 1000) this.notCancelledAt.clear();
    if (cancelled) this.notCancelledAt.delete(sweepId);
    else this.notCancelledAt.set(sweepId, performance.now());
    return cancelled;
  }

  private describe(jobId: string | undefined): string {
    const key = parseCellJobId(jobId);
    return key ? `sweep ${key.sweepId} cell ${key.cellIndex}` : `job ${jobId}`;
  }

  private onCompleted(job: Job): void {
    const started = this.started.get(job.id ?? '');
    this.started.delete(job.id ?? '');
    const seconds = started === undefined ? 0 : (performance.now() - started) / 1000;
    this.options.log(`${this.describe(job.id)} done in ${seconds.toFixed(2)} s`);
  }

  private onFailed(job: Job | undefined, error: Error): void {
    if (!job) return;
    this.started.delete(job.id ?? '');
    this.options.log(`${this.describe(job.id)} failed: ${error.message}`);
    // A cancelled sweep's cell leaves no job behind.
    if (error.message.startsWith(formatFailure('CANCELLED', ''))) void job.remove().catch(() => undefined);
  }

  private onError(error: Error, report: (line: string) => void): void {
    const lost = /(?:Missing (?:lock|key) for job |Lock mismatch for job |Job )(sweep_[0-9a-z]+-cell-\d+)/.exec(error.message);
    if (lost) {
      // BullMQ's fence: this worker's lock had expired and the cell went to another worker, which
      // finished it or holds it now. This worker's result is dropped, never stored a second time.
      // (BullMQ reports it twice, for the completion and for the failure it tries next: said once.)
      const jobId = lost[1];
      if (!this.started.has(jobId)) return;
      this.started.delete(jobId);
      this.options.log(`${this.describe(jobId)}: result not accepted: this worker had lost the cell's lock and another worker took the cell over`);
      return;
    }
    report(`worker: ${describeQueueError(error, this.options.address)}`);
  }

  /** Stops taking cells, hands the ones in hand back to the queue, and closes. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const closing = this.worker?.close() ?? Promise.resolve();
      for (const jobId of this.inHand.keys()) {
        this.handingBack.add(jobId);
        this.pool.cancel(jobId, 'the worker is stopping');
      }
      if (this.inHand.size > 0) this.options.log(`worker ${this.name}: handing ${this.inHand.size} cell(s) back to the queue`);
      await closing;
      await this.heartbeat?.stop();
      this.pool.close();
      this.client.disconnect();
      rmSync(this.cacheDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}
