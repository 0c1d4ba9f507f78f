import { getOption, parseArgs } from '../args.ts';
import { openDatabase } from '../../core/db/open.ts';
import { RunsStore } from '../../core/db/runsStore.ts';
import { SessionsStore } from '../../core/db/sessionsStore.ts';
import { resolveDbPath } from '../../core/paths.ts';
import { printJson } from '../output.ts';

export function runsCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { db: { type: 'string' }, json: { type: 'flag' } });
  const db = openDatabase(resolveDbPath(getOption<string>(args, 'db')));
  try {
    // Opening is when runs of dead processes are marked interrupted (never left 'running').
    new SessionsStore(db, 'cli').reapDeadSessions();
    const runs = new RunsStore(db).list();
    if (getOption<boolean>(args, 'json')) {
      printJson(runs.map((r) => ({ ...r, ...r.hyperparams, finalObjective: r.final.objective })));
    } else {
      if (runs.length === 0) process.stdout.write('no runs\n');
      for (const r of runs) {
        process.stdout.write(`${r.id}\t${r.status}\t${r.hyperparams.model}\tλ=${r.hyperparams.lambda}\tJ=${r.final.objective ?? '—'}\t${r.createdAt}\t${r.name}\n`);
      }
    }
  } finally {
    db.close();
  }
  return 0;
}
