/**
 * The names of the API methods, apart from their schemas so that code needing only the names (the
 * preload, the desktop bridge in the renderer) does not pull in the schema library.
 */
export const API_METHODS = ['getAppInfo', 'listDatasets', 'renameDataset', 'deleteDataset', 'restoreDataset', 'listRuns', 'queryRuns', 'listRunIds', 'getRunSummaries', 'getRun', 'getRunMetrics', 'checkRun', 'startRun', 'cancelRun', 'listSweeps', 'getSweep', 'previewSweep', 'startSweep', 'cancelSweep', 'resumeSweep', 'getSweepWorkers', 'getSweepPath', 'previewImport', 'startImport', 'cancelImport', 'chooseImportFile', 'editRun', 'editRuns', 'summarizeRuns', 'deleteRuns', 'restoreRuns', 'exportReport', 'importReport', 'checkDatabase', 'backupDatabase', 'recoverDatabase', 'openRecoveredDatabase'] as const;

export type ApiMethod = (typeof API_METHODS)[number];

export function isApiMethod(name: string): name is ApiMethod {
  return (API_METHODS as readonly string[]).includes(name);
}

/** The IPC channel of a method in the desktop shell. */
export const ipcChannel = (method: ApiMethod): string => `ridgeline:${method}`;
export const IPC_EVENT_CHANNEL = 'ridgeline:event';
