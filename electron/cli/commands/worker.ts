import { availableParallelism } from 'node:os';
import { CellWorker } from '../../queue/cellWorker.ts';
import { queueUrlFrom } from '../../queue/queueUrl.ts';
import { UsageError, getOption, parseArgs } from '../args.ts';
import { log } from '../output.ts';
import { queueAddressOption } from '../queueOption.ts';

/**
 * `ridgeline worker --queue URL [--concurrency N]`: trains sweep cells from the queue until stopped.
 * SIGINT/SIGTERM hand the cells in hand back to the queue (another worker takes them at once) and exit.
 */
export async function workerCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, {
    queue: { type: 'string' },
    concurrency: { type: 'number', min: 1, max: 256, integer: true },
    'lock-duration': { type: 'number', min: 1000, max: 3_600_000, integer: true },
    'stalled-interval': { type: 'number', min: 500, max: 3_600_000, integer: true },
  });
  if (args.positionals.length > 0) throw new UsageError(`worker: unexpected argument "${args.positionals[0]}"`);
  const option = getOption<string>(args, 'queue');
  const url = queueUrlFrom(option);
  if (url === undefined) throw new UsageError('option --queue is required (or set RIDGELINE_QUEUE): redis://[:password@]host:port[/db]');
  const address = queueAddressOption(url, option === undefined ? 'RIDGELINE_QUEUE' : 'option --queue')!;
  const lockDurationMs = getOption<number>(args, 'lock-duration') ?? 30_000;
  const stalledIntervalMs = getOption<number>(args, 'stalled-interval') ?? 15_000;
  const worker = await CellWorker.start({ address, concurrency: getOption<number>(args, 'concurrency') ?? availableParallelism(), lockDurationMs, stalledIntervalMs, log });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  log(`worker: ${signal}: stopping`);
  // A second signal while stopping: leave at once (the cells' locks expire and other workers take them).
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await worker.stop();
  log('worker: stopped');
  return 0;
}
