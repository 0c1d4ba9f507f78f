import { decodeWire, encodeWire } from '../../shared/wire.ts';
import type { ServeProcess } from './cli.ts';

/** Calls the serve process's HTTP API as the page does (the token as a bearer), answering its value or throwing its message. */
export async function callServe<T>(serve: ServeProcess, method: string, input: unknown = {}): Promise<T> {
  const response = await fetch(`${serve.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { ok: boolean; value: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message} [${body.error?.code}]`);
  return body.value;
}

/**
 * callServe in the wire format the page uses (shared/wire.ts), so Float64Arrays and non-finite numbers
 * arrive as they were; a refusal throws its message.
 */
export async function callServeWire<T>(serve: ServeProcess, method: string, input: unknown = {}): Promise<T> {
  const response = await fetch(`${serve.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
    body: encodeWire(input),
  });
  const body = decodeWire<{ ok: boolean; value: T; error?: { message: string } }>(await response.text());
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value;
}
