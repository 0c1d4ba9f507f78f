import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from './open.ts';

/** A session older than this without a heartbeat is dead even if its pid was reused. */
export const HEARTBEAT_INTERVAL_MS = 2_000;
export const STALE_AFTER_MS = 15_000;

/**
 * Ownership of runs by live processes. Each process that writes runs registers a session and beats
 * its heartbeat; whoever opens the database next marks the runs of dead sessions 'interrupted'.
 * A session is dead when its pid is gone on this host, or its heartbeat is stale (another host,
 * or a pid reused by an unrelated process).
 */
export class SessionsStore {
  readonly id = randomUUID();
  private readonly host = hostname();
  private timer: NodeJS.Timeout | null = null;
  private readonly beatStmt;

  constructor(
    private readonly db: Db,
    private readonly kind: string,
  ) {
    this.beatStmt = db.prepare('UPDATE sessions SET heartbeat_at = ? WHERE id = ?');
  }

  /** Registers this process and interrupts what dead processes left running; returns how many runs. */
  start(): number {
    const interrupted = this.reapDeadSessions();
    this.db
      .prepare('INSERT INTO sessions (id, pid, host, kind, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.id, process.pid, this.host, this.kind, new Date().toISOString(), Date.now());
    this.timer = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
    return interrupted;
  }

  beat(): void {
    this.beatStmt.run(Date.now(), this.id);
  }

  /** Ends this session: its unfinished runs become interrupted (used on clean shutdown). */
  stop(reason: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.db.transaction(() => {
      this.interruptRunsOf(this.id, reason);
      this.db.prepare('DELETE FROM sessions WHERE id = ?').run(this.id);
    })();
  }

  reapDeadSessions(): number {
    const sessions = this.db.prepare('SELECT id, pid, host, heartbeat_at FROM sessions').all() as {
      id: string;
      pid: number;
      host: string;
      heartbeat_at: number;
    }[];
    let interrupted = 0;
    const now = Date.now();
    for (const s of sessions) {
      const stale = now - s.heartbeat_at > STALE_AFTER_MS;
      const gone = s.host === this.host && !processAlive(s.pid);
      if (!stale && !gone) continue;
      this.db.transaction(() => {
        interrupted += this.interruptRunsOf(s.id, `the process that ran it (pid ${s.pid}) ended without finishing it`);
        this.db.prepare('DELETE FROM sessions WHERE id = ?').run(s.id);
      }).immediate();
    }
    // Runs whose owner row is missing altogether (a crash before the session insert committed).
    const orphans = this.db
      .prepare(
        `UPDATE runs SET status = 'interrupted', status_reason = 'its process ended without finishing it', finished_at = ?
         WHERE status IN ('queued', 'running') AND (owner_session IS NULL OR owner_session NOT IN (SELECT id FROM sessions))`,
      )
      .run(new Date().toISOString());
    const orphanSweeps = this.db
      .prepare(
        `UPDATE sweeps SET status = 'interrupted', status_reason = 'its process ended without finishing it', finished_at = ?
         WHERE status IN ('queued', 'running') AND (owner_session IS NULL OR owner_session NOT IN (SELECT id FROM sessions))`,
      )
      .run(new Date().toISOString());
    return interrupted + orphans.changes + orphanSweeps.changes;
  }

  private interruptRunsOf(sessionId: string, reason: string): number {
    // Sweeps first: their unfinished cells go back to pending, so `sweep resume` redoes exactly those.
    this.db
      .prepare(
        `UPDATE sweep_cells SET status = 'pending' WHERE status = 'running'
           AND sweep_id IN (SELECT id FROM sweeps WHERE owner_session = ? AND status IN ('queued', 'running'))`,
      )
      .run(sessionId);
    this.db
      .prepare(`UPDATE sweeps SET status = 'interrupted', status_reason = ?, finished_at = ? WHERE owner_session = ? AND status IN ('queued', 'running')`)
      .run(reason, new Date().toISOString(), sessionId);
    return this.db
      .prepare(
        `UPDATE runs SET status = 'interrupted', status_reason = ?, finished_at = ?
         WHERE owner_session = ? AND status IN ('queued', 'running')`,
      )
      .run(reason, new Date().toISOString(), sessionId).changes;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
