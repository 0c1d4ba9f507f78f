import { checkDatabase, backupDatabase, recoverDatabase } from '../../core/db/maintenance.ts';
import { resolveDbPath } from '../../core/paths.ts';
import { UsageError, getOption, parseArgs, requireOption } from '../args.ts';
import { log, printJson } from '../output.ts';

/**
 * `ridgeline db check|backup|recover [--db PATH]`: the database's health and copies of it. None of
 * them writes to the database itself: check reads it, backup copies it (SQLite's online backup, safe
 * while the app runs), recover copies out what SQLite can still read into a new file.
 */
export async function dbCommand(argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  switch (action) {
    case 'check': {
      const args = parseArgs(rest, { db: { type: 'string' }, json: { type: 'flag' } });
      const result = checkDatabase(resolveDbPath(getOption<string>(args, 'db')));
      if (getOption<boolean>(args, 'json')) printJson(result);
      else if (result.ok) process.stdout.write(`${result.path}: ok (${result.bytes} bytes, schema version ${result.schemaVersion})\n`);
      else {
        process.stdout.write(`${result.path}: damaged (${result.problems.length}${result.problems.length >= 100 ? '+' : ''} problem${result.problems.length === 1 ? '' : 's'})\n`);
        for (const problem of result.problems) process.stdout.write(`  ${problem}\n`);
      }
      return result.ok ? 0 : 1;
    }
    case 'backup': {
      const args = parseArgs(rest, { db: { type: 'string' }, out: { type: 'string' }, json: { type: 'flag' } });
      const result = await backupDatabase(resolveDbPath(getOption<string>(args, 'db')), requireOption<string>(args, 'out'));
      if (getOption<boolean>(args, 'json')) printJson(result);
      else log(`backed up to ${result.out} (${result.bytes} bytes)`);
      return 0;
    }
    case 'recover': {
      const args = parseArgs(rest, { db: { type: 'string' }, out: { type: 'string' }, json: { type: 'flag' } });
      const result = recoverDatabase(resolveDbPath(getOption<string>(args, 'db')), requireOption<string>(args, 'out'));
      if (getOption<boolean>(args, 'json')) printJson(result);
      else log(`recovered into ${result.out}: ${result.runs} runs, ${result.datasets} data sets, ${result.sweeps} sweeps (${result.bytes} bytes)${result.tablesWithLoss.length > 0 ? `; rows were lost from ${result.tablesWithLoss.join(', ')}` : '; nothing was lost'}`);
      return 0;
    }
    default:
      throw new UsageError(`db: unknown action "${action ?? ''}" (expected check, backup or recover)`);
  }
}
