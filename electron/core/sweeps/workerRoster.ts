import type { SweepWorker, SweepWorkerState } from '../../../shared/domain/sweepWorkers.ts';
import type { QueueWorkerFacts, WorkerHeartbeat } from './sweepQueues.ts';

/** A heartbeat older than this many of the worker's own intervals: it is not beating (frozen, cut off or dead). */
export const SILENT_AFTER_BEATS = 3;

/** `host:pid` (a worker's name) → its parts; a name of another form is all host. */
export function splitWorkerName(name: string): { host: string; pid: number | null } {
  const cut = name.lastIndexOf(':');
  const pid = cut > 0 ? name.slice(cut + 1) : '';
  return /^\d{1,10}$/.test(pid) ? { host: name.slice(0, cut), pid: Number(pid) } : { host: name, pid: null };
}

function stateOf(facts: QueueWorkerFacts | null, heartbeat: WorkerHeartbeat | undefined, inHand: number[]): SweepWorkerState {
  if (facts === null) return 'unknown';
  if (heartbeat?.stopped) return 'stopped';
  if (heartbeat === undefined || heartbeat.ageMs > SILENT_AFTER_BEATS * heartbeat.intervalMs) return 'silent';
  return inHand.length > 0 ? 'training' : 'idle';
}

/**
 * The workers of a sweep: every worker a committed cell names (`cellsByWorker`, from the database; the
 * null entry counts the cells this machine trained) and, with `facts` read from the queue, every worker
 * holding one of its cells now, with their heartbeats. Ordered by host, then process id.
 */
export function workerRoster(cellsByWorker: ReadonlyMap<string | null, number>, facts: QueueWorkerFacts | null): { workers: SweepWorker[]; localCells: number } {
  const names = new Set<string>();
  for (const name of cellsByWorker.keys()) if (name !== null) names.add(name);
  for (const name of facts?.inHand.keys() ?? []) names.add(name);
  const workers = [...names].map((name): SweepWorker => {
    const heartbeat = facts?.heartbeats.get(name);
    const inHand = facts?.inHand.get(name) ?? [];
    const fromName = splitWorkerName(name);
    return {
      name,
      host: heartbeat?.host ?? fromName.host,
      pid: heartbeat?.pid ?? fromName.pid,
      cellsDone: cellsByWorker.get(name) ?? 0,
      cellsInHand: inHand,
      heartbeatAgeSeconds: heartbeat === undefined ? null : heartbeat.ageMs / 1000,
      state: stateOf(facts, heartbeat, inHand),
    };
  });
  workers.sort((a, b) => (a.host === b.host ? (a.pid ?? -1) - (b.pid ?? -1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.host < b.host ? -1 : 1));
  return { workers, localCells: cellsByWorker.get(null) ?? 0 };
}
