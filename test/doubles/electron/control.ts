/**
 * The double's end of the test channel (see protocol.ts). A main process started without one (a
 * plain `node out/main/index.js`) still runs: notices go nowhere and no request arrives.
 */
import type { DoubleNotice, DoubleRequest, FromDouble, ToDouble } from './protocol.ts';

type Handler<K extends DoubleRequest['op']> = (request: Extract<DoubleRequest, { op: K }>) => unknown;
const handlers = new Map<string, (request: DoubleRequest) => unknown>();

export function onRequest<K extends DoubleRequest['op']>(op: K, handler: Handler<K>): void {
  handlers.set(op, handler as (request: DoubleRequest) => unknown);
}

function send(message: FromDouble): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

export function notify(notice: DoubleNotice): Promise<void> {
  return send({ kind: 'notice', notice });
}

/** Ends the process as Electron would, after telling the test how (so it can tell quit from a crash). */
export async function exitProcess(code: number, how: 'quit' | 'exit'): Promise<never> {
  await notify({ notice: 'exiting', code, how });
  process.exit(code);
}

process.on('message', (raw: unknown) => {
  const message = raw as ToDouble;
  if (message?.kind !== 'request') return;
  const handler = handlers.get(message.request.op);
  Promise.resolve()
    .then(() => {
      if (!handler) throw new Error(`the Electron double has no request ${message.request.op}`);
      return handler(message.request);
    })
    .then(
      (value) => send({ kind: 'reply', seq: message.seq, ok: true, value }),
      (error: unknown) => send({ kind: 'reply', seq: message.seq, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
});
// The test channel must not keep a quitting app alive: Electron exits when the app quits.
process.channel?.unref();
