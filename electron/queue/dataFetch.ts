import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { RidgelineError } from '../../shared/errors.ts';
import { networkReason } from './networkErrors.ts';

/** Where a coordinator serves a sweep's data, as the queued cell names it (dataEndpoint.ts). */
export interface DataSource {
  /** `http://host:port/data/<sha256>`: shown in messages (it holds no secret). */
  url: string;
  /** The sweep's bearer token: sent, never shown or logged. */
  token: string;
}

/** A coordinator silent this long (no answer, or no bytes during a transfer) counts as unreachable. */
const IDLE_TIMEOUT_MS = 30_000;
/** A refusal's body is read up to this size, for its message. */
const MAX_ERROR_BODY = 4096;

/**
 * Fetches a sweep's data from its coordinator into `file`: streamed to a partial file beside it while
 * hashed, renamed into place only once the byte count and the SHA-256 are the ones the cell names (a
 * trainer never reads half a file, nor a file that is not the sweep's).
 *
 * Errors say what to do: QUEUE_UNREACHABLE when the coordinator cannot be reached or does not serve the
 * data now (the cell is tried again later: a coordinator may be restarting, a resume serves them again);
 * UNAUTHORIZED when it refuses the token and BAD_DATA when the bytes are not the ones named (neither
 * changes by trying again).
 */
export async function fetchFromCoordinator(source: DataSource, expected: { hash: string; bytes: number }, file: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(source.url);
  } catch {
    throw new RidgelineError('BAD_DATA', `the cell's data URL is not a URL (${source.url.slice(0, 200)})`);
  }
  if (url.protocol !== 'http:' || url.pathname !== `/data/${expected.hash}`) {
    throw new RidgelineError('BAD_DATA', `the cell's data URL ${url.origin}${url.pathname} is not the coordinator's address for data ${expected.hash.slice(0, 12)}`);
  }
  const where = `the coordinator at ${url.origin}`;
  const unreachable = (error: unknown): RidgelineError => {
    if (error instanceof RidgelineError) return error;
    const reason = networkReason(error) ?? (error as Error).message;
    return new RidgelineError('QUEUE_UNREACHABLE', `cannot fetch the sweep's data from ${where}: ${reason} (tried again later; \`sweep resume --queue\` serves them again if the coordinator stopped)`);
  };

  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = get(url, { headers: { Authorization: `Bearer ${source.token}` }, timeout: IDLE_TIMEOUT_MS }, resolve);
    request.once('timeout', () => request.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })));
    request.once('error', (error) => reject(unreachable(error)));
  });

  if (response.statusCode !== 200) {
    const said = await refusalMessage(response);
    const status = `${response.statusCode}${said ? `: ${said}` : ''}`;
    if (response.statusCode === 401) {
      throw new RidgelineError('UNAUTHORIZED', `${where} refused the token of data ${expected.hash.slice(0, 12)} (${status}); this cell was not queued by that coordinator's sweep (resume the sweep to queue it afresh)`);
    }
    throw new RidgelineError('QUEUE_UNREACHABLE', `${where} does not serve data ${expected.hash.slice(0, 12)} now (${status}); tried again later`);
  }

  const partial = `${file}.${process.pid}.partial`;
  const hasher = createHash('sha256');
  let received = 0;
  try {
    await pipeline(
      response,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          received += chunk.length;
          // A server sending more than the cell names is not believed (nor allowed to fill the disk).
          if (received > expected.bytes) throw mismatch(where, received, null, expected);
          hasher.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(partial),
    );
  } catch (error) {
    rmSync(partial, { force: true });
    throw unreachable(error);
  }
  const hash = hasher.digest('hex');
  if (received !== expected.bytes || hash !== expected.hash) {
    rmSync(partial, { force: true });
    throw mismatch(where, received, hash, expected);
  }
  renameSync(partial, file);
}

function mismatch(where: string, bytes: number, hash: string | null, expected: { hash: string; bytes: number }): RidgelineError {
  const got = hash === null ? `more than ${expected.bytes} bytes` : `${bytes} bytes, hash ${hash.slice(0, 12)}`;
  return new RidgelineError('BAD_DATA', `the data from ${where} do not match their hash (${got}; expected ${expected.bytes} bytes, ${expected.hash.slice(0, 12)}): not used`);
}

/** The `message` of a `{code, message}` refusal, or its first line of text; '' when there is none. */
async function refusalMessage(response: IncomingMessage): Promise<string> {
  let text = '';
  try {
    for await (const chunk of response) {
      if (text.length < MAX_ERROR_BODY) text += (chunk as Buffer).toString('utf8');
    }
  } catch {
    // The body is only for the message.
  }
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message.slice(0, 300);
  } catch {
    // Not ours: said as text.
  }
  return text.split('\n')[0].slice(0, 300);
}
