// Starts the built desktop main process (out/main/index.js) in Node with `electron` resolved to the test
// double (test/doubles/electron), and drives it as a user, the OS and the page would: through the
// double's channel (test/doubles/electron/protocol.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ipcChannel, IPC_EVENT_CHANNEL, type ApiEvent, type ApiMethod } from '../../shared/api.ts';
import type { Envelope } from '../../shared/bridge.ts';
import type { DoubleNotice, DoubleRequest, FrameDescription, FromDouble, Snapshot, ToDouble } from '../doubles/electron/protocol.ts';
import { REPO_ROOT } from './cli.ts';
import { ensureDesktopBuild, OUT } from './desktopBuild.ts';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const register = pathToFileURL(join(REPO_ROOT, 'test', 'doubles', 'electron', 'register.mjs')).href;

/** The URL of the app's own page, as the window loads it (the frame the IPC sender check trusts). */
export const RENDERER_URL = pathToFileURL(OUT.rendererIndex).href;
export const TRUSTED_FRAME: FrameDescription = { url: RENDERER_URL, topLevel: true };

export interface DesktopMain {
  child: ChildProcess;
  notices: DoubleNotice[];
  /** Calls `listener` with every notice from now on, in order. */
  onNotice(listener: (notice: DoubleNotice) => void): void;
  request<T = unknown>(request: DoubleRequest): Promise<T>;
  snapshot(): Promise<Snapshot>;
  /** An API call as the page's preload makes it: `ipcRenderer.invoke('ridgeline:<method>', input)`. */
  call<M extends ApiMethod>(method: M, input: unknown, frame?: FrameDescription | null): Promise<Envelope<unknown>>;
  /** Resolves with the first notice (already received or coming) that matches. */
  waitForNotice<N extends DoubleNotice>(match: (notice: DoubleNotice) => notice is N, timeoutMs?: number, what?: string): Promise<N>;
  waitForEvent<E extends ApiEvent>(match: (event: ApiEvent) => event is E, timeoutMs?: number, what?: string): Promise<E>;
  /** Events the main process sent to the page (webContents.send on the event channel). */
  events(): ApiEvent[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  kill(): void;
}

export function launchDesktopMain(env: NodeJS.ProcessEnv): DesktopMain {
  ensureDesktopBuild();
  const child = fork(OUT.main, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', tsx, '--import', register],
    env: { ...process.env, ...env },
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const notices: DoubleNotice[] = [];
  const waiters = new Set<() => void>();
  const listeners: ((notice: DoubleNotice) => void)[] = [];
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let seq = 0;
  child.on('message', (raw) => {
    const message = raw as FromDouble;
    if (message.kind === 'notice') {
      notices.push(message.notice);
      for (const listener of listeners) listener(message.notice);
      for (const wake of waiters) wake();
    } else {
      const waiting = pending.get(message.seq);
      pending.delete(message.seq);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(message.error));
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const { reject } of pending.values()) reject(new Error(`the main process exited (${code ?? signal}); output:\n${output}`));
      pending.clear();
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );

  const request = <T>(req: DoubleRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the main process has exited; output:\n${output}`));
      const id = ++seq;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ kind: 'request', seq: id, request: req } satisfies ToDouble);
    });

  const waitForNotice = <N extends DoubleNotice>(match: (notice: DoubleNotice) => notice is N, timeoutMs = 60_000, what = 'a notice'): Promise<N> =>
    new Promise<N>((resolve, reject) => {
      const check = (): void => {
        const found = notices.find(match);
        if (found) {
          done();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`the main process exited while waiting for ${what}; output:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; output:\n${output}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const events = (): ApiEvent[] =>
    notices.flatMap((n) => (n.notice === 'sent' && n.channel === IPC_EVENT_CHANNEL ? [n.args[0] as ApiEvent] : []));

  return {
    child,
    notices,
    onNotice: (listener) => listeners.push(listener),
    request,
    snapshot: () => request<Snapshot>({ op: 'snapshot' }),
    call: (method, input, frame = TRUSTED_FRAME) => request<Envelope<unknown>>({ op: 'invoke', channel: ipcChannel(method), input, frame }),
    waitForNotice,
    waitForEvent: <E extends ApiEvent>(match: (event: ApiEvent) => event is E, timeoutMs = 60_000, what = 'an event') =>
      waitForNotice(
        (n): n is Extract<DoubleNotice, { notice: 'sent' }> => n.notice === 'sent' && n.channel === IPC_EVENT_CHANNEL && match(n.args[0] as ApiEvent),
        timeoutMs,
        what,
      ).then((n) => n.args[0] as E),
    events,
    exited,
    output: () => output,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The value of a successful envelope, or a thrown error naming its code. */
export function unwrap<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}
