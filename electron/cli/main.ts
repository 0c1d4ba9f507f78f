/**
 * `ridgeline`: the command-line face of the same engine and database as the app.
 * Contract: ../shared/CLI.md. Exit codes: 0 success, 1 failure (a `{code, message}` error),
 * 2 usage error (a one-line message naming the option).
 */
import { toErrorInfo } from '../../shared/errors.ts';
import { UsageError } from './args.ts';

const USAGE = `usage: ridgeline <command> [options]
  serve   [--port N] [--host 127.0.0.1] [--db PATH] [--serve-data HOST:PORT] [--data-via auto|redis|coordinator]
  fit     --data CSV --target COL [fit options] [--db PATH] [--json] [--history true]
  cv      --data CSV --target COL [fit options] [--lambdas l1,l2,… | --n-lambda N --lambda-min-ratio R]
          [--folds K | --fold-column COL] [--measure mse|deviance|misclass|auc] [--alphas a,b,…]
          [--repeats R] [--pool-size N | --queue URL [--serve-data HOST:PORT] [--data-via …]] [--db PATH] [--json]
  runs    [--db PATH] [--json]
  sweeps  [--db PATH] [--json]
  sweep resume ID [--db PATH] [--pool-size N | --queue URL [--serve-data HOST:PORT] [--data-via …]] [--json]
  sweep cancel ID [--db PATH] [--queue URL]   a sweep's cells leave the queue; it ends cancelled
  worker  --queue URL [--concurrency N]     trains sweep cells from the queue (RIDGELINE_QUEUE may give URL)
          URL: redis://[:password@]host:port[/db] or rediss://… (a password unless the host is loopback)
  --serve-data HOST:PORT (with --queue): data over 64 MiB go to workers from this address of this machine
          (HTTP, a token per sweep) rather than through Redis; --data-via coordinator sends all data that
          way (on 127.0.0.1 unless --serve-data says where), --data-via redis none (default: auto)
  report  ID[,ID…] --format html|pdf|csv|json --out FILE [--db PATH]   (a run, runs, or a sweep)
  import-report FILE [--db PATH] [--json]
  db check [--db PATH] [--json]            SQLite's full integrity check (exit 1 when damaged)
  db backup --out FILE [--db PATH]         a consistent copy, safe while the app runs
  db recover --out FILE [--db PATH]        what can still be read of a damaged database, into a new file
  --tol T (cd, linear): stop when a full pass moves no column's fit by more than T·var(y) (glmnet's
          thresh) and the duality gap certifies J − J* ≤ T·var(y); 0 runs exactly --max-iter passes.
See ../shared/CLI.md (or README.md) for every option.`;

type Command = (argv: readonly string[]) => number | Promise<number>;

// Loaded on demand: `fit` should not pay for the HTTP server's imports, nor `serve` for the CSV parser.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
  fit: async () => (await import('./commands/fit.ts')).fitCommand,
  cv: async () => (await import('./commands/cv.ts')).cvCommand,
  runs: async () => (await import('./commands/runs.ts')).runsCommand,
  sweeps: async () => (await import('./commands/sweeps.ts')).sweepsCommand,
  sweep: async () => (await import('./commands/sweeps.ts')).sweepCommand,
  worker: async () => (await import('./commands/worker.ts')).workerCommand,
  report: async () => (await import('./commands/report.ts')).reportCommand,
  'import-report': async () => (await import('./commands/report.ts')).importReportCommand,
  db: async () => (await import('./commands/db.ts')).dbCommand,
};

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help' || command === '-h') {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    process.stderr.write(`ridgeline: unknown command "${command}"\n${USAGE}\n`);
    return 2;
  }
  try {
    const run = await load();
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ridgeline ${command}: ${error.message}\n`);
      return 2;
    }
    const info = toErrorInfo(error);
    process.stderr.write(`ridgeline ${command}: ${info.message} [${info.code}]\n`);
    if (info.code === 'INTERNAL' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

// `ridgeline runs | head`: a closed pipe is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
