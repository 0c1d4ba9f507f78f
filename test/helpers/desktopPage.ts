// The desktop window's page in Debian's Chromium: the built renderer opened from file:// as the window
// loads it, with the *built preload* run before the page's scripts (an init script giving it Electron's
// sandboxed `require('electron')`: contextBridge, ipcRenderer, webUtils). ipcRenderer.invoke reaches the
// main process on the Electron double with the calling frame's real URL (for its sender check), and
// what main sends with webContents.send reaches the page's listeners, in order.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { DoubleNotice } from '../doubles/electron/protocol.ts';
import { launchChromium } from './browser.ts';
import { OUT } from './desktopBuild.ts';
import { RENDERER_URL, type DesktopMain } from './desktopMain.ts';

function initScript(preloadSource: string): string {
  return `(() => {
  const listeners = new Map();
  const ipcRenderer = {
    invoke: (channel, input) => window.__ridgelineInvoke(channel, input),
    on: (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
    },
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  Object.defineProperty(window, '__ridgelineDeliver', {
    value: (channel, args) => { for (const listener of [...(listeners.get(channel) ?? [])]) listener({ sender: null }, ...args); },
  });
  const electronDouble = {
    // contextBridge hands the page a frozen copy of what the preload exposes.
    contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: Object.freeze({ ...api }), enumerable: true }) },
    ipcRenderer,
    webUtils: { getPathForFile: () => '' },
  };
  const sandboxedRequire = (name) => {
    if (name === 'electron') return electronDouble;
    throw new Error('a sandboxed preload cannot require ' + name);
  };
  const preloadModule = { exports: {} };
  // The preload in a scope of its own, as Electron wraps it.
  (function (require, module, exports) {
    ${preloadSource}
  })(sandboxedRequire, preloadModule, preloadModule.exports);
})();`;
}

export interface DesktopPage {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openDesktopPage(main: DesktopMain, viewport = { width: 1400, height: 900 }): Promise<DesktopPage> {
  // Electron lets its file:// pages load their module scripts; Chromium needs to be told.
  const browser = await launchChromium(['--allow-file-access-from-files']);
  const page = await browser.newPage({ viewport });
  await page.exposeBinding('__ridgelineInvoke', (source, channel: string, input: unknown) =>
    main.request({ op: 'invoke', channel, input, frame: { url: source.frame.url(), topLevel: source.frame.parentFrame() === null } }),
  );
  await page.addInitScript({ content: initScript(readFileSync(OUT.preload, 'utf8')) });
  let delivered = Promise.resolve();
  main.onNotice((notice: DoubleNotice) => {
    if (notice.notice !== 'sent') return;
    delivered = delivered
      .then(() => page.evaluate(([channel, args]) => (window as unknown as { __ridgelineDeliver(c: string, a: unknown[]): void }).__ridgelineDeliver(channel, args), [notice.channel, notice.args] as const))
      .catch(() => undefined);
  });
  await page.goto(RENDERER_URL);
  return { browser, page, close: () => browser.close() };
}
