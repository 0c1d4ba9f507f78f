// The desktop preload as built (`out/preload/index.cjs`), run as Electron runs a sandboxed preload: a
// CommonJS script whose `require` knows only 'electron' (here a stub contextBridge, ipcRenderer and
// webUtils). It must expose exactly one function per API method plus `subscribe` and `pathForFile`, each
// forwarding to its IPC channel, and the renderer's `fromBridge` must turn `{ok:false}` envelopes into
// errors with their code and message.
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, IPC_EVENT_CHANNEL, ipcChannel, type ApiEvent } from '../../shared/api.ts';
import { fromBridge, type RidgelineBridge } from '../../shared/bridge.ts';
import { RidgelineError } from '../../shared/errors.ts';
import { ensureDesktopBuild, OUT } from '../helpers/desktopBuild.ts';

interface Loaded {
  exposed: { key: string; api: Record<string, unknown> }[];
  invocations: { channel: string; args: unknown[] }[];
  requires: string[];
  ipc: EventEmitter;
  answer: (channel: string, input: unknown) => unknown;
  contextKeys: string[];
}

/** Runs the preload script in a fresh context with Electron's sandboxed-preload `require`. */
function loadPreload(): Loaded {
  const loaded: Loaded = { exposed: [], invocations: [], requires: [], ipc: new EventEmitter(), answer: () => ({ ok: true, value: null }), contextKeys: [] };
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => {
      loaded.invocations.push({ channel, args });
      return Promise.resolve(loaded.answer(channel, args[0]));
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => loaded.ipc.on(channel, listener),
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => loaded.ipc.removeListener(channel, listener),
  };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => loaded.exposed.push({ key, api }) },
    ipcRenderer,
    webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
  };
  const require = (name: string): unknown => {
    loaded.requires.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  const module = { exports: {} };
  const context: Record<string, unknown> = { require, module, exports: module.exports };
  runInNewContext(readFileSync(OUT.preload, 'utf8'), context, { filename: OUT.preload });
  loaded.contextKeys = Object.keys(context).filter((k) => !['require', 'module', 'exports'].includes(k));
  return loaded;
}

let loaded: Loaded;
beforeAll(() => {
  ensureDesktopBuild();
  loaded = loadPreload();
}, 120_000);

describe('the built preload', () => {
  it('requires nothing but electron and exposes one object, window.ridgeline', () => {
    expect(loaded.requires).toEqual(['electron']);
    expect(loaded.exposed.map((e) => e.key)).toEqual(['ridgeline']);
    expect(loaded.contextKeys).toEqual([]);
  });

  it('exposes exactly one function per API method plus subscribe and pathForFile', () => {
    const api = loaded.exposed[0].api;
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'subscribe', 'pathForFile'].sort());
    for (const [name, value] of Object.entries(api)) expect(typeof value, name).toBe('function');
  });

  it('forwards each method to its own IPC channel with its input (an empty object when none)', async () => {
    const api = loaded.exposed[0].api as Record<string, (input?: unknown) => Promise<unknown>>;
    loaded.invocations.length = 0;
    for (const method of API_METHODS) await api[method]({ probe: method });
    expect(loaded.invocations).toEqual(API_METHODS.map((method) => ({ channel: ipcChannel(method), args: [{ probe: method }] })));
    loaded.invocations.length = 0;
    await api.listRuns();
    expect(loaded.invocations).toEqual([{ channel: ipcChannel('listRuns'), args: [{}] }]);
  });

  it('subscribe delivers events from the event channel until unsubscribed', () => {
    const api = loaded.exposed[0].api as unknown as RidgelineBridge;
    const seen: ApiEvent[] = [];
    const stop = api.subscribe((event) => seen.push(event));
    const event: ApiEvent = { type: 'command', command: 'newRun' };
    loaded.ipc.emit(IPC_EVENT_CHANNEL, { sender: null }, event);
    loaded.ipc.emit('some-other-channel', { sender: null }, { type: 'runsChanged' });
    stop();
    loaded.ipc.emit(IPC_EVENT_CHANNEL, { sender: null }, { type: 'runsChanged' });
    expect(seen).toEqual([event]);
    expect(loaded.ipc.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
  });

  it('pathForFile asks webUtils for a dropped file’s path', () => {
    const api = loaded.exposed[0].api as unknown as Required<RidgelineBridge>;
    expect(api.pathForFile({ path: '/data/x.csv' })).toBe('/data/x.csv');
  });

  it('through fromBridge, envelopes become values and RidgelineErrors with code and message', async () => {
    const api = fromBridge(loaded.exposed[0].api as unknown as RidgelineBridge);
    loaded.answer = (channel) =>
      channel === ipcChannel('getRun') ? { ok: false, error: { code: 'NOT_FOUND', message: 'no run with id r1' } } : { ok: true, value: { version: '9.9.9', databasePath: '/x.db', importFrom: 'path' } };
    expect(await api.getAppInfo({})).toEqual({ version: '9.9.9', databasePath: '/x.db', importFrom: 'path' });
    const error = await api.getRun({ id: 'r1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RidgelineError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'no run with id r1' });
  });
});
