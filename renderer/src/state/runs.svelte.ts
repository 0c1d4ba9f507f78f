import { RUN_IDS_MAX, type ApiEvent, type RidgelineApi, type RunsSelectionSummary, type RunsView } from '../../../shared/api.ts';
import { MAX_RUN_TAGS, type RunSummary } from '../../../shared/domain/runs.ts';
import { parseRunQuery } from '../../../shared/query/runQuery.ts';
import { DEFAULT_HIDDEN_COLUMNS, RUN_COLUMNS, type RunColumnKey, type RunSort } from '../lib/runColumns.ts';
import { runColors } from './runColors.svelte.ts';

const RELOAD_DELAY_MS = 120;
/** How long the "Deleted N runs · Undo" toast stays. The service keeps deleted runs restorable far longer. */
export const UNDO_TOAST_MS = 10_000;
const COLUMNS_STORAGE_KEY = 'ridgeline.runs.hiddenColumns';
/** Rows fetched per request; the table asks for the pages around what it draws. */
export const PAGE_ROWS = 100;
/** Pages kept around the drawn window; farther ones are dropped (the table never holds the whole list). */
const KEEP_PAGES = 12;
/** Above this many selected runs their summaries are not all fetched (views of a selection use the first ones). */
const SELECTED_SUMMARIES_MAX = 1000;

/** `ids` in parts of at most `size`. */
function inParts<T>(ids: readonly T[], size = RUN_IDS_MAX): T[][] {
  const parts: T[][] = [];
  for (let from = 0; from < ids.length; from += size) parts.push(ids.slice(from, from + size));
  return parts;
}

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
 * The runs table's view (filter, order, toggles) and the window of it the table draws: the service
 * filters, sorts and counts where the runs are stored (queryRuns), and this keeps only the pages of rows
 * around the drawn window, fetched on demand. Selections are sets of ids ("select all" asks for the ids
 * only); the summaries of selected runs are fetched for the views that show them (curves, Compare).
 * Also the edits a person makes to runs (rename, tags, notes, archive, delete with undo).
 */
export class RunsState {
  loaded = $state(false);
  /** The last load failed (the error went to the banner). */
  failed = $state(false);
  private selectedSet = $state.raw<ReadonlySet<string>>(new Set());
  /** The selected runs' ids, in the order they were selected (their colours follow it: runColors). */
  get selected(): ReadonlySet<string> {
    return this.selectedSet;
  }
  set selected(next: ReadonlySet<string>) {
    this.selectedSet = next;
    runColors.assign(next);
    // The views of a selection read the summaries of its first runs: those not here are fetched.
    this.fetchMissingSelected();
  }
  /** Sweep cells (one fold's path each) are hidden unless asked for: a sweep can have hundreds. */
  showCells = $state(false);
  showArchived = $state(false);
  sort = $state.raw<RunSort>({ key: 'created', direction: 'desc' });
  /** The order of the rows drawn now: `sort` once the rows asked for in its order have arrived. */
  displayedSort = $state.raw<RunSort>({ key: 'created', direction: 'desc' });
  /** The filter text as last applied, and its error when it does not parse (the last good filter stays). */
  query = $state('');
  queryError = $state<string | null>(null);
  hiddenColumns = $state.raw<ReadonlySet<RunColumnKey>>(loadHiddenColumns());
  /** The last delete, while its undo is offered. */
  lastDeleted = $state.raw<DeletedBatch | null>(null);
  /** A short message about the last action (e.g. running runs that could not be deleted). */
  notice = $state<string | null>(null);
  /** Asks the table to scroll a row into view (reveal from another view); seq makes repeats count. */
  scrollRequest = $state.raw<{ id: string; index: number; seq: number } | null>(null);
  /** The anchor of Shift-click range selection, and its row index in the current view. */
  anchorId: string | null = null;
  private anchorIndex = -1;

