/**
 * A test double of the `electron` module for the desktop shell's main process: every part the app
 * uses, typed against Electron's own .d.ts (each part `implements` or `satisfies` a Pick of the real
 * type, so a double that drifts from Electron fails typechecking), behaving as Electron documents,
 * and driven by the test through the channel in protocol.ts. `register.mjs` makes `import … from
 * 'electron'` resolve here when the built `out/main/index.js` runs in plain Node.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { app } from './app.ts';
import { onRequest } from './control.ts';
import { dialog, queueDialog } from './dialog.ts';
import { ipcMain } from './ipcMain.ts';
import { MenuDouble } from './menu.ts';
import { screen, shell } from './misc.ts';
import type { Snapshot } from './protocol.ts';
import { SessionDouble, session } from './session.ts';
import { utilityProcess, utilityProcesses } from './utilityProcess.ts';
import { BrowserWindowDouble } from './windows.ts';

export { app, dialog, ipcMain, screen, session, shell, utilityProcess };
export { BrowserWindowDouble as BrowserWindow, MenuDouble as Menu };

function windowOf(id: number): BrowserWindowDouble {
  const window = BrowserWindowDouble.fromId(id);
  if (!window) throw new Error(`no open window ${id}`);
  return window;
}

/** Options as plain data (the session object becomes its partition name). */
function plainOptions(window: BrowserWindowDouble): Record<string, unknown> {
  const { webPreferences, ...rest } = window.options;
  const { session: own, ...prefs } = webPreferences ?? {};
  return { ...rest, webPreferences: { ...prefs, session: own ? ((own as unknown as SessionDouble).partition ?? 'default') : undefined } };
}

onRequest('snapshot', (): Snapshot => ({
  windows: BrowserWindowDouble.getAllWindows().map((w) => ({
    id: w.id,
    options: plainOptions(w),
    loaded: w.loaded,
    visible: w.isVisible(),
    destroyed: w.isDestroyed(),
    focused: w.focusCount,
    sessionPartition: w.webContents.session.partition,
  })),
  ipcChannels: [...ipcMain.handlers.keys()].sort(),
  menu: MenuDouble.getApplicationMenu()?.snapshot() ?? null,
  userData: app.getPath('userData'),
  singleInstanceLock: app.singleInstanceLock,
  defaultSession: { headersHook: SessionDouble.defaultSession.webRequest.headersListener !== null, permissionHandler: SessionDouble.defaultSession.permissionHandler !== null },
  utilityProcesses: utilityProcesses.map((p) => ({ pid: p.pid ?? -1, entry: p.entry, serviceName: p.options.serviceName ?? null, alive: p.alive })),
}));

onRequest('invoke', ({ channel, input, frame, windowId }) => {
  const window = windowId !== undefined ? windowOf(windowId) : BrowserWindowDouble.getAllWindows()[0];
  const senderFrame = frame ? { url: frame.url, parent: frame.topLevel ? null : { url: 'about:blank' } } : null;
  const event = { sender: window?.webContents, senderFrame, frameId: 1, processId: 1, type: 'frame' } as unknown as IpcMainInvokeEvent;
  return ipcMain.invoke(channel, event, [input]);
});

onRequest('responseHeaders', ({ url, headers }) => {
  const listener = SessionDouble.defaultSession.webRequest.headersListener;
  if (!listener) return headers;
  return new Promise((resolve) =>
    listener({ url, responseHeaders: headers, statusCode: 200, statusLine: 'HTTP/1.1 200 OK', method: 'GET' } as never, (response) => resolve(response.cancel ? null : (response.responseHeaders ?? headers))),
  );
});

onRequest('permission', ({ permission }) => {
  const handler = SessionDouble.defaultSession.permissionHandler;
  // Electron grants what no handler decides.
  if (!handler) return true;
  return new Promise((resolve) => handler(BrowserWindowDouble.getAllWindows()[0]?.webContents as never, permission, resolve, {} as never));
});

onRequest('navigate', ({ windowId, url }) => ({ prevented: windowOf(windowId).attemptNavigation(url) }));
onRequest('openWindow', ({ windowId, url }) => ({ action: windowOf(windowId).attemptWindowOpen(url) }));
onRequest('accelerator', ({ accelerator }) => ({ handled: MenuDouble.getApplicationMenu()?.press(accelerator) ?? false }));
onRequest('closeWindow', ({ windowId }) => {
  windowOf(windowId).close();
  return { closed: true };
});
onRequest('queueDialog', ({ kind, response }) => {
  queueDialog(kind, response);
  return { queued: true };
});

// Electron is ready once the main script's first turn has run.
setImmediate(() => app.becomeReady());
