/**
 * The runs table's data as windows of rows: counts first, then the rows a table draws, filtered (the
 * query language compiled to SQL, runQuerySql.ts) and sorted (shared/query/runSort.ts's order, in SQL)
 * where they are stored. So opening, filtering and sorting cost what is shown, not what is stored: a
 * database of 100,000 runs sends 100 rows, not 100,000.
 */
import type Database from 'better-sqlite3';
import { RidgelineError } from '../../../shared/errors.ts';
import type { RunsPage, RunsSelectionSummary, RunsView } from '../../../shared/api.ts';
import { MAX_RUN_TAGS, type RunSummary } from '../../../shared/domain/runs.ts';
import { parseRunQuery } from '../../../shared/query/runQuery.ts';
import type { RunSort, RunSortKey } from '../../../shared/query/runSort.ts';
import { compileRunQuery, folded, ordered, registerRunQueryFunctions } from './runQuerySql.ts';
import { SELECT_RUN_ROWS, toSummary, type RunRow } from './runsStore.ts';

/** runsStore's SELECT_RUN, with the deleted_at test kept out of index choice (`+`: see summaries). */
const SUMMARIES = `${SELECT_RUN_ROWS} WHERE +r.deleted_at IS NULL`;

/**
 * The sort keys' SQL values, as RUN_SORT_VALUES computes them (`ordered` lower-cases as JavaScript does,
 * into keys in JavaScript's order). Tags sort on their comma-joined, lower-cased list; no tags is null.
 */
const SORT_SQL: Record<RunSortKey, string> = {
  name: ordered('r.name'),
  status: 'r.status',
  dataset: ordered('d.name'),
  model: 'r.model',
  solver: 'r.solver',
  lambda: 'r.lambda',
  alpha: 'r.alpha',
  objective: 'r.final_objective',
  testLoss: 'r.final_test_loss',
  validationLoss: 'r.final_validation_loss',
  suboptimality: '(r.final_objective - r.optimum_objective)',
  nonzero: 'r.final_nonzero',
  duration: 'r.fit_ms',
  created: 'r.created_at',
  tags: `(CASE WHEN r.tags = '[]' THEN NULL ELSE ${ordered(`(SELECT group_concat(value, ',') FROM json_each(r.tags))`)} END)`,
};

/**
 * Sort keys that are never null (NOT NULL columns): their ORDER BY needs no nulls-last term, so SQLite
 * can walk an index on the column (migration 12) and stop after one window of rows.
 */
const NEVER_NULL: ReadonlySet<RunSortKey> = new Set(['status', 'model', 'solver', 'lambda', 'alpha', 'created']);
/** Whether the filter or the order reads the data set's name (the join is needed then only). */
const needsDataset = (sql: string): boolean => sql.includes('d.name');

/** Sort keys with an index in their order that also holds what the toggles test (migrations 12 and 14). */
const ORDER_INDEX: Partial<Record<RunSortKey, string>> = { created: 'runs_created', lambda: 'runs_lambda' };

/** Distinct statements kept prepared (a filter typed letter by letter makes a new one per keystroke). */
const STATEMENT_CACHE = 64;
/** Views whose whole order is kept (while the data do not change): a few MB each at 100,000 runs. */
const ORDERS_KEPT = 4;
/** Rows of an unfiltered view read with a top-k sort (not its whole order) until deeper ones are asked for. */
const TOP_ROWS = 1000;

/** The runs of a JSON array of ids (one parameter, however many ids). */
const CHOSEN = 'r.id IN (SELECT value FROM json_each(@ids)) AND r.deleted_at IS NULL';

export class RunsPages {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly countsStmt: Database.Statement;
  private readonly changesStmt: Database.Statement;
  /**
   * Counts by the database's state they were taken in (see `state`): a table scrolling through one view
   * asks for many windows of unchanged data, and counting is the costly part of each.
   */
  private counts: { state: string; value: { everything: number; notCells: number; archived: number } } | null = null;
  private readonly matching = new Map<string, { state: string; value: number }>();
  /**
   * The whole order of recent views that cannot walk an index (a filter, or an order with no index of its
   * own), by the data's state: sorting is the costly part of their windows, and one sort then serves every
   * window of the view (scrolling, a deep jump, "select all") until the data change.
   */
  private readonly orders = new Map<string, { state: string; ids: string[] }>();

  constructor(private readonly db: Database.Database) {
    registerRunQueryFunctions(db);
    this.countsStmt = db.prepare(
      `SELECT count(*) AS everything, coalesce(sum(role != 'cell'), 0) AS notCells, coalesce(sum(archived), 0) AS archived FROM runs WHERE deleted_at IS NULL`,
    );
    this.changesStmt = db.prepare('SELECT total_changes()').pluck();
  }

  /** Changes whenever the data may have: another connection committed (data_version) or this one wrote (total_changes). */
  private state(): string {
    return `${this.db.pragma('data_version', { simple: true })}:${this.changesStmt.get()}`;
  }