  /** Rows the view shows (toggles and filter applied), every run (cells when shown), archived runs. */
  count = $state(0);
  total = $state(0);
  archivedCount = $state(0);
  /** Bumped when cached rows change, so that what reads rowAt draws again. */
  private rowsVersion = $state(0);
  private readonly pages = new Map<number, RunSummary[]>();
  private readonly pending = new Map<number, Promise<void>>();
  /** The filter as last applied successfully (what the service is asked for). */
  private appliedQuery = $state('');
  /** Counts views: a response for an older view is dropped. */
  private viewSeq = 0;
  /**
   * Where running runs are: the last step and objective their progress events carried (the table shows
   * them in place of the final values, which do not exist yet). Dropped when the run finishes.
   */
  private readonly live = new Map<string, { step: number; objective: number }>();
  private liveVersion = $state(0);
  /** Summaries by id: rows of the cached pages, and selected runs. */
  private readonly known = new Map<string, RunSummary>();
  /** The runs the last reload of the window brought (their summaries are current). */
  private fresh: ReadonlySet<string> = new Set();
  private knownVersion = $state(0);

  readonly visibleColumns = $derived(RUN_COLUMNS.filter((c) => !this.hiddenColumns.has(c.key)));
  /**
   * The first SELECTED_SUMMARIES_MAX selected runs whose summaries are here (all of them are fetched), in
   * selection order: what the views of a selection show (curves, details, Compare). A larger selection
   * (select all of 100,000 runs) is acted on by its ids (selectedCount counts them all).
   */
  readonly selectedRuns = $derived.by(() => {
    void this.knownVersion;
    const out: RunSummary[] = [];
    for (const id of this.firstSelected()) {
      const run = this.known.get(id);
      if (run) out.push(run);
    }
    return out;
  });
  readonly selectedCount = $derived(this.selected.size);

  private inFlight: Promise<void> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private deleteSeq = 0;
  /** The rows the table draws, as last reported (pages around them are kept and fetched). */
  private drawn = { first: 0, last: PAGE_ROWS };

