import { DatasetsStore } from './db/datasetsStore.ts';
import { openDatabase, type Db } from './db/open.ts';
import { RunsStore } from './db/runsStore.ts';
import { SessionsStore } from './db/sessionsStore.ts';
import { SweepsStore } from './db/sweepsStore.ts';
import { ensureBuiltinDatasets } from './datasets/builtin.ts';

export interface Store {
  db: Db;
  sessions: SessionsStore;
  datasets: DatasetsStore;
  runs: RunsStore;
  sweeps: SweepsStore;
  /** Ends the session (its unfinished runs and sweeps become interrupted) and closes the database. */
  close(reason: string): void;
}

/**
 * The stores over one database, for a process that writes (the CLI commands, the services): opening
 * registers a session (and marks what dead processes left running as interrupted).
 */
export function openStore(path: string, kind: string): Store {
  const db = openDatabase(path);
  const sessions = new SessionsStore(db, kind);
  sessions.start();
  const datasets = new DatasetsStore(db);
  ensureBuiltinDatasets(datasets);
  const runs = new RunsStore(db);
  runs.purgeDeleted();
  return {
    db,
    sessions,
    datasets,
    runs,
    sweeps: new SweepsStore(db, runs),
    close(reason) {
      sessions.stop(reason);
      db.close();
    },
  };
}
