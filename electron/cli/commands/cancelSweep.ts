import { RidgelineError } from '../../../shared/errors.ts';
import { openStore } from '../../core/cliStore.ts';
import { resolveDbPath } from '../../core/paths.ts';
import { cancelSweepInQueue } from '../../queue/sweepCancel.ts';
import { getOption, parseArgs } from '../args.ts';
import { log } from '../output.ts';
import { queueAddressOption } from '../queueOption.ts';

/** How long `sweep cancel` waits for a running coordinator to end the sweep (it polls every second). */
const CONFIRM_MS = 20_000;

/** Waits until `status()` is no longer running, or the time is up; returns the last status read. */
async function waitUntilEnded(status: () => string): Promise<string> {
  const end = Date.now() + CONFIRM_MS;
  let last = status();
  while (last === 'running' && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = status();
  }
  return last;
}

/**
 * `ridgeline sweep cancel ID [--queue URL] [--db PATH]`. With --queue the sweep's cells leave the queue
 * (workers drop the ones in hand). A sweep whose coordinator still runs is ended by that coordinator,
 * which stays the only writer of its database; this command waits for it to say so. A sweep with no
 * process left is marked cancelled here.
 */
export async function cancelSweepCommand(id: string, argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { db: { type: 'string' }, queue: { type: 'string' } });
  const address = queueAddressOption(getOption<string>(args, 'queue')) ?? null;
  const store = openStore(resolveDbPath(getOption<string>(args, 'db')), 'cli');
  try {
    const summary = store.sweeps.summary(id);
    if (summary.status === 'completed') throw new RidgelineError('BAD_REQUEST', `sweep ${id} is already completed`);
    if (summary.status === 'running' && address === null) {
      throw new RidgelineError('BAD_REQUEST', `sweep ${id} is running in another process: give its --queue URL to cancel a sweep on workers (a local one stops with Ctrl-C, and resumes later)`);
    }
    const removed = address === null ? 0 : await cancelSweepInQueue(address, id, summary.cellsTotal);
    const jobs = address === null ? '' : `; ${removed} queued cell(s) removed from the queue`;
    if (summary.status === 'running') {
      const status = await waitUntilEnded(() => store.sweeps.summary(id).status);
      if (status === 'running') {
        log(`sweep ${id}: cancel requested${jobs}; its coordinator has not confirmed yet (it ends the sweep when it next reads the queue)`);
        return 1;
      }
      log(`sweep ${id} ${status}${jobs}`);
      return 0;
    }
    if (summary.status !== 'cancelled') store.sweeps.finish(id, 'cancelled', 'cancelled by the user', 0, null);
    log(`sweep ${id} cancelled${jobs}`);
    return 0;
  } finally {
    store.close('the CLI exited');
  }
}
