import { RidgelineError } from '../../shared/errors.ts';
import { DATA_VIA, type DataRoadOptions, type DataVia } from '../queue/dataRoads.ts';
import { parseEndpointAddress } from '../queue/endpointAddress.ts';
import { parseQueueUrl, type QueueAddress } from '../queue/queueUrl.ts';
import { getOption, UsageError, type OptionSpec, type ParsedArgs } from './args.ts';

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

/** How a coordinator sends sweep data to workers (electron/queue/dataRoads.ts): `cv`, `sweep resume` and `serve` take these. */
export const DATA_ROAD_SPEC: OptionSpec = {
  'data-via': { type: 'enum', values: DATA_VIA },
  'serve-data': { type: 'string' },
};

/**
 * --data-via and --serve-data, checked; `queued`: whether this command coordinates a queue (they mean
 * nothing otherwise, and are refused rather than ignored).
 */
export function dataRoadOptions(args: ParsedArgs, queued: boolean): DataRoadOptions {
  const via = getOption<DataVia>(args, 'data-via') ?? 'auto';
  const raw = getOption<string>(args, 'serve-data');
  if (!queued) {
    const given = raw !== undefined ? 'serve-data' : getOption(args, 'data-via') !== undefined ? 'data-via' : null;
    if (given) throw new UsageError(`option --${given}: only with --queue (it says how the queue's workers get the sweep's data)`);
  }
  if (via === 'redis' && raw !== undefined) throw new UsageError('option --serve-data: --data-via redis sends no data from here; give one or the other');
  if (raw === undefined) return { via };
  try {
    return { via, serveData: parseEndpointAddress(raw) };
  } catch (error) {
    if (error instanceof RidgelineError) throw new UsageError(`option --serve-data: ${error.message}`);
    throw error;
  }
}
