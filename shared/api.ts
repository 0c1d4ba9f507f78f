/**
 * The one API contract between the UI and the services. Both shells implement it: Electron over IPC
 * (preload → ipcMain, one channel per method) and serve mode over HTTP (`POST /api/<method>`, events
 * over server-sent events). Inputs are validated against these schemas on the service side of every
 * boundary; failures reach the caller as `{code, message}` (see errors.ts).
 */
import { z } from 'zod';
import { DelimiterSchema, type CsvPreview } from './domain/datasetImport.ts';
import type { DatasetSummary } from './domain/datasets.ts';
import type { DatabaseBackup, DatabaseCheck, DatabaseRecovery, DatabaseSwitch } from './domain/database.ts';
import type { SweepWorkers } from './domain/sweepWorkers.ts';
import { parseQueueUrl } from './queueUrl.ts';
import type { ErrorInfo } from './errors.ts';
import { SweepSpecSchema, type SweepDetail, type SweepPath, type SweepStatus, type SweepSummary } from './domain/sweeps.ts';
import { METRIC_NAMES, type ProgressBatch } from './domain/metrics.ts';
import { RunEditSchema, RunSpecSchema, RunTagSchema, type RunDetail, type RunMetrics, type RunStatus, type RunSummary } from './domain/runs.ts';
import type { ApiMethod } from './apiMethods.ts';
import { REPORT_FORMATS } from './report/types.ts';
import { RUN_SORT_KEYS } from './query/runSort.ts';

export { API_METHODS, IPC_EVENT_CHANNEL, ipcChannel, isApiMethod, type ApiMethod } from './apiMethods.ts';

const Id = z.string().min(1, 'an id is required').max(100, 'ids are at most 100 characters');
const Empty = z.object({}).strict();

/** What the runs table shows: the filter (the query language of shared/query/runQuery.ts), the order, the toggles. */
export const RunsViewSchema = z
  .object({
    query: z.string().max(4000, 'the filter is at most 4000 characters'),
    sort: z.object({ key: z.enum(RUN_SORT_KEYS), direction: z.enum(['asc', 'desc']) }).strict(),
    showCells: z.boolean(),
    showArchived: z.boolean(),
  })
  .strict();
export type RunsView = z.infer<typeof RunsViewSchema>;

/** A window of the runs table and its counts. */
export interface RunsPage {
  /** Rows the view shows (toggles and filter applied). */
  matching: number;
  /** What "N of M runs" counts against: every run, sweep cells only when they are shown. */
  total: number;
  /** Archived runs (cells included). */
  archived: number;
  offset: number;
  rows: RunSummary[];
}
/** What a selection of runs holds (summarizeRuns): runs that exist, archived, queued or running, and their tags. */
export interface RunsSelectionSummary {
  runs: number;
  archived: number;
  active: number;
  /** Every tag any of the runs carries, with how many carry it, in code point order. */
  tags: { tag: string; runs: number }[];
}

/** Ids at once in the methods on a selection (editRuns, summarizeRuns, deleteRuns, restoreRuns): larger ones go in parts. */
export const RUN_IDS_MAX = 100_000;
const RunIds = z.array(Id).min(1, 'name at least one run').max(RUN_IDS_MAX);

/** A step number: step k is the state after k updates. (A refinement, not `.int()`, keeps its message inside a union.) */
const StepIndex = z.number().min(0, 'steps start at 0').refine(Number.isInteger, 'a step is a whole number');

/** Where an imported file comes from: an upload (serve mode: `POST /api/upload`) or a local path (desktop). */
const ImportSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('upload'), uploadId: Id }).strict(),
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }).strict(),
]);
export type ImportSource = z.infer<typeof ImportSourceSchema>;

/**
 * Where a sweep's cells are trained, when not on this machine: the workers of a queue (Redis), by the
 * CLI's rules (shared/queueUrl.ts: a password unless the host is loopback). Messages never echo it.
 */
