/**
 * Socket errors as a person reads them, for both roads out of this machine (Redis, and a coordinator's
 * data endpoint). Apart from connection.ts so that the data road loads no Redis client.
 */
const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
};

/** A socket error's code as a person reads it ('connection refused'), or null for any other error. */
export function networkReason(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? (UNREACHABLE_CODES[code] ?? null) : null;
}
