import type { ApiEvent, RidgelineApi } from '../../../shared/api.ts';
import type { SweepDetail, SweepStatus, SweepSummary } from '../../../shared/domain/sweeps.ts';
import type { SweepWorkers } from '../../../shared/domain/sweepWorkers.ts';
import { toErrorInfo } from '../../../shared/errors.ts';
import { defaultSweepDraft, type SweepDraft } from '../lib/sweepDraft.ts';
import { RunTargetState } from './runTarget.svelte.ts';
import { SweepPathsState } from './sweepPaths.svelte.ts';

const LIST_RELOAD_DELAY_MS = 120;
/** Detail reloads while a sweep runs: at most 4 a second (each carries every cell and result). */
const DETAIL_MIN_INTERVAL_MS = 250;
/** A running sweep is re-read this often even without events (a dropped stream, another process). */
const LIVE_POLL_MS = 2000;
const SELECTED_KEY = 'ridgeline.sweep';

export function isSweepActive(status: SweepStatus): boolean {
  return status === 'queued' || status === 'running';
}

export function isSweepResumable(status: SweepStatus): boolean {
  return status === 'interrupted' || status === 'cancelled' || status === 'failed';
}

/**
 * The sweeps list, the selected sweep's detail, and the launcher's draft. Sweeps run in the service,
 * so a reopened window just reads them again: a running one shows its live progress at once.
 */
export class SweepsState {
  sweeps = $state.raw<SweepSummary[]>([]);
  loaded = $state(false);
  failed = $state(false);
  selectedId = $state<string | null>(readSelected());
  detail = $state.raw<SweepDetail | null>(null);
  /** When `detail` was read (ms since the epoch): elapsed time grows from it while the sweep runs. */
  detailReadAt = $state(0);
  detailError = $state<string | null>(null);
  /** The launcher's fields, kept here so leaving the tab loses nothing. */
  draft = $state<SweepDraft>(defaultSweepDraft());
  /** Where new sweeps (and resumed ones) run: this machine or a queue ("Run on"). */
  readonly runOn = new RunTargetState();
  /** The queue workers of the selected sweep, read with its detail (null: none read). */
  workers = $state.raw<SweepWorkers | null>(null);
  /** The coefficient path of the configuration the selected sweep's view shows. */
  readonly paths: SweepPathsState;

  readonly selected = $derived(this.sweeps.find((sweep) => sweep.id === this.selectedId) ?? null);

  private listInFlight: Promise<void> | null = null;
  private listAgain = false;
  private listTimer: ReturnType<typeof setTimeout> | null = null;

