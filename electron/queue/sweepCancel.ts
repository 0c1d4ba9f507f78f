import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { probeQueue, redisOptions } from './connection.ts';
import { removeSweepJobs } from './queueCellRunner.ts';
import { cancelKey, KEY_PREFIX, QUEUE_NAME } from './queueKeys.ts';
import type { QueueAddress } from './queueUrl.ts';

/** How long the cancel flag outlives a cancel: longer than any worker keeps a cell it holds. */
const CANCEL_FLAG_SECONDS = 86_400;

/**
 * Cancels a sweep in the queue, from any process: raises its cancel flag (its coordinator ends the
 * sweep as cancelled; workers drop its cells, the ones in hand included) and removes every job of it
 * that no worker holds. Returns how many jobs were removed.
 */
export async function cancelSweepInQueue(address: QueueAddress, sweepId: string, cellsTotal: number): Promise<number> {
  await probeQueue(address);
  const connection = redisOptions(address);
  const client = new Redis(connection);
  const queue = new Queue(QUEUE_NAME, { connection, prefix: KEY_PREFIX });
  try {
    await client.set(cancelKey(sweepId), 'cancelled by the user', 'EX', CANCEL_FLAG_SECONDS);
    return await removeSweepJobs(queue, sweepId, cellsTotal);
  } finally {
    await queue.close();
    client.disconnect();
  }
}
