import { resolve } from 'node:path';
import type { ApiHandlers } from '../../shared/api.ts';
import { RidgelineError } from '../../shared/errors.ts';
import { APP_VERSION } from './appVersion.ts';
import { openStore } from './cliStore.ts';
import type { Db } from './db/open.ts';
import { startWalCheckpointer } from './db/walCheckpointer.ts';
import { RunsPages } from './db/runsPage.ts';
import { ImportService } from './datasets/importService.ts';
import { EventHub } from './events.ts';
import type { SweepQueues } from './sweeps/sweepQueues.ts';
import { SweepService } from './sweeps/sweepService.ts';
import { SweepTargets } from './sweeps/sweepTargets.ts';
import { RunService } from './training/runService.ts';
import type { TrainerLauncher } from './training/trainerHost.ts';
import { buildReport, type BuildOptions, type BuiltReport, type PdfRenderer } from './reports/build.ts';
import { importReportJson } from './reports/importJson.ts';
import type { ReportFormat, ReportTarget } from '../../shared/report/types.ts';

export interface Services {
  handlers: ApiHandlers;
  events: EventHub;
  db: Db;
  sweeps: SweepService;
  imports: ImportService;
  /** A report from the stored data (each shell delivers it its own way: a save dialog, a download). */
  buildReport(target: ReportTarget, format: ReportFormat, options?: BuildOptions): Promise<BuiltReport>;
  /** True while runs or sweeps are in flight. */
  readonly busy: boolean;
  /** Ends runs and sweeps in flight (recorded as interrupted), stops the session, closes the database. */
  close(reason?: string): void;
}

/** The largest JSON report the app imports (the CLI's import-report reads any size it can hold). */
const MAX_REPORT_IMPORT_BYTES = 256 * 1024 * 1024;

function hostOnly(method: string): never {
  throw new RidgelineError('BAD_REQUEST', `${method} is answered by the shell's ServicesHost, not by the services alone`);
}

/** How often to look for commits by other processes (the CLI, another serve) to refresh the UI. */
const EXTERNAL_CHANGE_POLL_MS = 1000;

/** The services both shells expose: one database, the run and sweep services, the API handlers over them. */
export interface ServicesOptions {
  dbPath: string;
  launchTrainer: TrainerLauncher;
  kind: string;
  importFrom?: 'upload' | 'path';
  /** How this shell prints PDF reports (headless Chromium, or Electron's printToPDF). */
  pdf: PdfRenderer;
  /** The hub to emit on, when the shell's listeners must outlive these services (a database reopened). */
  events?: EventHub;
  /** The queues sweeps may run on (electron/queue/appQueues.ts), owned and closed by the shell; absent, this machine only. */
  queues?: SweepQueues;
}

