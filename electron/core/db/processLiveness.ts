import { readFileSync } from 'node:fs';

/**
 * Whether the process that owns a session still runs. `kill(pid, 0)` alone is not enough: where PID 1
 * does not reap orphans (containers), a killed process stays a zombie and still answers it, and a pid
 * can be reused by an unrelated process. On Linux the kernel's own record says both: the state in
 * /proc/PID/stat (Z or X: dead) and the process's start time (field 22), which a session records when
 * it starts, so a reused pid shows a different start time. Elsewhere, `kill(pid, 0)` and the heartbeat.
 */

/** The fields of /proc/PID/stat after the command name (which may itself contain spaces and parentheses). */
function procStat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

const hasProc = procStat(process.pid) !== null;

/** This process's start time in clock ticks since boot (Linux), recorded with its session; null elsewhere. */
export function processStartToken(pid: number = process.pid): string | null {
  // Field 22 of stat is the 20th after the state (field 3).
  return procStat(pid)?.[19] ?? null;
}

export function processAlive(pid: number, startToken: string | null): boolean {
  if (hasProc) {
    const fields = procStat(pid);
    if (fields === null) return false;
    const state = fields[0];
    if (state === 'Z' || state === 'X' || state === 'x') return false;
    return startToken === null || fields[19] === startToken;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