const QueueUrlSchema = z
  .string()
  .max(2048, 'the queue URL is at most 2048 characters')
  .superRefine((url, ctx) => {
    try {
      parseQueueUrl(url);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'not a queue URL' });
    }
  });

export const API_INPUTS = {
  getAppInfo: Empty,
  listDatasets: Empty,
  renameDataset: z.object({ id: Id, name: z.string().trim().min(1, 'a data set needs a name').max(200, 'names are at most 200 characters') }).strict(),
  /** Takes an imported data set out of the lists (its runs keep it); restoreDataset undoes it. */
  deleteDataset: z.object({ id: Id }).strict(),
  restoreDataset: z.object({ id: Id }).strict(),
  listRuns: Empty,
  /** A window of the runs table: its view's rows from `offset`, with the counts ("N of M runs"). */
  queryRuns: z.object({ view: RunsViewSchema, offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000, 'at most 1000 rows at once') }).strict(),
  /** The ids of a view's rows (all, or a window): selections ("select all", Shift-click ranges) need no rows. */
  listRunIds: z.object({ view: RunsViewSchema, offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).optional() }).strict(),
  /** The summaries of these runs, in the order asked; ids that do not exist are left out. */
  getRunSummaries: z.object({ ids: z.array(Id).max(100_000) }).strict(),
  getRun: z.object({ id: Id }).strict(),
  /**
   * Stored per-step metrics. A client that polls asks for what it lacks: `metrics` (default all) and
   * `fromStep`, the first step it wants (one number for every run named, or one per run in `ids` order).
   */
  getRunMetrics: z
    .object({
      ids: z.array(Id).min(1, 'name at least one run').max(1000, 'at most 1000 runs at once'),
      metrics: z.array(z.enum(METRIC_NAMES)).optional(),
      fromStep: z.union([StepIndex, z.array(StepIndex)], { error: 'a step number, or a list of them (one per run)' }).optional(),
    })
    .strict()
    .refine((input) => !Array.isArray(input.fromStep) || input.fromStep.length === input.ids.length, {
      message: 'give one fromStep per run named in ids, or one number for all of them',
      path: ['fromStep'],
    }),
  // Lenient on purpose: the form asks while the user types, and half-typed input is answered with
  // `problems`, not refused.
  checkRun: z.object({ datasetId: z.string().max(100), name: z.string().optional(), hyperparams: z.record(z.string(), z.unknown()) }).strict(),
  startRun: RunSpecSchema.strict(),
  cancelRun: z.object({ id: Id }).strict(),
  listSweeps: Empty,
  getSweep: z.object({ id: Id }).strict(),
  // Lenient like checkRun: the launcher asks while the user edits.
  previewSweep: z.record(z.string(), z.unknown()),
  /** `queue`: on that queue's workers (connected first: nothing is stored if it cannot be used); else on this machine. */
  startSweep: SweepSpecSchema.safeExtend({ queue: QueueUrlSchema.optional() }),
  cancelSweep: z.object({ id: Id }).strict(),
  resumeSweep: z.object({ id: Id, queue: QueueUrlSchema.optional() }).strict(),
  /** The queue workers that trained a sweep's cells: cells done, and (live) cells in hand and heartbeats. */
  getSweepWorkers: z.object({ id: Id }).strict(),
  /** A configuration's coefficient path on all the data (null until that cell has finished, and for MLPs). */
  getSweepPath: z.object({ id: Id, configIndex: z.number().int('a configuration index is a whole number').min(0).max(199) }).strict(),
  /** `delimiter`: read the file with this separator instead of the one its first lines show. */
  previewImport: z.object({ source: ImportSourceSchema, delimiter: DelimiterSchema.optional() }).strict(),
  startImport: z.object({ source: ImportSourceSchema, options: z.record(z.string(), z.unknown()) }).strict(),
  cancelImport: z.object({ id: Id }).strict(),
  editRun: RunEditSchema,
  /**
   * One change to many runs at once (a selection, every run a filter matches), in one transaction: archive
   * or unarchive them, add tags (a run that has the tag in any case keeps its own; one with the most tags
   * a run may have is left out and counted), remove tags.
   */
  editRuns: z
    .object({
      ids: RunIds,
      archived: z.boolean().optional(),
      addTags: z.array(RunTagSchema).max(50).optional(),
      removeTags: z.array(z.string().max(50)).max(50).optional(),
    })
    .strict(),
  /** What these runs hold together (for a selection too large to fetch): see RunsSelectionSummary. */
  summarizeRuns: z.object({ ids: RunIds }).strict(),
  /** Soft delete: the runs disappear from lists and can be restored for 10 minutes. Running runs are refused. */
  deleteRuns: z.object({ ids: RunIds }).strict(),
  restoreRuns: z.object({ ids: RunIds }).strict(),
  /**
   * Desktop: the native open-file dialog, for a CSV data set or (`purpose: 'report'`) a JSON report.
   * Where files are uploaded instead, it answers BAD_REQUEST.
   */
  chooseImportFile: z.object({ purpose: z.enum(['data', 'report']).optional() }).strict(),
  /**
   * A report of a run, a selection of runs or a sweep, in one format. The desktop asks where to save it
   * and writes it; serve mode answers `POST /api/exportReport` with the file itself (a download).
   */
  exportReport: z
    .object({
      target: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('run'), id: Id }).strict(),
        z.object({ kind: z.literal('runs'), ids: z.array(Id).min(2, 'a selection has at least 2 runs').max(200, 'a report covers at most 200 runs') }).strict(),
        z.object({ kind: z.literal('sweep'), id: Id }).strict(),
      ]),
      format: z.enum(REPORT_FORMATS),
    })
    .strict(),
  /** A JSON report (exported here or elsewhere) into this database; what is already here is skipped. */
  importReport: z.object({ source: ImportSourceSchema }).strict(),
  /** The app's database (Settings): SQLite's full check, read-only. */
  checkDatabase: Empty,
  /** A consistent copy of the database: saved where the desktop's dialog says, or downloaded in serve mode. */
  backupDatabase: Empty,
  /** What can still be read of the database, into a new file beside it; the database is not modified. */
  recoverDatabase: Empty,
  /** Puts the last recovered copy in the database's place (the replaced file is kept beside it) and opens it. */
  openRecoveredDatabase: Empty,
} as const satisfies Record<ApiMethod, z.ZodType>;

