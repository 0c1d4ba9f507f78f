/**
 * The desktop bridge's shape. Errors thrown across Electron's contextBridge lose everything but
 * their message, so each bridge function resolves to an envelope instead, and `fromBridge` turns
 * envelopes back into values and RidgelineErrors: the renderer then sees exactly the RidgelineApi
 * the HTTP client gives it.
 */
import type { ApiEvent, ApiInput, ApiOutput, RidgelineApi } from './api.ts';
import { API_METHODS, type ApiMethod } from './apiMethods.ts';
import { RidgelineError, type ErrorInfo } from './errors.ts';

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export type RidgelineBridge = {
  [M in ApiMethod]: (input: ApiInput<M>) => Promise<Envelope<ApiOutput<M>>>;
} & {
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /**
   * The local path of a file dropped on the page (Electron's webUtils.getPathForFile: a sandboxed page
   * sees no paths), so a drag-and-drop import can name it like the file dialog does; '' if it has none.
   */
  pathForFile?(file: object): string;
};

export function fromBridge(bridge: RidgelineBridge): RidgelineApi {
  const api: Record<string, unknown> = { subscribe: (listener: (event: ApiEvent) => void) => bridge.subscribe(listener) };
  for (const method of API_METHODS) {
    const call = bridge[method] as (input: unknown) => Promise<Envelope<unknown>>;
    api[method] = async (input: unknown) => {
      const envelope = await call(input);
      if (!envelope.ok) throw new RidgelineError(envelope.error.code, envelope.error.message);
      return envelope.value;
    };
  }
  return api as RidgelineApi;
}
