import type { RunStatus } from '../../../shared/domain/runs.ts';

// Kept here rather than imported from shared/domain/runs.ts at runtime, which would pull zod into the
// bundle; the Record type makes the compiler list every status.
const FINISHED: Record<RunStatus, boolean> = {
  queued: false,
  running: false,
  completed: true,
  diverged: true,
  failed: true,
  cancelled: true,
  interrupted: true,
};

export function isFinished(status: RunStatus): boolean {
  return FINISHED[status];
}

export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}
