/**
 * The bridge: exactly one function per API method (from the contract's method list), plus
 * `subscribe` for events. Each resolves to an envelope `{ok, value | error}` (see shared/bridge.ts:
 * errors do not survive contextBridge), which the renderer unwraps with `fromBridge`.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ApiEvent } from '../../shared/api.ts';
import { API_METHODS, IPC_EVENT_CHANNEL, ipcChannel } from '../../shared/apiMethods.ts';

const bridge: Record<string, unknown> = {};
for (const method of API_METHODS) {
  bridge[method] = (input: unknown) => ipcRenderer.invoke(ipcChannel(method), input ?? {});
}
bridge.subscribe = (listener: (event: ApiEvent) => void) => {
  const forward = (_event: IpcRendererEvent, payload: ApiEvent) => listener(payload);
  ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
  };
};

bridge.pathForFile = (file: Parameters<typeof webUtils.getPathForFile>[0]) => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('ridgeline', bridge);
