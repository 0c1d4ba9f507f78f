import type { ApiEvent, RidgelineApi } from '../../../shared/api.ts';
import type { RunSummary } from '../../../shared/domain/runs.ts';

const RELOAD_DELAY_MS = 120;

/** The runs list and which runs are selected. */
export class RunsState {
  runs = $state.raw<RunSummary[]>([]);
  loaded = $state(false);
  /** The last load failed (the error went to the banner). */
  failed = $state(false);
  selected = $state.raw<ReadonlySet<string>>(new Set());
  /** Sweep cells (one fold's path each) are hidden unless asked for: a sweep can have hundreds. */
  showCells = $state(false);

  readonly byId = $derived(new Map(this.runs.map((run) => [run.id, run])));
  /** Selected runs that are in the list, in list order. */
  readonly selectedRuns = $derived(this.runs.filter((run) => this.selected.has(run.id)));

  private inFlight: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly api: RidgelineApi,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Reloads the list; calls made while a load is running coalesce into one more load. */
  load(): Promise<void> {
    if (this.inFlight !== null) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      try {
        do {
          this.again = false;
          const all = await this.api.listRuns({});
          this.runs = this.showCells ? all : all.filter((run) => run.role !== 'cell');
          this.loaded = true;
          this.failed = false;
        } while (this.again);
      } catch (error) {
        this.failed = true;
        this.onError(error);
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  handle(event: ApiEvent): void {
    if (event.type === 'runsChanged') {
      this.scheduleReload();
    } else if (event.type === 'runStatus') {
      // Show the new status at once; the reload brings the final metrics with it.
      const index = this.runs.findIndex((run) => run.id === event.runId);
      if (index >= 0 && this.runs[index].status !== event.status) {
        const runs = this.runs.slice();
        runs[index] = { ...runs[index], status: event.status };
        this.runs = runs;
      }
      this.scheduleReload();
    }
  }

  private scheduleReload(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, RELOAD_DELAY_MS);
  }

  /** Selects exactly this run, reloading the list first when it is not in it yet; false if it is not there. */
  async reveal(id: string): Promise<boolean> {
    if (!this.byId.has(id)) await this.load();
    if (!this.byId.has(id)) return false;
    this.selectOnly(id);
    return true;
  }

  setShowCells(show: boolean): void {
    this.showCells = show;
    void this.load();
  }

  isSelected(id: string): boolean {
    return this.selected.has(id);
  }

  selectOnly(id: string): void {
    this.selected = new Set([id]);
  }

  toggle(id: string): void {
    const next = new Set(this.selected);
    if (!next.delete(id)) next.add(id);
    this.selected = next;
  }

  clearSelection(): void {
    if (this.selected.size > 0) this.selected = new Set();
  }
}
