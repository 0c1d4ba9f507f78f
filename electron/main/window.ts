import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/security.ts';
import { rememberBounds, restoredBounds } from './windowState.ts';

/** Where the app may send the user's browser (its own pages link nowhere else). */
const DOCUMENTATION_ORIGINS = ['https://glmnet.stanford.edu'];

export function isDocumentationUrl(url: string): boolean {
  try {
    return DOCUMENTATION_ORIGINS.includes(new URL(url).origin);
  } catch {
    return false;
  }
}

export interface WindowPaths {
  preload: string;
  rendererIndex: string;
  /** electron-vite's dev server, in `npm run dev`. */
  devServerUrl: string | undefined;
}

/** True for the app's own pages: the built renderer on file://, or the dev server in development. */
export function trustedUrlCheck(paths: WindowPaths): (url: string) => boolean {
  const rendererDir = `file://${join(paths.rendererIndex, '..')}`;
  return (url) => url.startsWith(`${rendererDir}/`) || (paths.devServerUrl !== undefined && url.startsWith(paths.devServerUrl));
}

/** The main window, locked down: isolated, sandboxed, no Node, a strict CSP, no navigation away. */
export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const isTrusted = trustedUrlCheck(paths);
  if (!paths.devServerUrl) {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
  }
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const saved = restoredBounds();
  const window = new BrowserWindow({
    width: saved?.bounds.width ?? 1280,
    height: saved?.bounds.height ?? 820,
    ...(saved ? { x: saved.bounds.x, y: saved.bounds.y } : {}),
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Ridgeline',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // A middle click would open a link in a new window without passing the window-open handler.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => {
    if (saved?.maximized) window.maximize();
    window.show();
  });
  rememberBounds(window);
  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrusted(url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Links to known documentation open in the user's browser; nothing opens inside the app.
    if (isDocumentationUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (paths.devServerUrl) void window.loadURL(paths.devServerUrl);
  else void window.loadFile(paths.rendererIndex);
  return window;
}
