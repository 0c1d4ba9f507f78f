import { RidgelineError } from '../../../shared/errors.ts';
import { openStore } from '../../core/cliStore.ts';
import { resolveDbPath } from '../../core/paths.ts';
import { UsageError, getOption, parseArgs } from '../args.ts';
import { printJson } from '../output.ts';
import { DATA_ROAD_SPEC, dataRoadOptions, queueAddressOption } from '../queueOption.ts';
import { cvDocument, openSweepRunner } from '../sweepRunner.ts';
import { printCvTable } from './cv.ts';

/** `ridgeline sweeps`: every stored sweep. Opening the database marks sweeps of dead processes interrupted. */
export function sweepsCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { db: { type: 'string' }, json: { type: 'flag' } });
  const store = openStore(resolveDbPath(getOption<string>(args, 'db')), 'cli');
  try {
    const sweeps = store.sweeps.list();
    if (getOption<boolean>(args, 'json')) printJson(sweeps);
    else {
      if (sweeps.length === 0) process.stdout.write('no sweeps\n');
      for (const s of sweeps) process.stdout.write(`${s.id}\t${s.status}\t${s.cellsDone}/${s.cellsTotal}\t${s.createdAt}\t${s.name}\n`);
    }
  } finally {
    store.close('the CLI exited');
  }
  return 0;
}

/**
 * `ridgeline sweep resume ID`: finishes an interrupted sweep without redoing its committed cells (with
 * --queue, on queue workers, collecting first what they finished while no coordinator ran).
 * `ridgeline sweep cancel ID`: see cancelSweep.ts.
 */
export async function sweepCommand(argv: readonly string[]): Promise<number> {
  const [action, id, ...rest] = argv;
  if (action !== 'resume' && action !== 'cancel') throw new UsageError(`sweep: unknown action "${action ?? ''}" (expected: resume ID, cancel ID)`);
  if (id === undefined || id.startsWith('--')) throw new UsageError(`sweep ${action}: give the sweep id`);
  if (action === 'cancel') return (await import('./cancelSweep.ts')).cancelSweepCommand(id, rest);
  const args = parseArgs(rest, {
    db: { type: 'string' },
    json: { type: 'flag' },
    'pool-size': { type: 'number', min: 1, max: 64, integer: true },
    queue: { type: 'string' },
    ...DATA_ROAD_SPEC,
  });
  const queue = queueAddressOption(getOption<string>(args, 'queue'));
  if (queue !== undefined && getOption(args, 'pool-size') !== undefined) throw new UsageError('option --pool-size: give either --pool-size or --queue, not both');
  // A resume serves the sweep's data again (with the sweep's token, kept in Redis), where it is told to.
  const dataRoads = dataRoadOptions(args, queue !== undefined);
  const { store, service, closeQueue } = await openSweepRunner(resolveDbPath(getOption<string>(args, 'db')), queue, dataRoads);
  try {
    const started = performance.now();
    const summary = await service.resume(id, getOption<number>(args, 'pool-size'));
    if (summary.status !== 'completed') throw new RidgelineError('SWEEP_FAILED', `the sweep ended ${summary.status}: ${summary.statusReason ?? 'no reason given'}`);
    const detail = service.detail(id);
    if (getOption<boolean>(args, 'json')) printJson(cvDocument(detail, { loadMs: 0, fitMs: performance.now() - started }, true));
    else printCvTable(detail);
  } finally {
    service.shutdown('the CLI exited before the sweep finished');
    await closeQueue();
    store.close('the CLI exited before the sweep finished');
  }
  return 0;
}
