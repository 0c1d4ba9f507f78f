import { basename } from 'node:path';
import { dialog, type BrowserWindow } from 'electron';
import type { ApiHandlers } from '../../shared/api.ts';
import { freshSibling } from '../core/db/databaseFiles.ts';
import type { ServicesHost } from '../core/servicesHost.ts';

/**
 * The desktop's backupDatabase: asks where with the native save dialog (which asks before replacing a
 * file: the copy then replaces it, as confirmed) and writes a consistent copy there.
 */
export function desktopBackupDatabase(host: ServicesHost, parentWindow: () => BrowserWindow | null): ApiHandlers['backupDatabase'] {
  return async () => {
    const suggested = freshSibling(host.databasePath, 'backup');
    const options = {
      title: 'Back up the database',
      defaultPath: suggested,
      filters: [{ name: 'Ridgeline database', extensions: ['db'] }],
      properties: ['showOverwriteConfirmation' as const, 'createDirectory' as const],
    };
    const parent = parentWindow();
    const choice = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { fileName: basename(suggested), bytes: 0, delivered: 'cancelled', savedTo: null };
    const { out, bytes } = await host.backupTo(choice.filePath, true);
    return { fileName: basename(out), bytes, delivered: 'saved', savedTo: out };
  };
}
