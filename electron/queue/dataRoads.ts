import type { Redis } from 'ioredis';
import { RidgelineError } from '../../shared/errors.ts';
import { DataEndpoint, newDataToken } from './dataEndpoint.ts';
import { dataRefOf, MAX_DATA_BYTES, mebibytes, publishData, type DataRef } from './dataTransport.ts';
import { LOOPBACK_ENDPOINT, type EndpointAddress } from './endpointAddress.ts';
import { isLoopbackHost } from './queueUrl.ts';
import { dataTokenKey } from './queueKeys.ts';

/**
 * Which road a coordinator sends a sweep's data by (dataTransport.ts): `auto` (the default) through
 * Redis when they fit and from its endpoint when they do not; `redis` or `coordinator` always that one.
 */
export const DATA_VIA = ['auto', 'redis', 'coordinator'] as const;
export type DataVia = (typeof DATA_VIA)[number];

export interface DataRoadOptions {
  via: DataVia;
  /** --serve-data HOST:PORT: where the endpoint listens (and what the cells' data URLs name). */
  serveData?: EndpointAddress;
}

/** The roads open to one process's coordinators (one endpoint, shared by every queue and sweep). */
export interface DataRoads {
  via: DataVia;
  /** Listening when an address was given or the coordinator road was asked for; else null. */
  endpoint: DataEndpoint | null;
}

/** How long a sweep's token is kept: as long as its finished jobs may wait for a resume (a week). */
const TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Opens the endpoint when it may be needed: at once, so that an address that cannot be taken fails
 * before anything is queued or stored, as a wrong queue password does.
 */
export async function openDataRoads(options: DataRoadOptions, log: (line: string) => void): Promise<DataRoads> {
  if (options.serveData === undefined && options.via !== 'coordinator') return { via: options.via, endpoint: null };
  const address = options.serveData ?? LOOPBACK_ENDPOINT;
  const endpoint = await DataEndpoint.listen(address, log);
  const what = options.via === 'coordinator' ? 'every sweep' : `sweeps over ${mebibytes(MAX_DATA_BYTES)}`;
  const reach = isLoopbackHost(address.host) ? '; a loopback address: only workers on this machine reach it (--serve-data HOST:PORT for others)' : '';
  log(`coordinator: serving the data of ${what} at ${endpoint.origin}${reach}`);
  return { via: options.via, endpoint };
}

/** The road of data of `bytes` bytes, or one line saying which option makes one. */
export function chooseRoad(bytes: number, roads: Pick<DataRoads, 'via' | 'endpoint'>): 'redis' | 'coordinator' {
  const size = `the sweep's data take ${mebibytes(bytes)}`;
  if (roads.via === 'redis') {
    if (bytes <= MAX_DATA_BYTES) return 'redis';
    throw new RidgelineError('BAD_OPTIONS', `${size}, more than the ${mebibytes(MAX_DATA_BYTES)} Redis carries (--data-via redis): leave --data-via out and give --serve-data HOST:PORT, an address of this machine the workers can reach, to serve them from here`);
  }
  if (roads.via === 'coordinator' || bytes > MAX_DATA_BYTES) {
    if (roads.endpoint) return 'coordinator';
    throw new RidgelineError('BAD_OPTIONS', `${size}, more than the ${mebibytes(MAX_DATA_BYTES)} Redis carries: give --serve-data HOST:PORT, an address of this machine the workers can reach, and they fetch them from this coordinator`);
  }
  return 'redis';
}

/**
 * Offers a sweep's data to workers by its road; the reference returned is what its cells carry. On the
 * coordinator's road the endpoint serves them to the sweep's token until `withdrawData`.
 */
export async function offerData(roads: DataRoads, client: Redis, sweepId: string, file: string, bytes: Uint8Array): Promise<DataRef> {
  if (chooseRoad(bytes.byteLength, roads) === 'redis') return publishData(client, bytes);
  const ref = dataRefOf(bytes);
  const token = await sweepDataToken(client, sweepId);
  const url = roads.endpoint!.grant(sweepId, { token, hash: ref.hash, bytes: ref.bytes, file });
  return { ...ref, endpoint: { url, token } };
}

/** The sweep's execution ended here: its data are no longer served (the token stays for a resume). */
export function withdrawData(roads: DataRoads, sweepId: string): void {
  roads.endpoint?.revoke(sweepId);
}

/** The sweep is over (committed or cancelled): its token goes too. */
export async function forgetDataToken(client: Redis, sweepId: string): Promise<void> {
  await client.del(dataTokenKey(sweepId));
}

/** The sweep's token: the one an earlier execution made (renewed), or a fresh one; one round trip. */
async function sweepDataToken(client: Redis, sweepId: string): Promise<string> {
  const key = dataTokenKey(sweepId);
  const replies = await client.multi().set(key, newDataToken(), 'EX', TOKEN_TTL_SECONDS, 'NX').get(key).expire(key, TOKEN_TTL_SECONDS).exec();
  const [error, token] = replies?.[1] ?? [new Error('no reply'), null];
  if (error || typeof token !== 'string') throw new RidgelineError('QUEUE_UNREACHABLE', `the sweep's data token could not be kept in the queue: ${(error as Error | null)?.message ?? 'no token'}`);
  return token;
}

export async function closeDataRoads(roads: DataRoads): Promise<void> {
  await roads.endpoint?.close();
}
