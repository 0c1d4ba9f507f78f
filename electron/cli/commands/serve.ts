import { getOption, parseArgs } from '../args.ts';
import { resolveDbPath } from '../../core/paths.ts';
import { chromiumPdf } from '../../core/reports/chromiumPdf.ts';
import { ServicesHost } from '../../core/servicesHost.ts';
import { forkChildTrainer } from '../../core/training/childProcessTrainer.ts';
import { ensureWorkerBundle } from '../../core/training/workerBundle.ts';
import { AppQueues } from '../../queue/appQueues.ts';
import { openDataRoads } from '../../queue/dataRoads.ts';
import { startHttpServer } from '../../serve/httpServer.ts';
import { ensureRendererBuilt } from '../../serve/rendererBuild.ts';
import { log } from '../output.ts';
import { DATA_ROAD_SPEC, dataRoadOptions } from '../queueOption.ts';

export async function serveCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, {
    port: { type: 'number', min: 0, max: 65535, integer: true },
    host: { type: 'string' },
    db: { type: 'string' },
    // A damaged database: serve the page with its check and recovery, rather than refuse it (the default,
    // as every command does). `npm start` passes it: that is the app.
    'offer-recovery': { type: 'flag' },
    // For the sweeps the page sends to a queue: how their data reach the workers (as with cv --queue).
    ...DATA_ROAD_SPEC,
  });
  const dataRoads = dataRoadOptions(args, true);
  const host = getOption<string>(args, 'host') ?? '127.0.0.1';
  const port = getOption<number>(args, 'port') ?? 7317;
  const dbPath = resolveDbPath(getOption<string>(args, 'db'));
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    log(`warning: serving on ${host}, reachable beyond this machine; the token is the only protection. Prefer an SSH tunnel to 127.0.0.1.`);
  }
  const staticDir = await ensureRendererBuilt(log);
  const trainerEntry = (await ensureWorkerBundle()) ?? undefined;
  // Sweeps the page sends to a queue: this process coordinates them (and stays the database's only writer).
  // The data endpoint, when asked for, listens from the start: an address it cannot take fails here.
  const queues = new AppQueues(log, { roads: await openDataRoads(dataRoads, log) });
  const services = new ServicesHost({
    dbPath,
    launchTrainer: () => forkChildTrainer(trainerEntry),
    kind: 'serve',
    pdf: chromiumPdf,
    onDamage: getOption<boolean>(args, 'offer-recovery') ? 'offer-recovery' : 'refuse',
    queues,
  });
  const handle = await startHttpServer({ services, staticDir, host, port });
  const damage = (await services.handlers.getAppInfo({})).databaseDamage;
  log(damage === null ? `database: ${dbPath}` : `${damage}\nThe page offers its check and recovery into a new file.`);
  process.stdout.write(`Ridgeline serving at ${handle.url}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: shutting down`);
      handle
        .close()
        .catch(() => undefined)
        .finally(() => {
          services.close(`the server stopped (${signal}) while it ran`);
          // Queued cells stay in Redis: `sweep resume --queue` (or Resume on the queue) collects them.
          void queues.close().finally(resolve);
        });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
