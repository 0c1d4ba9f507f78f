/**
 * `BrowserWindow` and its `webContents`. A window records the options it was made with and what it
 * loads; navigation and `window.open` run the app's own listeners; `send` reaches the test as a
 * notice; `printToPDF` prints the loaded file in headless Chromium under the window's session rules
 * and JavaScript setting, as Electron's own Chromium would.
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, BrowserWindowConstructorOptions, PrintToPDFOptions, Rectangle, WebContents } from 'electron';
import { app, preventableEvent } from './app.ts';
import { notify } from './control.ts';
import { SessionDouble } from './session.ts';

type WindowOpenHandler = Parameters<WebContents['setWindowOpenHandler']>[0];
let nextId = 1;

class WebContentsDouble extends EventEmitter implements Pick<WebContents, 'id' | 'send' | 'setWindowOpenHandler' | 'printToPDF' | 'getURL'> {
  readonly id: number;
  windowOpenHandler: WindowOpenHandler | null = null;
  loadedUrl = '';

  constructor(
    readonly owner: BrowserWindowDouble,
    readonly session: SessionDouble,
  ) {
    super();
    this.id = owner.id;
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.owner.isDestroyed()) throw new Error('Object has been destroyed');
    void notify({ notice: 'sent', windowId: this.owner.id, channel, args });
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  getURL(): string {
    return this.loadedUrl;
  }

  async printToPDF(options: PrintToPDFOptions): Promise<Buffer> {
    if (!this.loadedUrl) throw new Error('printToPDF: nothing loaded');
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'],
    });
    try {
      const javaScriptEnabled = this.owner.options.webPreferences?.javascript !== false;
      const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
      // Every request passes the session's onBeforeRequest, as in Electron.
      await page.route('**/*', async (route) => ((await this.session.webRequest.allows(route.request().url())) ? route.continue() : route.abort()));
      await page.goto(this.loadedUrl);
      const pdf = await page.pdf({
        format: typeof options.pageSize === 'string' ? options.pageSize : 'A4',
        printBackground: options.printBackground ?? false,
        preferCSSPageSize: options.preferCSSPageSize ?? false,
      });
      return pdf;
    } finally {
      await browser.close();
    }
  }
}

type WindowSurface = Pick<
  BrowserWindow,
  'id' | 'isMinimized' | 'restore' | 'focus' | 'show' | 'maximize' | 'isMaximized' | 'getNormalBounds' | 'loadFile' | 'loadURL' | 'destroy' | 'isDestroyed' | 'close' | 'isVisible'
>;

export class BrowserWindowDouble extends EventEmitter implements WindowSurface {
  private static readonly all: BrowserWindowDouble[] = [];
  readonly id = nextId++;
  readonly webContents: WebContentsDouble;
  loaded: { file?: string; url?: string } | null = null;
  focusCount = 0;
  private visible = false;
  private minimized = false;
  private maximized = false;
  private destroyed = false;
  private readonly bounds: Rectangle;

  constructor(readonly options: BrowserWindowConstructorOptions = {}) {
    super();
    const partitionSession = options.webPreferences?.session as unknown as SessionDouble | undefined;
    this.webContents = new WebContentsDouble(this, partitionSession ?? SessionDouble.defaultSession);
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    this.visible = options.show !== false;
    BrowserWindowDouble.all.push(this);
    void notify({ notice: 'windowCreated', windowId: this.id });
  }

  static getAllWindows(): BrowserWindowDouble[] {
    return BrowserWindowDouble.all.filter((w) => !w.destroyed);
  }

  static fromId(id: number): BrowserWindowDouble | null {
    return BrowserWindowDouble.all.find((w) => w.id === id && !w.destroyed) ?? null;
  }

  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  focus(): void {
    this.focusCount++;
  }
  show(): void {
    this.visible = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): Rectangle {
    return { ...this.bounds };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }

  loadFile(filePath: string): Promise<void> {
    return this.load(pathToFileURL(filePath).href, { file: filePath });
  }

  loadURL(url: string): Promise<void> {
    return this.load(url, { url });
  }

  private async load(url: string, what: { file?: string; url?: string }): Promise<void> {
    this.loaded = what;
    this.webContents.loadedUrl = url;
    await notify({ notice: 'windowLoaded', windowId: this.id, ...what });
    // Electron shows the first paint as ready-to-show; the double has painted once it has loaded.
    setImmediate(() => this.emit('ready-to-show', preventableEvent()));
  }

  /** The user or the app closes the window: `close` (preventable), then destroyed, `closed`. */
  close(): void {
    if (this.destroyed) return;
    const event = preventableEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('closed');
    if (BrowserWindowDouble.getAllWindows().length === 0) app.lastWindowClosed();
  }

  /** A navigation attempt by the page: runs `will-navigate` and says whether it was prevented. */
  attemptNavigation(url: string): boolean {
    const event = preventableEvent();
    this.webContents.emit('will-navigate', event, url);
    return event.defaultPrevented;
  }

  /** `window.open(url)` by the page: what the app's handler answers ('deny' when there is none? Electron allows). */
  attemptWindowOpen(url: string): string {
    const handler = this.webContents.windowOpenHandler;
    if (!handler) return 'allow';
    return handler({ url, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'default' }, postBody: undefined } as unknown as Parameters<WindowOpenHandler>[0]).action;
  }
}

app.openWindowCount = () => BrowserWindowDouble.getAllWindows().length;
app.closeAllWindows = () => {
  for (const window of BrowserWindowDouble.getAllWindows()) window.close();
};
