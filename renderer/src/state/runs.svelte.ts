import type { ApiEvent, RidgelineApi } from '../../../shared/api.ts';
import type { RunSummary } from '../../../shared/domain/runs.ts';
import { parseRunQuery, type RunPredicate } from '../../../shared/query/runQuery.ts';
import { DEFAULT_HIDDEN_COLUMNS, RUN_COLUMNS, sortRuns, type RunColumnKey, type RunSort } from '../lib/runColumns.ts';

const RELOAD_DELAY_MS = 120;
/** How long the "Deleted N runs · Undo" toast stays. The service keeps deleted runs restorable far longer. */
export const UNDO_TOAST_MS = 10_000;
const COLUMNS_STORAGE_KEY = 'ridgeline.runs.hiddenColumns';

export interface DeletedBatch {
  ids: string[];
  /** Increases with every delete, so a new toast restarts its timer. */
  seq: number;
}

function loadHiddenColumns(): ReadonlySet<RunColumnKey> {
  try {
    const stored = globalThis.localStorage?.getItem(COLUMNS_STORAGE_KEY);
    if (stored) {
      const keys = JSON.parse(stored);
      if (Array.isArray(keys)) return new Set(keys.filter((k): k is RunColumnKey => RUN_COLUMNS.some((c) => c.key === k)));
    }
  } catch {
    // A corrupt or unavailable store means the defaults.
  }
  return new Set(DEFAULT_HIDDEN_COLUMNS);
}

const isActive = (run: RunSummary): boolean => run.status === 'queued' || run.status === 'running';

/**
 * Every loaded run, and the table's view of them: which are shown (cells, archived, the filter query),
 * in which order, which are selected; and the edits a person makes to runs (rename, tags, notes,
 * archive, delete with undo).
 */
export class RunsState {
  /** Every run the service listed (cells and archived ones too). */
  all = $state.raw<RunSummary[]>([]);
  loaded = $state(false);
  /** The last load failed (the error went to the banner). */
  failed = $state(false);
  selected = $state.raw<ReadonlySet<string>>(new Set());
  /** Sweep cells (one fold's path each) are hidden unless asked for: a sweep can have hundreds. */
  showCells = $state(false);
  showArchived = $state(false);
  sort = $state.raw<RunSort>({ key: 'created', direction: 'desc' });
  /** The filter text as last applied, and its error when it does not parse (the last good filter stays). */
  query = $state('');
  queryError = $state<string | null>(null);
  hiddenColumns = $state.raw<ReadonlySet<RunColumnKey>>(loadHiddenColumns());
  /** The last delete, while its undo is offered. */
  lastDeleted = $state.raw<DeletedBatch | null>(null);
  /** A short message about the last action (e.g. running runs that could not be deleted). */
  notice = $state<string | null>(null);
  /** Asks the table to scroll a run into view (reveal from another view); seq makes repeats count. */
  scrollRequest = $state.raw<{ id: string; seq: number } | null>(null);
  /** The anchor of Shift-click range selection. */
  anchorId: string | null = null;

  private predicate = $state.raw<RunPredicate>(() => true);

  readonly byId = $derived(new Map(this.all.map((run) => [run.id, run])));
  /** Runs that the toggles let through, sorted: the filter then only walks this list. */
  private readonly sortedBase = $derived(
    sortRuns(
      this.all.filter((run) => (this.showCells || run.role !== 'cell') && (this.showArchived || !run.archived)),
      this.sort,
    ),
  );
  /** The runs the table shows: toggles, filter and sort applied. */
  readonly runs = $derived(this.sortedBase.filter(this.predicate));
  /** What "N of M runs" counts against: every run except sweep cells unless they are shown. */
  readonly total = $derived(this.showCells ? this.all.length : this.all.reduce((n, run) => n + (run.role === 'cell' ? 0 : 1), 0));
  readonly archivedCount = $derived(this.all.reduce((n, run) => n + (run.archived ? 1 : 0), 0));
  /** Selected runs that are in the list, in list order. */
  readonly selectedRuns = $derived(this.runs.filter((run) => this.selected.has(run.id)));
  readonly visibleColumns = $derived(RUN_COLUMNS.filter((c) => !this.hiddenColumns.has(c.key)));

