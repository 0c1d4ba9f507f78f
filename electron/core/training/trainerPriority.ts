import { setPriority } from 'node:os';

/**
 * Trainers run below the priority of the process that answers the UI. Training keeps every core busy;
 * at equal priority the server's (or the desktop's main process's) answers queued behind it, and 20
 * polling windows saw second-long waits. Lowered, training still gets all the CPU the UI leaves idle.
 * 10 on the Unix scale of −20 … 19; Node maps it to "below normal" on Windows.
 */
export const TRAINER_NICENESS = 10;

export function lowerTrainerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, TRAINER_NICENESS);
  } catch {
    // Not permitted here (or the process is already gone): it trains at normal priority.
  }
}
