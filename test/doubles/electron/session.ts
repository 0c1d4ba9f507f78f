/**
 * `session`: the default session and partitions, with the hooks the app installs (response headers,
 * permission requests, request filtering) kept so the test can run them as Chromium would.
 */
import type { HeadersReceivedResponse, OnBeforeRequestListenerDetails, OnHeadersReceivedListenerDetails, CallbackResponse, Session, WebRequest } from 'electron';

type HeadersListener = (details: OnHeadersReceivedListenerDetails, callback: (response: HeadersReceivedResponse) => void) => void;
type BeforeRequestListener = (details: OnBeforeRequestListenerDetails, callback: (response: CallbackResponse) => void) => void;
type PermissionHandler = Parameters<Session['setPermissionRequestHandler']>[0];

class WebRequestDouble implements Pick<WebRequest, 'onHeadersReceived' | 'onBeforeRequest'> {
  headersListener: HeadersListener | null = null;
  beforeRequestListener: BeforeRequestListener | null = null;

  onHeadersReceived(...args: [HeadersListener | null] | [unknown, HeadersListener | null]): void {
    this.headersListener = (args.length === 1 ? args[0] : args[1]) ?? null;
  }

  onBeforeRequest(...args: [BeforeRequestListener | null] | [unknown, BeforeRequestListener | null]): void {
    this.beforeRequestListener = (args.length === 1 ? args[0] : args[1]) ?? null;
  }

  /** Whether a request to `url` goes ahead (the registered listener decides; none lets all through). */
  allows(url: string): Promise<boolean> {
    const listener = this.beforeRequestListener;
    if (!listener) return Promise.resolve(true);
    return new Promise((resolve) => listener({ url, method: 'GET' } as OnBeforeRequestListenerDetails, (response) => resolve(!response.cancel)));
  }
}

export class SessionDouble implements Pick<Session, 'setPermissionRequestHandler'> {
  readonly webRequest = new WebRequestDouble();
  permissionHandler: PermissionHandler = null;
  constructor(readonly partition: string | null) {}

  setPermissionRequestHandler(handler: PermissionHandler): void {
    this.permissionHandler = handler;
  }

  static readonly defaultSession = new SessionDouble(null);
  private static readonly partitions = new Map<string, SessionDouble>();

  static fromPartition(partition: string): SessionDouble {
    let found = SessionDouble.partitions.get(partition);
    if (!found) SessionDouble.partitions.set(partition, (found = new SessionDouble(partition)));
    return found;
  }
}

/** The module export: Electron's `session` has `defaultSession` and `fromPartition`. */
export const session = {
  get defaultSession(): SessionDouble {
    return SessionDouble.defaultSession;
  },
  fromPartition: (partition: string): SessionDouble => SessionDouble.fromPartition(partition),
};
