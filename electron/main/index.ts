/**
 * The desktop shell: one window, the shared services over IPC, trainers on utility processes.
 * The database lives in Electron's userData folder, which is set to the same data folder the CLI
 * and serve mode use, so all three see the same runs.
 */
import { app, BrowserWindow, dialog } from 'electron';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IPC_EVENT_CHANNEL } from '../../shared/api.ts';
import { toErrorInfo } from '../../shared/errors.ts';
import { DB_FILE_NAME, defaultDataDir } from '../core/paths.ts';
import { ServicesHost } from '../core/servicesHost.ts';
import { desktopBackupDatabase } from './databaseBackup.ts';
import { registerApiHandlers } from './ipc.ts';
import { desktopExportReport, electronPdf } from './reportExport.ts';
import { installMenu, sendCommand } from './menu.ts';
import { forkUtilityTrainer } from './utilityTrainer.ts';
import { createMainWindow, trustedUrlCheck, type WindowPaths } from './window.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const paths: WindowPaths = {
  preload: join(here, '../preload/index.cjs'),
  rendererIndex: join(here, '../renderer/index.html'),
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
};
const trainerEntry = join(here, 'trainer.js');

// Electron refuses to set a path to a folder that does not exist (a fresh machine has none yet).
const dataDir = defaultDataDir();
mkdirSync(dataDir, { recursive: true });
app.setPath('userData', dataDir);

// One instance owns the database and its trainers; a second launch focuses the first window.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let services: ServicesHost | null = null;
  let window: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    } else if (services) {
      // The window was closed while sweeps ran on: launching again reopens it onto them.
      window = openWindow();
    }
  });

  app.whenReady().then(() => {
    const dbPath = process.env.RIDGELINE_DB || join(app.getPath('userData'), DB_FILE_NAME);
    try {
      // A damaged database opens the window anyway, on its check and recovery (Settings → Database).
      services = new ServicesHost({ dbPath, launchTrainer: () => forkUtilityTrainer(trainerEntry), kind: 'desktop', importFrom: 'path', pdf: electronPdf, onDamage: 'offer-recovery' });
    } catch (error) {
      const info = toErrorInfo(error);
      dialog.showErrorBox('Ridgeline cannot open its database', `${info.message}\n\n(${info.code})`);
      app.exit(1);
      return;
    }
    const active = services;
    // The one handler only the desktop shell can give: its native file dialog.
    active.handlers.chooseImportFile = async ({ purpose }) => {
      const options =
        purpose === 'report'
          ? { title: 'Import a Ridgeline JSON report', properties: ['openFile' as const], filters: [{ name: 'JSON report', extensions: ['json'] }] }
          : { title: 'Import a CSV data set', properties: ['openFile' as const], filters: [{ name: 'CSV', extensions: ['csv', 'txt', 'data'] }] };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
    };
    active.handlers.exportReport = desktopExportReport(active, () => window);
    active.handlers.backupDatabase = desktopBackupDatabase(active, () => window);
    registerApiHandlers(active, trustedUrlCheck(paths));
    active.events.subscribe((event) => {
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send(IPC_EVENT_CHANNEL, event);
    });
    installMenu((command) => sendCommand(window, IPC_EVENT_CHANNEL, command));
    window = openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) window = openWindow();
    });
  });

  function openWindow(): BrowserWindow {
    const created = createMainWindow(paths);
    created.on('closed', () => {
      window = null;
    });
    return created;
  }

  // Closing the window does not stop runs and sweeps in flight: the app quits once they are done
  // (or at once when nothing runs), and launching it again meanwhile reopens the window.
  app.on('window-all-closed', () => {
    if (process.platform === 'darwin') return;
    const quitWhenIdle = () => {
      if (BrowserWindow.getAllWindows().length > 0) return;
      if (services?.busy) setTimeout(quitWhenIdle, 1000);
      else app.quit();
    };
    quitWhenIdle();
  });
  app.on('will-quit', () => {
    services?.close('the app quit while it ran');
    services = null;
  });
}