export function createServices(options: ServicesOptions): Services {
  const importFrom = options.importFrom ?? 'upload';
  const store = openStore(options.dbPath, options.kind);
  const { db, datasets, runs } = store;
  const stopCheckpointer = startWalCheckpointer(db, options.dbPath);
  const events = options.events ?? new EventHub();
  const deps = { runs, datasets, events, launchTrainer: options.launchTrainer, appVersion: APP_VERSION, sessionId: store.sessions.id };
  const runService = new RunService(deps);
  const imports = new ImportService({ datasets, events, allowPaths: importFrom === 'path' });
  const sweepService = new SweepService({ ...deps, sweeps: store.sweeps, startRefit: (spec, sweepId) => runService.start(spec, sweepId) });
  const sweepTargets = new SweepTargets({ service: sweepService, sweeps: store.sweeps, queues: options.queues });

  let dataVersion = db.pragma('data_version', { simple: true }) as number;
  const poll = setInterval(() => {
    const now = db.pragma('data_version', { simple: true }) as number;
    if (now !== dataVersion) {
      dataVersion = now;
      events.emit({ type: 'runsChanged' });
    }
  }, EXTERNAL_CHANGE_POLL_MS);
  poll.unref();

  const runPages = new RunsPages(db);
  const handlers: ApiHandlers = {
    getAppInfo: () => ({ version: APP_VERSION, databasePath: options.dbPath, importFrom, databaseDamage: null }),
    listDatasets: () => datasets.list(),
    renameDataset: ({ id, name }) => {
      const renamed = datasets.rename(id, name);
      events.emit({ type: 'datasetsChanged' });
      return renamed;
    },
    deleteDataset: ({ id }) => {
      const result = datasets.softDelete(id);
      events.emit({ type: 'datasetsChanged' });
      return result;
    },
    restoreDataset: ({ id }) => {
      const restored = datasets.restore(id);
      events.emit({ type: 'datasetsChanged' });
      return restored;
    },
    listRuns: () => runs.list(),
    queryRuns: ({ view, offset, limit }) => runPages.page(view, offset, limit),
    listRunIds: ({ view, offset, limit }) => runPages.ids(view, offset, limit),
    getRunSummaries: ({ ids }) => runPages.summaries(ids),
    getRun: ({ id }) => runService.withUnsavedEnd(runs.get(id)),
    getRunMetrics: ({ ids, metrics, fromStep }) =>
      ids.map((id, k) => {
        if (!runs.exists(id)) throw new RidgelineError('NOT_FOUND', `no run with id ${id}`);
        return runs.metrics(id, metrics, Array.isArray(fromStep) ? fromStep[k] : fromStep);
      }),
    checkRun: (spec) => runService.check(spec),
    startRun: (spec) => runService.start(spec),
    cancelRun: ({ id }) => runService.cancel(id),
    listSweeps: () => store.sweeps.list(),
    getSweep: ({ id }) => sweepService.detail(id),
    previewSweep: (spec) => sweepService.preview(spec),
    startSweep: (input) => sweepTargets.start(input),
    cancelSweep: ({ id }) => sweepService.cancel(id),
    resumeSweep: (input) => sweepTargets.resume(input),
    getSweepWorkers: ({ id }) => sweepTargets.workers(id),
    getSweepPath: ({ id, configIndex }) => sweepService.path(id, configIndex),
    previewImport: ({ source, delimiter }) => imports.preview(source, delimiter),
    startImport: ({ source, options }) => imports.start(source, options),
    cancelImport: ({ id }) => imports.cancel(id),
    editRun: (edit) => {
      const run = runs.edit(edit);
      events.emit({ type: 'runsChanged' });
      return run;
    },
    editRuns: ({ ids, ...change }) => {
      const result = runPages.edit(ids, change);
      events.emit({ type: 'runsChanged' });
      return result;
    },
    summarizeRuns: ({ ids }) => runPages.summarize(ids),
    deleteRuns: ({ ids }) => {
      const deleted = runs.softDelete(ids);
      events.emit({ type: 'runsChanged' });
      return { deleted };
    },
    restoreRuns: ({ ids }) => {
      const restored = runs.restore(ids);
      events.emit({ type: 'runsChanged' });
      return { restored };
    },
    chooseImportFile: () => {
      throw new RidgelineError('BAD_REQUEST', 'there is no file dialog here: upload the file instead');
    },
    importReport: ({ source }) => {
      // Read whole and imported in one go (one transaction): capped well below V8's longest string.
      const { text } = imports.readWhole(source, MAX_REPORT_IMPORT_BYTES);
      const summary = importReportJson(store, text);
      events.emit({ type: 'runsChanged' });
      if (summary.imported.datasets.length > 0) events.emit({ type: 'datasetsChanged' });
      return summary;
    },
    // Replaced by each shell: the desktop saves through its dialog; serve mode answers the request with the file.
    exportReport: () => {
      throw new RidgelineError('BAD_REQUEST', 'exportReport needs a shell that can save or download the file');
    },
    // The database's care needs what holds these services (it closes and reopens them): servicesHost.ts.
    checkDatabase: () => hostOnly('checkDatabase'),
    backupDatabase: () => hostOnly('backupDatabase'),
    recoverDatabase: () => hostOnly('recoverDatabase'),
    openRecoveredDatabase: () => hostOnly('openRecoveredDatabase'),
  };

  let closed = false;
  return {
    handlers,
    events,
    db,
    sweeps: sweepService,
    imports,
    buildReport: (target, format, buildOptions) => buildReport(store, target, format, { pdf: options.pdf, databasePath: resolve(options.dbPath), ...buildOptions }),
    get busy() {
      return sweepService.busy || runService.activeCount > 0;
    },
    close(reason = 'the app was shut down while it ran') {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      imports.close();
      sweepService.shutdown(reason);
      runService.shutdown(reason);
      stopCheckpointer();
      store.close(reason);
    },
  };
}