  /** The view's counts and the rows from `offset` (at most `limit`), in the view's order. */
  page(view: RunsView, offset: number, limit: number): RunsPage {
    const { where, params, filtered } = this.where(view);
    const state = this.state();
    if (this.counts?.state !== state) this.counts = { state, value: this.countsStmt.get() as { everything: number; notCells: number; archived: number } };
    const counts = this.counts.value;
    const totals = { total: view.showCells ? counts.everything : counts.notCells, archived: counts.archived, offset };
    if (this.sortsWhole(view, { where, params, filtered }, state, offset + limit)) {
      const order = this.order(view, where, params, state);
      return { matching: order.length, ...totals, rows: this.summaries(order.slice(offset, offset + limit)) };
    }
    const key = `${where}\u0000${JSON.stringify(params)}`;
    let matching = this.matching.get(key)?.state === state ? this.matching.get(key)!.value : undefined;
    if (matching === undefined) {
      matching = (this.statement(`SELECT count(*) FROM ${from(where)} WHERE r.deleted_at IS NULL AND ${where}`).pluck().get(...params) as number) ?? 0;
      if (this.matching.size >= STATEMENT_CACHE) this.matching.delete(this.matching.keys().next().value as string);
      this.matching.set(key, { state, value: matching });
    }
    // The window's ids first (the sort then moves narrow records, or walks an index), then their rows.
    const rows = this.summaries(this.select(view, where, params, walksIndex(view, filtered), offset, limit));
    return { matching, ...totals, rows };
  }

  /** The ids of the view's rows from `offset` (at most `limit`; all with limit −1), in order: for selections. */
  ids(view: RunsView, offset = 0, limit = -1): string[] {
    const { where, params, filtered } = this.where(view);
    const state = this.state();
    if (this.sortsWhole(view, { where, params, filtered }, state, limit < 0 ? Infinity : offset + limit)) return this.order(view, where, params, state).slice(offset, limit < 0 ? undefined : offset + limit);
    return this.select(view, where, params, walksIndex(view, filtered), offset, limit);
  }

  /**
   * Whether rows up to `end` of the view are best read from its whole order (kept: RunsPages.order). Views
   * that walk an index never need it. A filter is one scan either way, and counting then windowing
   * scans twice: its order is taken whole at once. Unfiltered (counted off an index), the first rows of
   * a new order are a cheap top-k sort; the whole order is taken when it is kept already or deeper rows
   * are asked for (scrolling, a jump, a selection).
   */
  private sortsWhole(view: RunsView, condition: { where: string; params: (string | number)[]; filtered: boolean }, state: string, end: number): boolean {
    if (walksIndex(view, condition.filtered)) return false;
    return condition.filtered || end > TOP_ROWS || this.orders.get(orderKey(view, condition))?.state === state;
  }

