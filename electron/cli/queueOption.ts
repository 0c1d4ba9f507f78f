import { RidgelineError } from '../../shared/errors.ts';
import { parseQueueUrl, type QueueAddress } from '../queue/queueUrl.ts';
import { UsageError } from './args.ts';

/** The queue URL of `source` (an option or RIDGELINE_QUEUE) checked: a bad one is a usage error (exit 2). */
export function queueAddressOption(raw: string | undefined, source = 'option --queue'): QueueAddress | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseQueueUrl(raw);
  } catch (error) {
    if (error instanceof RidgelineError) throw new UsageError(`${source}: ${error.message}`);
    throw error;
  }
}
