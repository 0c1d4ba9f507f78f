import { RidgelineError } from '../../shared/errors.ts';

/** Where a coordinator serves large sweep data (`--serve-data HOST:PORT`): the address workers connect to. */
export interface EndpointAddress {
  host: string;
  /** 0: any free port (the data URLs carry the one taken). */
  port: number;
}

/** Where a coordinator serves data when asked to (--data-via coordinator) without an address: this machine only. */
export const LOOPBACK_ENDPOINT: EndpointAddress = { host: '127.0.0.1', port: 0 };

function bad(message: string): never {
  throw new RidgelineError('BAD_OPTIONS', message);
}

/**
 * `HOST:PORT`, `[IPv6]:PORT`. The host is put into every data URL as given, so it must be one workers
 * can reach: a wildcard (0.0.0.0, ::) names no machine and is refused.
 */
export function parseEndpointAddress(raw: string): EndpointAddress {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(raw.trim());
  if (!match) bad(`expected HOST:PORT (an address of this machine the workers can reach, e.g. 10.0.0.5:7400), got "${raw}"`);
  const host = match[1] ?? match[2];
  const port = Number(match[3]);
  if (port > 65535) bad(`the port must be 0–65535 (got ${port})`);
  if (host === '0.0.0.0' || host === '::' || /^0*:(?:0*:)*0*$/.test(host)) {
    bad(`${host} listens everywhere but names no machine: give this machine's address as the workers know it (its name or IP)`);
  }
  return { host, port };
}

/** `http://host:port` with an IPv6 host in brackets. */
export function endpointOrigin(address: EndpointAddress): string {
  return `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