export interface AppInfo {
  version: string;
  databasePath: string;
  /** How files reach an import here: uploaded through `POST /api/upload`, or named by a local path. */
  importFrom: 'upload' | 'path';
  /** Why the database could not be opened (damaged): the app then offers only its check and recovery. */
  databaseDamage: string | null;
}

/** What the service can tell about a run before it starts (the learning-rate guard). */
export interface RunCheck {
  /** What is wrong with the spec as it stands (the messages startRun would give); empty when valid. */
  problems: string[];
  /** The solver `auto` resolves to for these data (null while the spec is invalid). */
  resolvedSolver: string | null;
  /** Largest stable gradient-descent step 2/L (linear and logistic models), else null. */
  maxStableStep: number | null;
  warnings: string[];
}

/** The launcher's preview: the λ grid of each α and the size of the work, or what is wrong. */
export interface SweepPreview {
  problems: string[];
  /** Per α: its λ grid (first, last, count) as the sweep would use it. */
  grids: { alpha: number; lambdaMax: number; lambdaMin: number; count: number }[];
  cells: number;
  /** Path fits × rows × columns: a size to compare sweeps by. */
  workUnits: number;
  /** A rough wall-time estimate on this machine's pool, in seconds (null while invalid). */
  estimatedSeconds: number | null;
  poolSize: number;
}

