import type { SweepWorker } from '../../../shared/domain/sweepWorkers.ts';

/** "just now", "4 s ago", "3 min ago", "2 h ago". */
export function formatAgo(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 1) return 'just now';
  if (seconds < 90) return `${Math.floor(seconds)} s ago`;
  if (seconds < 90 * 60) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

/** The worker's last heartbeat, `extraSeconds` after the list was read (a clock ticking between reads). */
export function describeHeartbeat(worker: SweepWorker, extraSeconds: number): string {
  if (worker.state === 'unknown') return '—';
  if (worker.heartbeatAgeSeconds === null) return 'none in the queue';
  const ago = formatAgo(worker.heartbeatAgeSeconds + Math.max(0, extraSeconds));
  return worker.state === 'stopped' ? `stopped, ${ago}` : ago;
}

/** What the worker does now, as far as the queue tells. */
export function describeActivity(worker: SweepWorker): string {
  switch (worker.state) {
    case 'training':
      return `${worker.cellsInHand.length === 1 ? 'cell' : 'cells'} ${worker.cellsInHand.join(', ')}`;
    case 'idle':
      return 'idle';
    case 'stopped':
      return 'stopped';
    case 'silent':
      return 'not responding';
    default:
      return '—';
  }
}
