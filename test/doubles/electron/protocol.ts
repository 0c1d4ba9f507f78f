/**
 * The test's channel into a main process running on the Electron double: requests the test sends
 * (what a user, the OS or a page would do to the app) and notices the double sends back (what the
 * app did that a user would see). Both travel over Node's IPC with structured clone, so typed arrays
 * arrive as they left, as they do over Electron's own IPC.
 */

/** A frame as Electron describes the sender of an IPC call. */
export interface FrameDescription {
  url: string;
  /** False for an iframe (Electron: `senderFrame.parent !== null`). */
  topLevel: boolean;
}

export type DialogResponse = { canceled: boolean; filePaths?: string[]; filePath?: string };

export type DoubleRequest =
  | { op: 'snapshot' }
  /** An `ipcRenderer.invoke` from a page: runs the handler registered with `ipcMain.handle`. */
  | { op: 'invoke'; channel: string; input: unknown; frame: FrameDescription | null; windowId?: number }
  /** A response arriving at the default session: what the registered `onHeadersReceived` makes of its headers. */
  | { op: 'responseHeaders'; url: string; headers: Record<string, string[]> }
  | { op: 'permission'; permission: 'notifications' | 'media' | 'geolocation' | 'openExternal' }
  /** The page tries to navigate the window away (a link, `location = …`): was it prevented? */
  | { op: 'navigate'; windowId: number; url: string }
  /** The page calls `window.open(url)` or a link has target=_blank. */
  | { op: 'openWindow'; windowId: number; url: string }
  /** The user presses a key combination that a menu item has as its accelerator. */
  | { op: 'accelerator'; accelerator: string }
  /** The user closes a window (its close button). */
  | { op: 'closeWindow'; windowId: number }
  /** What the next native dialog of that kind answers. */
  | { op: 'queueDialog'; kind: 'open' | 'save'; response: DialogResponse };

export interface WindowSnapshot {
  id: number;
  options: Record<string, unknown>;
  loaded: { file?: string; url?: string } | null;
  visible: boolean;
  destroyed: boolean;
  focused: number;
  sessionPartition: string | null;
}

export interface MenuItemSnapshot {
  label?: string;
  role?: string;
  accelerator?: string;
  type?: string;
  clickable: boolean;
  submenu?: MenuItemSnapshot[];
}

export interface Snapshot {
  windows: WindowSnapshot[];
  ipcChannels: string[];
  menu: MenuItemSnapshot[] | null;
  userData: string;
  singleInstanceLock: boolean | null;
  defaultSession: { headersHook: boolean; permissionHandler: boolean };
  utilityProcesses: { pid: number; entry: string; serviceName: string | null; alive: boolean }[];
}

export type DoubleNotice =
  | { notice: 'ready' }
  | { notice: 'windowCreated'; windowId: number }
  | { notice: 'windowLoaded'; windowId: number; file?: string; url?: string }
  /** `webContents.send(channel, ...args)`: what the page would receive. */
  | { notice: 'sent'; windowId: number; channel: string; args: unknown[] }
  | { notice: 'dialog'; kind: 'open' | 'save' | 'error'; options: unknown }
  | { notice: 'openExternal'; url: string }
  | { notice: 'secondInstance'; argv: string[] }
  | { notice: 'exiting'; code: number; how: 'quit' | 'exit' };

export type ToDouble = { kind: 'request'; seq: number; request: DoubleRequest };
export type FromDouble =
  | { kind: 'reply'; seq: number; ok: true; value: unknown }
  | { kind: 'reply'; seq: number; ok: false; error: string }
  | { kind: 'notice'; notice: DoubleNotice };