export interface ApiOutputs {
  getAppInfo: AppInfo;
  listDatasets: DatasetSummary[];
  renameDataset: DatasetSummary;
  deleteDataset: { runs: number };
  restoreDataset: DatasetSummary;
  listRuns: RunSummary[];
  queryRuns: RunsPage;
  listRunIds: string[];
  getRunSummaries: RunSummary[];
  getRun: RunDetail;
  getRunMetrics: RunMetrics[];
  checkRun: RunCheck;
  startRun: { runId: string };
  cancelRun: { cancelled: boolean };
  listSweeps: SweepSummary[];
  getSweep: SweepDetail;
  previewSweep: SweepPreview;
  startSweep: { sweepId: string };
  cancelSweep: { cancelled: boolean };
  resumeSweep: { resumed: boolean };
  getSweepWorkers: SweepWorkers;
  getSweepPath: SweepPath | null;
  previewImport: CsvPreview;
  startImport: { importId: string };
  cancelImport: { cancelled: boolean };
  chooseImportFile: { path: string | null };
  editRun: RunSummary;
  /** The runs of `ids` that exist (changed or not), and those left without a tag asked for: they had the most tags a run may have. */
  editRuns: { runs: number; tagLimit: number };
  summarizeRuns: RunsSelectionSummary;
  deleteRuns: { deleted: string[] };
  restoreRuns: { restored: string[] };
  exportReport: ReportExport;
  importReport: ReportImportSummary;
  checkDatabase: DatabaseCheck;
  backupDatabase: DatabaseBackup;
  recoverDatabase: DatabaseRecovery;
  openRecoveredDatabase: DatabaseSwitch;
}

/** What a report import added, and what it left alone because the same id was already here. */
export interface ReportImportSummary {
  imported: { datasets: string[]; runs: string[]; sweeps: string[] };
  skipped: { datasets: string[]; runs: string[]; sweeps: string[] };
}

/** Where an exported report went. */
export interface ReportExport {
  fileName: string;
  bytes: number;
  /** 'saved' (desktop, to `savedTo`), 'downloaded' (serve mode: the browser saves it), or 'cancelled' in the save dialog. */
  delivered: 'saved' | 'downloaded' | 'cancelled';
  savedTo: string | null;
}

/** What a caller sends (fields with defaults may be left out). */
export type ApiInput<M extends ApiMethod> = z.input<(typeof API_INPUTS)[M]>;
/** What a handler receives once the input passed its schema. */
export type ApiParsedInput<M extends ApiMethod> = z.output<(typeof API_INPUTS)[M]>;
export type ApiOutput<M extends ApiMethod> = ApiOutputs[M];

/** What the desktop menu (or the page's own shortcuts) asks the UI to do. */
export type AppCommand = 'newRun' | 'newSweep' | 'import' | 'delete' | 'find' | 'compare';

export type ApiEvent =
  /** Steps a run stored, with the LIVE_METRICS columns only (the others: getRunMetrics with fromStep). */
  | { type: 'runProgress'; runId: string; batch: ProgressBatch }
  | { type: 'runStatus'; runId: string; status: RunStatus; statusReason: string | null }
  /** Runs were added or changed by someone else (another process on the same database). */
  | { type: 'runsChanged' }
  | { type: 'sweepStatus'; sweepId: string; status: SweepStatus; statusReason: string | null }
  | { type: 'sweepProgress'; sweepId: string; cellsDone: number; cellsTotal: number }
  /** A cell attempt failed (a crashed worker): retried once ('pending') or given up ('failed'). */
  | { type: 'sweepCell'; sweepId: string; cellIndex: number; status: 'pending' | 'failed'; error: string }
  | { type: 'importProgress'; importId: string; fraction: number }
  | { type: 'importFinished'; importId: string; datasetId: string }
  | { type: 'importFailed'; importId: string; error: ErrorInfo }
  /** Data sets were added other than by a CSV import (a JSON report brought its own). */
  | { type: 'datasetsChanged' }
  | { type: 'command'; command: AppCommand };

/** The client side of the contract, identical in both shells: the UI cannot tell which it runs in. */
export type RidgelineApi = {
  [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutput<M>>;
} & {
  /** Listens to every event; returns the function that stops listening. */
  subscribe(listener: (event: ApiEvent) => void): () => void;
};

/** The service side: handlers get validated input. */
export type ApiHandlers = {
  [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiOutput<M>> | ApiOutput<M>;
};
