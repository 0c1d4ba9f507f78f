/**
 * The serve shell's side of the API contract: every method is `POST /api/<method>` with a wire-encoded
 * body, and events arrive as server-sent events on `GET /api/events`. The token always travels in the
 * Authorization header (never in a URL), which is why events are read with fetch rather than EventSource.
 */
import type { ApiEvent, ApiInput, ApiMethod, ApiOutput, RidgelineApi } from '../../../shared/api.ts';
import { RidgelineError, isErrorInfo, type ErrorCode } from '../../../shared/errors.ts';
import { decodeWire, encodeWire } from '../../../shared/wire.ts';
import { SseParser } from './sse.ts';

type Listener = (event: ApiEvent) => void;

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15_000;

export function createHttpClient(token: string, baseUrl = ''): RidgelineApi {
  const unreachable = (): RidgelineError =>
    new RidgelineError(
      'INTERNAL',
      `Cannot reach the Ridgeline server${baseUrl ? ` at ${baseUrl}` : ''}. Check that “ridgeline serve” is still running.`,
    );

  /** POSTs a method's input; resolves with the response, whatever its status (network failures throw). */
  async function post(method: ApiMethod, input: unknown): Promise<Response> {
    try {
      return await fetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: encodeWire(input ?? {}),
        cache: 'no-store',
      });
    } catch {
      throw unreachable();
    }
  }

  /** The error a failed answer stands for: the service's own when it sent an envelope, else by HTTP status. */
  function failure(method: ApiMethod, response: Response, body: unknown): RidgelineError {
    if (isRecord(body) && body.ok === false && isErrorInfo(body.error)) return new RidgelineError(body.error.code, body.error.message);
    return new RidgelineError(
      codeForStatus(response.status),
      `${method} failed: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
    );
  }

  async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
    const response = await post(method, input);
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw unreachable();
    }
    let body: unknown;
    try {
      body = decodeWire(text);
    } catch {
      throw new RidgelineError(
        codeForStatus(response.status),
        `The server sent an unreadable answer to ${method} (HTTP ${response.status}).`,
      );
    }
    if (isRecord(body) && body.ok === true && response.ok) return body.value as ApiOutput<M>;
    throw failure(method, response, body);
  }

  /**
   * `exportReport` and `backupDatabase` answer with the file itself (not a JSON envelope), which the
   * browser then saves where its downloads go (asking before it replaces anything).
   */
  async function download(method: 'exportReport' | 'backupDatabase', input: unknown, fallbackName: string): Promise<{ fileName: string; bytes: number }> {
    const response = await post(method, input);
    let bytes: Blob;
    try {
      bytes = await response.blob();
    } catch {
      throw unreachable();
    }
    if (!response.ok) {
      let body: unknown = null;
      try {
        body = decodeWire(await bytes.text());
      } catch {
        // Not an envelope: reported by status.
      }
      throw failure(method, response, body);
    }
    const fileName = decodeURIComponent(response.headers.get('X-Ridgeline-File-Name') ?? '') || fallbackName;
    const url = URL.createObjectURL(bytes);
    try {
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
    } finally {
      // Revoked after the click has been handled: the download has its own reference by then.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }
    return { fileName, bytes: bytes.size };
  }

  const events = new EventStream(`${baseUrl}/api/events`, token);

  const client: RidgelineApi = {
    getAppInfo: (input) => call('getAppInfo', input),
    listDatasets: (input) => call('listDatasets', input),
    renameDataset: (input) => call('renameDataset', input),
    deleteDataset: (input) => call('deleteDataset', input),
    restoreDataset: (input) => call('restoreDataset', input),
    listRuns: (input) => call('listRuns', input),
    queryRuns: (input) => call('queryRuns', input),
    listRunIds: (input) => call('listRunIds', input),
    getRunSummaries: (input) => call('getRunSummaries', input),
    getRun: (input) => call('getRun', input),
    getRunMetrics: (input) => call('getRunMetrics', input),
    checkRun: (input) => call('checkRun', input),
    startRun: (input) => call('startRun', input),
    cancelRun: (input) => call('cancelRun', input),
    listSweeps: (input) => call('listSweeps', input),
    getSweep: (input) => call('getSweep', input),
    previewSweep: (input) => call('previewSweep', input),
    startSweep: (input) => call('startSweep', input),
    cancelSweep: (input) => call('cancelSweep', input),
    resumeSweep: (input) => call('resumeSweep', input),
    getSweepWorkers: (input) => call('getSweepWorkers', input),
    getSweepPath: (input) => call('getSweepPath', input),
    previewImport: (input) => call('previewImport', input),
    startImport: (input) => call('startImport', input),
    cancelImport: (input) => call('cancelImport', input),
    chooseImportFile: (input) => call('chooseImportFile', input),
    editRun: (input) => call('editRun', input),
    editRuns: (input) => call('editRuns', input),
    summarizeRuns: (input) => call('summarizeRuns', input),
    deleteRuns: (input) => call('deleteRuns', input),
    restoreRuns: (input) => call('restoreRuns', input),
    exportReport: async (input) => ({ ...(await download('exportReport', input, `ridgeline-report.${input.format}`)), delivered: 'downloaded', savedTo: null }),
    importReport: (input) => call('importReport', input),
    checkDatabase: (input) => call('checkDatabase', input),
    backupDatabase: async (input) => ({ ...(await download('backupDatabase', input, 'ridgeline-backup.db')), delivered: 'downloaded', savedTo: null }),
    recoverDatabase: (input) => call('recoverDatabase', input),
    openRecoveredDatabase: (input) => call('openRecoveredDatabase', input),
    subscribe: (listener) => events.add(listener),
  };
  return client;
}

/** One stream shared by every listener: opened with the first, closed with the last. */
class EventStream {
  private readonly listeners = new Set<Listener>();
  private controller: AbortController | null = null;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  add(listener: Listener): () => void {
    // A wrapper per call, so subscribing the same function twice gives two independent subscriptions.
    const entry: Listener = (event) => listener(event);
    this.listeners.add(entry);
    if (this.controller === null) {
      const controller = new AbortController();
      this.controller = controller;
      void this.run(controller.signal);
    }
    return () => {
      if (!this.listeners.delete(entry)) return;
      if (this.listeners.size === 0 && this.controller !== null) {
        this.controller.abort();
        this.controller = null;
      }
    };
  }

  private emit(event: ApiEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error('Ridgeline: an event listener failed', error);
      }
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    const parser = new SseParser();
    let delay = RECONNECT_MIN_MS;
    let connectedBefore = false;
    let warned = false;
    while (!signal.aborted) {
      parser.reset();
      try {
        const response = await fetch(this.url, {
          headers: { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal,
        });
        if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
        // Events may have been missed while disconnected: tell listeners to reload what they show.
        if (connectedBefore) this.emit({ type: 'runsChanged' });
        connectedBefore = true;
        delay = RECONNECT_MIN_MS;
        warned = false;
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const data of parser.push(decoder.decode(value, { stream: true }))) this.dispatch(data);
        }
      } catch (error) {
        if (signal.aborted) return;
        if (!warned) console.warn('Ridgeline: the event stream dropped; reconnecting', error);
        warned = true;
      }
      if (signal.aborted) return;
      const wait = Math.max(parser.retryMs ?? 0, delay) * (0.8 + 0.4 * Math.random());
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
      await sleep(wait, signal);
    }
  }

  private dispatch(data: string): void {
    let event: ApiEvent;
    try {
      event = decodeWire<ApiEvent>(data);
    } catch (error) {
      console.warn('Ridgeline: ignoring an unreadable event', error);
      return;
    }
    if (isRecord(event) && typeof event.type === 'string') this.emit(event);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'TOO_LARGE';
  return 'INTERNAL';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