  /** The view's ids from `offset` (at most `limit`; all with −1), as SQLite orders them. */
  private select(view: RunsView, where: string, params: (string | number)[], walk: boolean, offset: number, limit: number): string[] {
    const order = orderBy(view.sort);
    // Unfiltered, the orders with an index of their own (newest first, the default; λ) walk it and stop
    // after the window; the planner, seeing the narrow index that serves the toggles, would otherwise scan
    // and sort everything. A filter may match few rows far apart in that order: then the planner chooses.
    const index = walk ? ORDER_INDEX[view.sort.key] : undefined;
    const table = index ? `runs r INDEXED BY ${index}` : 'runs r';
    return this.statement(`SELECT r.id FROM ${from(where + order, table)} WHERE r.deleted_at IS NULL AND ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .pluck()
      .all(...params, limit, offset) as string[];
  }

  /** The view's whole order, sorted once per state of the data (see `orders`). */
  private order(view: RunsView, where: string, params: (string | number)[], state: string): string[] {
    const key = orderKey(view, { where, params });
    const kept = this.orders.get(key);
    if (kept !== undefined) {
      this.orders.delete(key);
      if (kept.state === state) {
        this.orders.set(key, kept);
        return kept.ids;
      }
    }
    const ids = this.select(view, where, params, false, 0, -1);
    if (this.orders.size >= ORDERS_KEPT) this.orders.delete(this.orders.keys().next().value as string);
    this.orders.set(key, { state, ids });
    return ids;
  }

  /** What these runs hold together: how many exist, are archived, queued or running; their tags with how many carry each. */
  summarize(ids: readonly string[]): RunsSelectionSummary {
    const chosen = { ids: JSON.stringify(ids) };
    const counts = this.statement(
      `SELECT count(*) AS runs, coalesce(sum(r.archived), 0) AS archived, coalesce(sum(r.status IN ('queued', 'running')), 0) AS active FROM runs r WHERE ${CHOSEN}`,
    ).get(chosen) as { runs: number; archived: number; active: number };
    const tags = this.statement(`SELECT t.value AS tag, count(*) AS runs FROM runs r, json_each(r.tags) t WHERE ${CHOSEN} AND r.tags != '[]' GROUP BY t.value ORDER BY t.value`).all(
      chosen,
    ) as { tag: string; runs: number }[];
    return { ...counts, tags };
  }

  /**
   * One change to many runs, in one transaction: archived set; tags added (unless the run has the tag in
   * any case, as the tags editor does; not to a run that has MAX_RUN_TAGS already: those are counted);
   * tags removed (exactly as written). Returns how many of the runs exist.
   */
  edit(ids: readonly string[], change: { archived?: boolean; addTags?: readonly string[]; removeTags?: readonly string[] }): { runs: number; tagLimit: number } {
    const chosen = { ids: JSON.stringify(ids) };
    return this.db.transaction(() => {
      const runs = this.statement(`SELECT count(*) FROM runs r WHERE ${CHOSEN}`).pluck().get(chosen) as number;
      if (change.archived !== undefined) {
        this.statement(`UPDATE runs AS r SET archived = @archived WHERE ${CHOSEN} AND r.archived != @archived`).run({ ...chosen, archived: change.archived ? 1 : 0 });
      }
      for (const tag of change.removeTags ?? []) {
        this.statement(
          `UPDATE runs AS r SET tags = (SELECT json_group_array(value) FROM json_each(r.tags) WHERE value != @tag) WHERE ${CHOSEN} AND EXISTS (SELECT 1 FROM json_each(r.tags) WHERE value = @tag)`,
        ).run({ ...chosen, tag });
      }
      let tagLimit = 0;
      for (const tag of change.addTags ?? []) {
        const lacking = `${CHOSEN} AND NOT EXISTS (SELECT 1 FROM json_each(r.tags) WHERE ${folded('value')} = @lower)`;
        const full = this.statement(`SELECT count(*) FROM runs r WHERE ${lacking} AND json_array_length(r.tags) >= ${MAX_RUN_TAGS}`).pluck().get({ ...chosen, lower: tag.toLowerCase() }) as number;
        tagLimit = Math.max(tagLimit, full);
        this.statement(`UPDATE runs AS r SET tags = json_insert(r.tags, '$[#]', @tag) WHERE ${lacking} AND json_array_length(r.tags) < ${MAX_RUN_TAGS}`).run({ ...chosen, lower: tag.toLowerCase(), tag });
      }
      return { runs, tagLimit };
    })();
  }

  /** The summaries of these runs (those that exist, not deleted), in the order asked. */
  summaries(ids: readonly string[]): RunSummary[] {
    const found = new Map<string, RunSummary>();
    // SQLite's default limit on bound parameters is 32,766: ask in chunks.
    for (let from = 0; from < ids.length; from += 500) {
      const chunk = ids.slice(from, from + 500);
      // `+`: look the ids up by primary key, not by scanning the index on deleted_at.
      const rows = this.statement(`${SUMMARIES} AND r.id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as RunRow[];
      for (const row of rows) found.set(row.id, toSummary(row));
    }
    return ids.map((id) => found.get(id)).filter((run): run is RunSummary => run !== undefined);
  }

  private where(view: RunsView): { where: string; params: (string | number)[]; filtered: boolean } {
    const parsed = parseRunQuery(view.query);
    if (!parsed.ok) throw new RidgelineError('BAD_REQUEST', `the filter does not parse: ${parsed.error}`);
    const condition = compileRunQuery(parsed.tree);
    // Written as index seeks on runs_table (deleted_at, role, archived, model, lambda, …): role IN, not role !=.
    const toggles = `${view.showCells ? '1' : "r.role IN ('run', 'refit')"} AND ${view.showArchived ? '1' : 'r.archived = 0'}`;
    return { where: `(${toggles} AND ${condition.sql})`, params: condition.params, filtered: parsed.tree.type !== 'all' };
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (stmt) {
      // Most recently used last: the oldest goes first when the cache is full.
      this.statements.delete(sql);
    } else {
      stmt = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value as string);
    }
    this.statements.set(sql, stmt);
    return stmt;
  }
}

/**
 * Whether the view's windows are read straight off an index in its order (unfiltered, by creation time or
 * λ: a few ms at any offset); other views are sorted whole, once per state of the data (RunsPages.order).
 */
function walksIndex(view: RunsView, filtered: boolean): boolean {
  return !filtered && ORDER_INDEX[view.sort.key] !== undefined;
}

/** What a view's whole order is kept by (RunsPages.orders). */
function orderKey(view: RunsView, { where, params }: { where: string; params: (string | number)[] }): string {
  return `${where}\u0000${JSON.stringify(params)}\u0000${view.sort.key} ${view.sort.direction}`;
}

function from(sql: string, table = 'runs r'): string {
  return needsDataset(sql) ? `${table} JOIN datasets d ON d.id = r.dataset_id` : table;
}

/** Nulls last in either direction, then newest first, then id: sortRuns's order. */
function orderBy(sort: RunSort): string {
  const value = SORT_SQL[sort.key];
  if (value === undefined) throw new RidgelineError('BAD_REQUEST', `runs cannot be sorted by "${sort.key}"`);
  const direction = sort.direction === 'asc' ? 'ASC' : 'DESC';
  if (sort.key === 'created') return `r.created_at ${direction}, r.id ASC`;
  return `${NEVER_NULL.has(sort.key) ? '' : `(${value}) IS NULL, `}${value} ${direction}, r.created_at DESC, r.id ASC`;
}
