import type { ApiHandlers } from '../../shared/api.ts';
import { RidgelineError } from '../../shared/errors.ts';
import { APP_VERSION } from './appVersion.ts';
import { DatasetsStore } from './db/datasetsStore.ts';
import { openDatabase, type Db } from './db/open.ts';
import { RunsStore } from './db/runsStore.ts';
import { SessionsStore } from './db/sessionsStore.ts';
import { ensureBuiltinDatasets } from './datasets/builtin.ts';
import { EventHub } from './events.ts';
import { RunService } from './training/runService.ts';
import type { TrainerLauncher } from './training/trainerHost.ts';

export interface Services {
  handlers: ApiHandlers;
  events: EventHub;
  db: Db;
  /** Ends runs in flight (recorded as interrupted), stops the session, closes the database. */
  close(reason?: string): void;
}

/** How often to look for commits by other processes (the CLI, another serve) to refresh the UI. */
const EXTERNAL_CHANGE_POLL_MS = 1000;

/** The services both shells expose: one database, one run service, the API handlers over them. */
export function createServices(options: { dbPath: string; launchTrainer: TrainerLauncher; kind: string }): Services {
  const db = openDatabase(options.dbPath);
  const datasets = new DatasetsStore(db);
  const runs = new RunsStore(db);
  const sessions = new SessionsStore(db, options.kind);
  sessions.start();
  ensureBuiltinDatasets(datasets);
  const events = new EventHub();
  const runService = new RunService({ runs, datasets, events, launchTrainer: options.launchTrainer, appVersion: APP_VERSION, sessionId: sessions.id });

  let dataVersion = db.pragma('data_version', { simple: true }) as number;
  const poll = setInterval(() => {
    const now = db.pragma('data_version', { simple: true }) as number;
    if (now !== dataVersion) {
      dataVersion = now;
      events.emit({ type: 'runsChanged' });
    }
  }, EXTERNAL_CHANGE_POLL_MS);
  poll.unref();

  const handlers: ApiHandlers = {
    getAppInfo: () => ({ version: APP_VERSION, databasePath: options.dbPath }),
    listDatasets: () => datasets.list(),
    listRuns: () => runs.list(),
    getRun: ({ id }) => runs.get(id),
    getRunMetrics: ({ ids, metrics }) =>
      ids.map((id) => {
        if (!runs.exists(id)) throw new RidgelineError('NOT_FOUND', `no run with id ${id}`);
        return runs.metrics(id, metrics);
      }),
    checkRun: (spec) => runService.check(spec),
    startRun: (spec) => runService.start(spec),
    cancelRun: ({ id }) => runService.cancel(id),
  };

  let closed = false;
  return {
    handlers,
    events,
    db,
    close(reason = 'the app was shut down while it ran') {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      runService.shutdown(reason);
      sessions.stop(reason);
      db.close();
    },
  };
}