  private detailInFlight = false;
  private detailAgain = false;
  private detailTimer: ReturnType<typeof setTimeout> | null = null;
  private detailStartedAt = 0;
  private pollTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly api: RidgelineApi,
    private readonly onError: (error: unknown) => void,
  ) {
    this.paths = new SweepPathsState(api);
  }

  /** Loads the list (and the selected sweep) and keeps a running selection fresh; returns a stop function. */
  start(): () => void {
    void this.load().then(() => this.pickDefault());
    this.pollTimer = setInterval(() => {
      const detail = this.detail;
      const running = detail !== null && detail.id === this.selectedId && isSweepActive(detail.status);
      if (running && Date.now() - this.detailStartedAt >= LIVE_POLL_MS) this.requestDetail();
    }, LIVE_POLL_MS / 2);
    return () => {
      if (this.pollTimer !== null) clearInterval(this.pollTimer);
      if (this.listTimer !== null) clearTimeout(this.listTimer);
      if (this.detailTimer !== null) clearTimeout(this.detailTimer);
      this.pollTimer = this.listTimer = this.detailTimer = null;
    };
  }

  /** Reloads the list; calls made while a load is running coalesce into one more load. */
  load(): Promise<void> {
    if (this.listInFlight !== null) {
      this.listAgain = true;
      return this.listInFlight;
    }
    this.listInFlight = (async () => {
      try {
        do {
          this.listAgain = false;
          this.sweeps = await this.api.listSweeps({});
          this.loaded = true;
          this.failed = false;
        } while (this.listAgain);
      } catch (error) {
        this.failed = true;
        this.onError(error);
      } finally {
        this.listInFlight = null;
      }
    })();
    return this.listInFlight;
  }

  /** With nothing (or a vanished sweep) selected: the running sweep, else the newest. */
  private pickDefault(): void {
    if (this.selectedId !== null && this.sweeps.some((s) => s.id === this.selectedId)) {
      this.requestDetail();
      return;
    }
    const running = this.sweeps.find((s) => isSweepActive(s.status));
    const next = running ?? this.sweeps[0] ?? null;
    if (next !== null) this.select(next.id);
    else this.selectedId = null;
  }

  select(id: string | null): void {
    if (id === this.selectedId && (this.detail?.id === id || id === null)) return;
    this.selectedId = id;
    try {
      if (id === null) sessionStorage.removeItem(SELECTED_KEY);
      else sessionStorage.setItem(SELECTED_KEY, id);
    } catch {
      // Not remembered across reloads then; nothing else depends on it.
    }
    this.detailError = null;
    if (this.detail !== null && this.detail.id !== id) this.detail = null;
    if (this.workers !== null && this.workers.sweepId !== id) this.workers = null;
    if (id !== null) this.requestDetail(true);
  }

  handle(event: ApiEvent): void {
    switch (event.type) {
      case 'sweepStatus':
        this.patch(event.sweepId, { status: event.status, statusReason: event.statusReason });
        this.scheduleListReload();
        if (event.sweepId === this.selectedId) this.requestDetail();
        break;
      case 'sweepProgress':
        this.patch(event.sweepId, { cellsDone: event.cellsDone, cellsTotal: event.cellsTotal });
        if (event.sweepId === this.selectedId) this.requestDetail();
        break;
      case 'sweepCell':
        if (event.sweepId === this.selectedId) this.requestDetail();
        break;
      case 'runsChanged':
        this.scheduleListReload();
        if (this.selectedId !== null) this.requestDetail();
        break;
      default:
        break;
    }
  }

  async cancel(id: string): Promise<void> {
    try {
      await this.api.cancelSweep({ id });
    } catch (error) {
      this.onError(error);
    }
    this.scheduleListReload();
    if (id === this.selectedId) this.requestDetail();
  }

  /** Resumes the sweep where "Run on" says (this machine, or the queue). */
  async resume(id: string): Promise<void> {
    try {
      await this.api.resumeSweep({ id, ...this.runOn.target() });
    } catch (error) {
      this.onError(error);
    }
    this.scheduleListReload();
    if (id === this.selectedId) this.requestDetail();
  }

  /** Shows the new values of a list row at once; the next reload brings the rest. */
  private patch(id: string, changes: Partial<SweepSummary>, alsoDetail = true): void {
    const index = this.sweeps.findIndex((sweep) => sweep.id === id);
    if (index < 0) {
      this.scheduleListReload();
      return;
    }
    const sweeps = this.sweeps.slice();
    sweeps[index] = { ...sweeps[index], ...changes };
    this.sweeps = sweeps;
    if (alsoDetail && this.detail !== null && this.detail.id === id) this.detail = { ...this.detail, ...changes };
  }

  private scheduleListReload(): void {
    if (this.listTimer !== null) return;
    this.listTimer = setTimeout(() => {
      this.listTimer = null;
      void this.load();
    }, LIST_RELOAD_DELAY_MS);
  }

  /**
   * Fetches the selected sweep's detail, throttled to one request per DETAIL_MIN_INTERVAL_MS with a
   * trailing request, so the last event is always reflected.
   */
  private requestDetail(now = false): void {
    if (this.detailInFlight) {
      this.detailAgain = true;
      return;
    }
    if (this.detailTimer !== null) {
      if (!now) return;
      clearTimeout(this.detailTimer);
      this.detailTimer = null;
    }
    const wait = now ? 0 : Math.max(0, this.detailStartedAt + DETAIL_MIN_INTERVAL_MS - Date.now());
    this.detailTimer = setTimeout(() => {
      this.detailTimer = null;
      void this.fetchDetail();
    }, wait);
  }

  private async fetchDetail(): Promise<void> {
    const id = this.selectedId;
    if (id === null) return;
    this.detailInFlight = true;
    this.detailAgain = false;
    this.detailStartedAt = Date.now();
    try {
      // The workers with the detail, so both are live together; a failure to read them hides their list only.
      const [detail, workers] = await Promise.all([this.api.getSweep({ id }), this.api.getSweepWorkers({ id }).catch(() => null)]);
      if (this.selectedId === id) {
        this.detail = detail;
        this.workers = workers;
        this.detailReadAt = Date.now();
        this.detailError = null;
        this.patch(id, {
          status: detail.status,
          statusReason: detail.statusReason,
          cellsDone: detail.cellsDone,
          cellsTotal: detail.cellsTotal,
          elapsedMs: detail.elapsedMs,
          finishedAt: detail.finishedAt,
        }, false);
      }
    } catch (error) {
      if (this.selectedId === id) this.detailError = toErrorInfo(error).message;
    } finally {
      this.detailInFlight = false;
      if (this.detailAgain) this.requestDetail(this.selectedId !== id);
    }
  }
}

function readSelected(): string | null {
  try {
    return sessionStorage.getItem(SELECTED_KEY);
  } catch {
    return null;
  }
}
