import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from './open.ts';
import { processAlive, processStartToken } from './processLiveness.ts';

/** A session older than this without a heartbeat is dead even if its pid was reused. */
export const HEARTBEAT_INTERVAL_MS = 2_000;
export const STALE_AFTER_MS = 15_000;

export interface SessionRow {
  pid: number;
  pid_start: string | null;
  host: string;
  heartbeat_at: number;
}

/** A session's process is gone on this host (exited, a zombie, its pid reused), or its heartbeat is stale. */
export function sessionIsDead(session: SessionRow, host: string, now: number): boolean {
  return now - session.heartbeat_at > STALE_AFTER_MS || (session.host === host && !processAlive(session.pid, session.pid_start));
}

const ORPHAN_REASON = 'its process ended without finishing it';

/**
 * Ownership of runs and sweeps by live processes. Each process that writes registers a session and
 * beats its heartbeat; whoever opens the database next marks what dead processes left running as
 * 'interrupted'. A session is dead when its process is gone on this host (exited, a zombie, or its pid
 * reused: see processLiveness.ts), or its heartbeat is stale (another host).
 */
export class SessionsStore {
  readonly id = randomUUID();
  private readonly host = hostname();
  private timer: NodeJS.Timeout | null = null;
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly kind: string,
  ) {
    this.q = {
      insert: db.prepare('INSERT INTO sessions (id, pid, pid_start, host, kind, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      beat: db.prepare('UPDATE sessions SET heartbeat_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM sessions WHERE id = ?'),
      all: db.prepare('SELECT id, pid, pid_start, host, heartbeat_at FROM sessions'),
      // A sweep's unfinished cells go back to pending, so `sweep resume` redoes exactly those.
      sweepCellsPending: db.prepare(
        `UPDATE sweep_cells SET status = 'pending' WHERE status = 'running'
           AND sweep_id IN (SELECT id FROM sweeps WHERE owner_session = ? AND status IN ('queued', 'running'))`,
      ),
      interruptSweeps: db.prepare(`UPDATE sweeps SET status = 'interrupted', status_reason = ?, finished_at = ? WHERE owner_session = ? AND status IN ('queued', 'running')`),
      interruptRuns: db.prepare(`UPDATE runs SET status = 'interrupted', status_reason = ?, finished_at = ? WHERE owner_session = ? AND status IN ('queued', 'running')`),
      // Rows whose owner is missing altogether (a crash before the session insert committed).
      orphanRuns: db.prepare(
        `UPDATE runs SET status = 'interrupted', status_reason = ?, finished_at = ?
         WHERE status IN ('queued', 'running') AND (owner_session IS NULL OR owner_session NOT IN (SELECT id FROM sessions))`,
      ),
      orphanSweeps: db.prepare(
        `UPDATE sweeps SET status = 'interrupted', status_reason = ?, finished_at = ?
         WHERE status IN ('queued', 'running') AND (owner_session IS NULL OR owner_session NOT IN (SELECT id FROM sessions))`,
      ),
    };
  }

  /** Registers this process and interrupts what dead processes left running; returns how many runs and sweeps. */
  start(): number {
    const interrupted = this.reapDeadSessions();
    this.q.insert.run(this.id, process.pid, processStartToken(), this.host, this.kind, new Date().toISOString(), Date.now());
    this.timer = setInterval(() => {
      try {
        this.beat();
      } catch {
        // A full disk costs a heartbeat, not the process (this runs outside any caller): the next one tries again.
      }
    }, HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
    return interrupted;
  }

  beat(): void {
    this.q.beat.run(Date.now(), this.id);
  }

  /** Ends this session: its unfinished runs and sweeps become interrupted (clean shutdown). */
  stop(reason: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.db.transaction(() => {
      this.interruptOwnedBy(this.id, reason);
      this.q.remove.run(this.id);
    })();
  }

  reapDeadSessions(): number {
    const sessions = this.q.all.all() as (SessionRow & { id: string })[];
    let interrupted = 0;
    const now = Date.now();
    for (const s of sessions) {
      if (!sessionIsDead(s, this.host, now)) continue;
      this.db.transaction(() => {
        interrupted += this.interruptOwnedBy(s.id, `the process that ran it (pid ${s.pid}) ended without finishing it`);
        this.q.remove.run(s.id);
      }).immediate();
    }
    const at = new Date().toISOString();
    return interrupted + this.q.orphanRuns.run(ORPHAN_REASON, at).changes + this.q.orphanSweeps.run(ORPHAN_REASON, at).changes;
  }

  private interruptOwnedBy(sessionId: string, reason: string): number {
    const at = new Date().toISOString();
    this.q.sweepCellsPending.run(sessionId);
    const sweeps = this.q.interruptSweeps.run(reason, at, sessionId).changes;
    return sweeps + this.q.interruptRuns.run(reason, at, sessionId).changes;
  }
}
