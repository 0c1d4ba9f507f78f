import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, ipcChannel } from '../../shared/api.ts';
import type { Envelope } from '../../shared/bridge.ts';
import { toErrorInfo, RidgelineError } from '../../shared/errors.ts';
import { dispatch } from '../core/dispatch.ts';
import type { ServicesHost } from '../core/servicesHost.ts';

/**
 * Registers one ipcMain handler per API method, all through `dispatch` (schema validation) and a
 * sender check: only the app's own top-level frame may call. Errors come back as values
 * (`{ok:false, error:{code,message}}`), because Electron flattens thrown errors to strings.
 */
export function registerApiHandlers(services: Pick<ServicesHost, 'handlers'>, isTrustedUrl: (url: string) => boolean): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), async (event: IpcMainInvokeEvent, input: unknown): Promise<Envelope<unknown>> => {
      try {
        const frame = event.senderFrame;
        if (!frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
          throw new RidgelineError('FORBIDDEN_SENDER', `${method}: refused a call from an untrusted frame`);
        }
        return { ok: true, value: await dispatch(services.handlers, method, input) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    });
  }
  return () => {
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}