  constructor(
    private readonly api: RidgelineApi,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** What the service is asked for. */
  get view(): RunsView {
    return { query: this.appliedQuery, sort: this.sort, showCells: this.showCells, showArchived: this.showArchived };
  }

  /** The run shown at row `index`, or undefined while its page is on its way. */
  rowAt(index: number): RunSummary | undefined {
    void this.rowsVersion;
    return this.pages.get(Math.floor(index / PAGE_ROWS))?.[index % PAGE_ROWS];
  }

  /** A run's summary if it is here (a cached row or a selected run). */
  runById(id: string): RunSummary | undefined {
    void this.knownVersion;
    return this.known.get(id);
  }

  /** The row index of a run in the view, when its row is cached; −1 otherwise. */
  cachedIndexOf(id: string): number {
    for (const [page, rows] of this.pages) {
      const at = rows.findIndex((run) => run.id === id);
      if (at >= 0) return page * PAGE_ROWS + at;
    }
    return -1;
  }

  /**
   * The table draws rows first..last (exclusive): fetches the pages that cover them and one page on
   * either side (so scrolling finds its rows there), and forgets pages far from them.
   */
  showRows(first: number, last: number): void {
    this.drawn = { first, last };
    const from = Math.max(0, Math.floor(first / PAGE_ROWS) - 1);
    const to = Math.floor(Math.max(first, last - 1) / PAGE_ROWS) + 1;
    for (let page = from; page <= to; page++) if (page * PAGE_ROWS < this.count) void this.fetchPage(page);
    let dropped = false;
    for (const page of [...this.pages.keys()]) {
      if (page < from - KEEP_PAGES / 2 || page > to + KEEP_PAGES / 2) {
        this.pages.delete(page);
        dropped = true;
      }
    }
    if (dropped) {
      this.forgetUnused();
      this.rowsVersion++;
    }
  }

  /** The run at row `index` of the view, fetching its page when it is not here; undefined past the end or on error. */
  async rowAtFetched(index: number): Promise<RunSummary | undefined> {
    const page = Math.floor(index / PAGE_ROWS);
    if (!this.pages.has(page) && index < this.count) await this.fetchPage(page);
    return this.rowAt(index);
  }

  /**
   * Drops the summaries of runs neither in a cached page nor among the first selected ones: scrolling
   * through 100,000 runs keeps the pages around the window, not every row it passed.
   */
  private forgetUnused(): void {
    const keep = new Set<string>();
    for (const rows of this.pages.values()) for (const run of rows) keep.add(run.id);
    for (const id of this.firstSelected()) keep.add(id);
    if (this.known.size <= keep.size) return;
    for (const id of [...this.known.keys()]) if (!keep.has(id)) this.known.delete(id);
  }

  private fetchPage(page: number): Promise<void> {
    if (this.pages.has(page)) return Promise.resolve();
    const running = this.pending.get(page);
    if (running) return running;
    const seq = this.viewSeq;
    const task: Promise<void> = this.loadPage(page, seq).finally(() => {
      if (this.pending.get(page) === task) this.pending.delete(page);
    });
    this.pending.set(page, task);
    return task;
  }

  private async loadPage(page: number, seq: number): Promise<void> {
    try {
      const result = await this.api.queryRuns({ view: this.view, offset: page * PAGE_ROWS, limit: PAGE_ROWS });
      if (seq !== this.viewSeq) return;
      this.applyCounts(result);
      this.pages.set(page, result.rows);
      this.remember(result.rows);
      this.rowsVersion++;
    } catch (error) {
      if (seq === this.viewSeq) this.onError(error);
    }
  }

  private applyCounts(result: { matching: number; total: number; archived: number }): void {
    this.count = result.matching;
    this.total = result.total;
    this.archivedCount = result.archived;
  }

  private remember(runs: readonly RunSummary[]): void {
    for (const run of runs) this.known.set(run.id, run);
    this.knownVersion++;
  }

  /**
   * Reloads the view: the counts and the pages around the drawn rows (not the whole list); calls made
   * while a load is running coalesce into one more load.
   */
  load(): Promise<void> {
    if (this.inFlight !== null) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      try {
        do {
          this.again = false;
          await this.reloadWindow();
          await this.refreshSelected();
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

  /** A new view (or fresh data): the drawn window's pages fetched anew in one request, then swapped in at once. */
  private async reloadWindow(): Promise<void> {
    const seq = ++this.viewSeq;
    this.pending.clear();
    const view = this.view;
    const from = Math.max(0, Math.floor(this.drawn.first / PAGE_ROWS) - 1);
    const to = Math.floor(Math.max(this.drawn.first, this.drawn.last - 1) / PAGE_ROWS) + 1;
    const result = await this.api.queryRuns({ view, offset: from * PAGE_ROWS, limit: Math.min(1000, (to - from + 1) * PAGE_ROWS) });
    if (seq !== this.viewSeq) return;
    this.pages.clear();
    for (let k = 0; k * PAGE_ROWS < result.rows.length; k++) this.pages.set(from + k, result.rows.slice(k * PAGE_ROWS, (k + 1) * PAGE_ROWS));
    this.fresh = new Set(result.rows.map((run) => run.id));
    this.remember(result.rows);
    this.forgetUnused();
    this.applyCounts(result);
    this.displayedSort = view.sort;
    this.rowsVersion++;
    // A row index of the old view means nothing in the new one.
    this.anchorIndex = this.anchorId === null ? -1 : this.cachedIndexOf(this.anchorId);
  }

  /**
   * Fetches the summaries of the first selected runs (up to SELECTED_SUMMARIES_MAX) anew, but for those the
   * window just brought; or of the runs named.
   */
  private async refreshSelected(ids: readonly string[] = this.firstSelected().filter((id) => !this.fresh.has(id))): Promise<void> {
    if (ids.length === 0) return;
    const summaries = await this.api.getRunSummaries({ ids: [...ids] });
    this.remember(summaries);
    // Runs deleted elsewhere leave the selection.
    const found = new Set(summaries.map((run) => run.id));
    const gone = ids.filter((id) => !found.has(id));
    if (gone.length > 0) {
      const goneSet = new Set(gone);
      this.selected = new Set([...this.selected].filter((id) => !goneSet.has(id)));
    }
  }

  /** The first SELECTED_SUMMARIES_MAX selected ids, in selection order. */
  private firstSelected(): string[] {
    const ids: string[] = [];
    for (const id of this.selected) {
      if (ids.length >= SELECTED_SUMMARIES_MAX) break;
      ids.push(id);
    }
    return ids;
  }

  private fetchMissingSelected(): void {
    const missing = this.firstSelected().filter((id) => !this.known.has(id));
    if (missing.length > 0) void this.refreshSelected(missing).catch((error) => this.onError(error));
  }

  /** A running run's last step and objective, when its progress has been seen. */
  liveProgress(id: string): { step: number; objective: number } | undefined {
    void this.liveVersion;
    return this.live.get(id);
  }

  handle(event: ApiEvent): void {
    if (event.type === 'runProgress') {
      const { batch } = event;
      if (batch.count === 0) return;
      const objective = batch.columns.objective?.[batch.count - 1] ?? Number.NaN;
      this.live.set(event.runId, { step: batch.firstStep + batch.count - 1, objective });
      this.liveVersion++;
    } else if (event.type === 'runsChanged') {
      this.scheduleReload();
    } else if (event.type === 'runStatus') {
      if (event.status !== 'running' && event.status !== 'queued' && this.live.delete(event.runId)) this.liveVersion++;
      // Patch the row at once; the reload brings the final metrics (and any change of order) with it.
      const run = this.known.get(event.runId);
      if (run && run.status !== event.status) {
        const patched = { ...run, status: event.status };
        this.replace(patched);
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
   * Selects exactly this run and scrolls it into view, lifting whatever hides it (the filter, the
   * archived or cells toggle); false if it does not exist.
   */
  async reveal(id: string): Promise<boolean> {
    let run: RunSummary | undefined;
    try {
      [run] = await this.api.getRunSummaries({ ids: [id] });
    } catch (error) {
      this.onError(error);
      return false;
    }
    if (run === undefined) return false;
    this.remember([run]);
    let changed = false;
    if (run.role === 'cell' && !this.showCells) {
      this.showCells = true;
      changed = true;
    }
    if (run.archived && !this.showArchived) {
      this.showArchived = true;
      changed = true;
    }
    let index = await this.indexOf(id);
    if (index < 0 && this.appliedQuery !== '') {
      this.setQuery('', false);
      changed = true;
      index = await this.indexOf(id);
    }
    if (changed) await this.load();
    this.selectOnly(id);
    this.anchorIndex = index;
    if (index >= 0) this.scrollRequest = { id, index, seq: (this.scrollRequest?.seq ?? 0) + 1 };
    return index >= 0;
  }

  private async indexOf(id: string): Promise<number> {
    const ids = await this.api.listRunIds({ view: this.view });
    return ids.indexOf(id);
  }

  setShowCells(show: boolean): void {
    this.showCells = show;
    void this.load();
  }

  setShowArchived(show: boolean): void {
    this.showArchived = show;
    void this.load();
  }

  /** Applies a filter query; a query that does not parse leaves the last good filter in place. */
  setQuery(text: string, reload = true): void {
    this.query = text;
    const parsed = parseRunQuery(text);
    if (parsed.ok) {
      this.queryError = null;
      if (this.appliedQuery !== text) {
        this.appliedQuery = text;
        if (reload) void this.load();
      }
    } else {
      this.queryError = parsed.error;
    }
  }

  /** A click on a column header: the same column flips direction, a new one starts ascending (dates newest first). */
  sortBy(key: RunColumnKey): void {
    if (this.sort.key === key) this.sort = { key, direction: this.sort.direction === 'asc' ? 'desc' : 'asc' };
    else this.sort = { key, direction: key === 'created' ? 'desc' : 'asc' };
    void this.load();
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

  /** Selects exactly this run; `index` is its row in the view when known (for Shift-click ranges). */
  selectOnly(id: string, index = this.cachedIndexOf(id)): void {
    this.selected = new Set([id]);
    this.anchorId = id;
    this.anchorIndex = index;
  }

  toggle(id: string, index = this.cachedIndexOf(id)): void {
    const next = new Set(this.selected);
    if (!next.delete(id)) next.add(id);
    this.selected = next;
    this.anchorId = id;
    this.anchorIndex = index;
  }

  /** Shift-click: the rows from the anchor to row `index` (run `id`); added to the selection when `extend`. */
  async selectRange(id: string, index: number, extend: boolean): Promise<void> {
    const from = this.anchorIndex;
    if (from < 0 || index < 0) {
      this.selectOnly(id, index);
      return;
    }
    const lo = Math.min(from, index);
    const hi = Math.max(from, index);
    const base = extend ? this.selected : new Set<string>();
    try {
      // Rows at hand are selected at once; a range reaching past them asks for the ids in between.
      const ids = this.cachedIds(lo, hi + 1) ?? (await this.api.listRunIds({ view: this.view, offset: lo, limit: hi - lo + 1 }));
      this.selected = new Set([...base, ...ids]);
    } catch (error) {
      this.onError(error);
    }
  }

  /** Every run the view shows (ids only: 100,000 of them are a few MB, their rows are not fetched). */
  async selectAllVisible(): Promise<void> {
    try {
      const ids = this.cachedIds(0, this.count) ?? (await this.api.listRunIds({ view: this.view }));
      this.selected = new Set(ids);
    } catch (error) {
      this.onError(error);
    }
  }

  /** The ids of rows from..to (exclusive) when every one of them is cached, else null. */
  private cachedIds(from: number, to: number): string[] | null {
    const ids: string[] = [];
    for (let index = from; index < to; index++) {
      const run = this.pages.get(Math.floor(index / PAGE_ROWS))?.[index % PAGE_ROWS];
      if (run === undefined) return null;
      ids.push(run.id);
    }
    return ids;
  }

  clearSelection(): void {
    if (this.selected.size > 0) this.selected = new Set();
  }

  /** A changed run: its cached row and summary replaced in place. */
  private replace(updated: RunSummary): void {
    for (const [page, rows] of this.pages) {
      const at = rows.findIndex((run) => run.id === updated.id);
      if (at >= 0) {
        const next = rows.slice();
        next[at] = updated;
        this.pages.set(page, next);
      }
    }
    this.remember([updated]);
    this.rowsVersion++;
  }

  /** Renames a run; false (and the error on the banner) when the service refuses. */
  async rename(id: string, name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (trimmed === this.known.get(id)?.name) return true;
    return this.edit({ id, name: trimmed });
  }

  setNotes(id: string, notes: string): Promise<boolean> {
    return this.edit({ id, notes });
  }

  /** Archives or unarchives these runs (any number: one request per RUN_IDS_MAX ids). */
  async setArchived(ids: readonly string[], archived: boolean): Promise<void> {
    const result = await this.editMany(ids, { archived });
    if (result === null) return;
    const done = result.runs;
    this.notice = `${archived ? 'Archived' : 'Unarchived'} ${done} run${done === 1 ? '' : 's'}${archived && !this.showArchived ? ' (hidden: use "Archived" to show them)' : ''}.`;
  }

  /** Adds a tag to these runs (not to one that has it in any case); false when the service refused. */
  async addTag(ids: readonly string[], tag: string): Promise<boolean> {
    const result = await this.editMany(ids, { addTags: [tag] });
    if (result === null) return false;
    if (result.tagLimit > 0) this.notice = `${result.tagLimit} run${result.tagLimit === 1 ? '' : 's'} already had ${MAX_RUN_TAGS} tags (the most a run may have) and did not get "${tag}".`;
    return true;
  }

  /** Removes a tag (exactly as written) from these runs; false when the service refused. */
  async removeTag(ids: readonly string[], tag: string): Promise<boolean> {
    return (await this.editMany(ids, { removeTags: [tag] })) !== null;
  }

  /** What these runs hold together (counts and tags), however many they are; null (error on the banner) on failure. */
  async summarize(ids: readonly string[]): Promise<RunsSelectionSummary | null> {
    if (ids.length === 0) return { runs: 0, archived: 0, active: 0, tags: [] };
    try {
      const parts = await Promise.all(inParts(ids).map((part) => this.api.summarizeRuns({ ids: part })));
      const tags = new Map<string, number>();
      for (const part of parts) for (const { tag, runs } of part.tags) tags.set(tag, (tags.get(tag) ?? 0) + runs);
      return {
        runs: parts.reduce((n, part) => n + part.runs, 0),
        archived: parts.reduce((n, part) => n + part.archived, 0),
        active: parts.reduce((n, part) => n + part.active, 0),
        tags: [...tags].map(([tag, runs]) => ({ tag, runs })),
      };
    } catch (error) {
      this.onError(error);
      return null;
    }
  }

  /**
   * One change to many runs (editRuns, in parts for a large selection), then the window and the selected
   * runs' summaries are reloaded: the service's rules (tags in any case, the most a run may have) decide
   * what changed, and the change can move rows in or out of the view.
   */
  private async editMany(ids: readonly string[], change: { archived?: boolean; addTags?: string[]; removeTags?: string[] }): Promise<{ runs: number; tagLimit: number } | null> {
    if (ids.length === 0) return { runs: 0, tagLimit: 0 };
    let result = { runs: 0, tagLimit: 0 };
    try {
      for (const part of inParts(ids)) {
        const done = await this.api.editRuns({ ids: part, ...change });
        result = { runs: result.runs + done.runs, tagLimit: result.tagLimit + done.tagLimit };
      }
    } catch (error) {
      this.onError(error);
      await this.load();
      return null;
    }
    await this.load();
    return result;
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
    const runs = ids.map((id) => this.known.get(id)).filter((run): run is RunSummary => run !== undefined);
    const active = runs.filter(isActive);
    const activeIds = new Set(active.map((run) => run.id));
    const deletable = ids.filter((id) => !activeIds.has(id));
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
    const deleted: string[] = [];
    try {
      // A large selection goes in parts; should a later part fail, the parts deleted can still be undone.
      for (const part of inParts(deletable)) for (const id of (await this.api.deleteRuns({ ids: part })).deleted) deleted.push(id);
      const gone = new Set(deleted);
      const kept = [...selectedBefore].filter((id) => going.has(id) && !gone.has(id));
      if (kept.length > 0) this.selected = new Set([...this.selected, ...kept]);
      const refused = deletable.length - deleted.length + active.length;
      this.notice = refused > 0 ? `${refused} run${refused === 1 ? ' was' : 's were'} not deleted: running runs cannot be deleted (cancel them first).` : null;
      if (deleted.length > 0) this.lastDeleted = { ids: deleted, seq: ++this.deleteSeq };
      await this.load();
    } catch (error) {
      const gone = new Set(deleted);
      this.selected = new Set([...selectedBefore].filter((id) => !gone.has(id)));
      if (deleted.length > 0) this.lastDeleted = { ids: deleted, seq: ++this.deleteSeq };
      this.onError(error);
      if (deleted.length > 0) await this.load();
    }
  }

  /** Brings back the last deleted runs, selected. */
  async undoDelete(): Promise<void> {
    const batch = this.lastDeleted;
    if (batch === null) return;
    this.lastDeleted = null;
    try {
      const restored: string[] = [];
      for (const part of inParts(batch.ids)) for (const id of (await this.api.restoreRuns({ ids: part })).restored) restored.push(id);
      this.selected = new Set(restored);
      await this.load();
    } catch (error) {
      this.onError(error);
    }
  }

  dismissUndo(seq: number): void {
    if (this.lastDeleted?.seq === seq) this.lastDeleted = null;
  }
}
