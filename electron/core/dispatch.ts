import { isApiMethod, type ApiHandlers } from '../../shared/api.ts';
import { RidgelineError } from '../../shared/errors.ts';
import { parseApiInput } from '../../shared/validate.ts';

/**
 * The one entry from a shell into the services: checks the method name, validates the input
 * against its schema, calls the handler. IPC and HTTP both go through here.
 */
export async function dispatch(handlers: ApiHandlers, method: string, input: unknown): Promise<unknown> {
  if (!isApiMethod(method)) throw new RidgelineError('NOT_FOUND', `unknown API method "${method}"`);
  const parsed = parseApiInput(method, input);
  const handler = handlers[method] as (input: unknown) => unknown;
  return await handler(parsed);
}