  private inFlight: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private deleteSeq = 0;

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
          this.all = await this.api.listRuns({});
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
      const index = this.all.findIndex((run) => run.id === event.runId);
      if (index >= 0 && this.all[index].status !== event.status) {
        const all = this.all.slice();
        all[index] = { ...all[index], status: event.status };
        this.all = all;
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

  /**
   * Selects exactly this run and scrolls it into view, reloading the list first when it is not in it
   * yet and lifting whatever hides it (the filter, the archived or cells toggle); false if it is not there.
   */
  async reveal(id: string): Promise<boolean> {
    if (!this.byId.has(id)) await this.load();
    const run = this.byId.get(id);
    if (run === undefined) return false;
    if (run.role === 'cell' && !this.showCells) this.showCells = true;
    if (run.archived && !this.showArchived) this.showArchived = true;
    if (!this.predicate(run)) this.setQuery('');
    this.selectOnly(id);
    this.scrollRequest = { id, seq: (this.scrollRequest?.seq ?? 0) + 1 };
    return true;
  }

  setShowCells(show: boolean): void {
    this.showCells = show;
    void this.load();
  }

  setShowArchived(show: boolean): void {
    this.showArchived = show;
  }

  /** Applies a filter query; a query that does not parse leaves the last good filter in place. */
  setQuery(text: string): void {
    this.query = text;
    const parsed = parseRunQuery(text);
    if (parsed.ok) {
      this.predicate = parsed.predicate;
      this.queryError = null;
    } else {
      this.queryError = parsed.error;
    }
  }

  /** A click on a column header: the same column flips direction, a new one starts ascending (dates newest first). */
  sortBy(key: RunColumnKey): void {
    if (this.sort.key === key) this.sort = { key, direction: this.sort.direction === 'asc' ? 'desc' : 'asc' };
    else this.sort = { key, direction: key === 'created' ? 'desc' : 'asc' };
  }

  setColumnVisible(key: RunColumnKey, visible: boolean): void {
    const next = new Set(this.hiddenColumns);
    if (visible) next.delete(key);
    else next.add(key);
    this.hiddenColumns = next;
    try {
      globalThis.localStorage?.setItem(COLUMNS_STORAGE_KEY, JSON.stringify([...next]));
    } catch {
      // Not remembered, still applied.
    }
  }

  isSelected(id: string): boolean {
    return this.selected.has(id);
  }

  selectOnly(id: string): void {
    this.selected = new Set([id]);
    this.anchorId = id;
  }

  toggle(id: string): void {
    const next = new Set(this.selected);
    if (!next.delete(id)) next.add(id);
    this.selected = next;
    this.anchorId = id;
  }

  /** Shift-click: the visible runs from the anchor to this one; added to the selection when `extend`. */
  selectRange(id: string, extend: boolean): void {
    const list = this.runs;
    const to = list.findIndex((run) => run.id === id);
    const from = this.anchorId === null ? -1 : list.findIndex((run) => run.id === this.anchorId);
    if (to < 0) return;
    if (from < 0) {
      this.selectOnly(id);
      return;
    }
    const next = new Set(extend ? this.selected : []);
    for (let i = Math.min(from, to); i <= Math.max(from, to); i++) next.add(list[i].id);
    this.selected = next;
  }

  selectAllVisible(): void {
    this.selected = new Set(this.runs.map((run) => run.id));
  }

  clearSelection(): void {
    if (this.selected.size > 0) this.selected = new Set();
  }

  private replace(updated: RunSummary): void {
    this.all = this.all.map((run) => (run.id === updated.id ? updated : run));
  }

  /** Renames a run; false (and the error on the banner) when the service refuses. */
  async rename(id: string, name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (trimmed === this.byId.get(id)?.name) return true;
    return this.edit({ id, name: trimmed });
  }

  setTags(id: string, tags: string[]): Promise<boolean> {
    return this.edit({ id, tags });
  }

  setNotes(id: string, notes: string): Promise<boolean> {
    return this.edit({ id, notes });
  }

  async setArchived(ids: readonly string[], archived: boolean): Promise<void> {
    const results = await Promise.all(ids.map((id) => this.edit({ id, archived })));
    const done = results.filter(Boolean).length;
    this.notice = `${archived ? 'Archived' : 'Unarchived'} ${done} run${done === 1 ? '' : 's'}${archived && !this.showArchived ? ' (hidden: use "Archived" to show them)' : ''}.`;
  }

  private async edit(edit: { id: string; name?: string; notes?: string; tags?: string[]; archived?: boolean }): Promise<boolean> {
    try {
      this.replace(await this.api.editRun(edit));
      return true;
    } catch (error) {
      this.onError(error);
      return false;
    }
  }

  /** Deletes the given runs (running ones are refused, by the service as well) and offers undo. */
  async deleteRuns(ids: readonly string[]): Promise<void> {
    const runs = ids.map((id) => this.byId.get(id)).filter((run): run is RunSummary => run !== undefined);
    const active = runs.filter(isActive);
    const deletable = runs.filter((run) => !isActive(run)).map((run) => run.id);
    const refusedNote = active.length > 0 ? `${active.length} running run${active.length === 1 ? '' : 's'} cannot be deleted: cancel ${active.length === 1 ? 'it' : 'them'} first.` : null;
    if (deletable.length === 0) {
      this.notice = refusedNote;
      return;
    }
    // Deselect first, so that views following the selection (curves, details) stop asking for these
    // runs before the service's change event reaches them.
    const selectedBefore = this.selected;
    const going = new Set(deletable);
    this.selected = new Set([...selectedBefore].filter((id) => !going.has(id)));
    try {
      const { deleted } = await this.api.deleteRuns({ ids: deletable });
      const gone = new Set(deleted);
      this.all = this.all.filter((run) => !gone.has(run.id));
      const kept = [...selectedBefore].filter((id) => going.has(id) && !gone.has(id));
      if (kept.length > 0) this.selected = new Set([...this.selected, ...kept]);
      const refused = deletable.length - deleted.length + active.length;
      this.notice = refused > 0 ? `${refused} run${refused === 1 ? ' was' : 's were'} not deleted: running runs cannot be deleted (cancel them first).` : null;
      if (deleted.length > 0) this.lastDeleted = { ids: deleted, seq: ++this.deleteSeq };
    } catch (error) {
      this.selected = selectedBefore;
      this.onError(error);
    }
  }

  /** Brings back the last deleted runs, selected. */
  async undoDelete(): Promise<void> {
    const batch = this.lastDeleted;
    if (batch === null) return;
    this.lastDeleted = null;
    try {
      const { restored } = await this.api.restoreRuns({ ids: batch.ids });
      await this.load();
      this.selected = new Set(restored);
    } catch (error) {
      this.onError(error);
    }
  }

  dismissUndo(seq: number): void {
    if (this.lastDeleted?.seq === seq) this.lastDeleted = null;
  }
}
