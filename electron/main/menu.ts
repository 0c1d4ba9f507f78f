import { app, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../../shared/api.ts';

/**
 * The native menu. Commands that act on the page (new run, new sweep, import, delete, find, compare) go to
 * the renderer as `command` events, which it also raises from its own keyboard shortcuts in serve mode.
 */
export function installMenu(send: (command: AppCommand) => void): void {
  const isMac = process.platform === 'darwin';
  const command = (label: string, accelerator: string, name: AppCommand): MenuItemConstructorOptions => ({ label, accelerator, click: () => send(name) });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        command('New Run', 'CmdOrCtrl+N', 'newRun'),
        command('New Sweep', 'CmdOrCtrl+Shift+N', 'newSweep'),
        { type: 'separator' },
        command('Import Data…', 'CmdOrCtrl+O', 'import'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        command('Find Runs', 'CmdOrCtrl+F', 'find'),
        command('Delete Selected Runs', isMac ? 'Backspace' : 'Delete', 'delete'),
        command('Compare Selected Runs', 'Alt+C', 'compare'),
      ],
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: `Ridgeline ${app.getVersion()}`, enabled: false }, { label: 'glmnet objective (documentation)', click: () => void shell.openExternal('https://glmnet.stanford.edu/articles/glmnet.html') }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

export function sendCommand(window: BrowserWindow | null, channel: string, command: AppCommand): void {
  window?.webContents.send(channel, { type: 'command', command });
}
