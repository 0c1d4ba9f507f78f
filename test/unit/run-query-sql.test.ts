/**
 * The filter language evaluated in SQLite (electron/core/db/runQuerySql.ts) against the in-memory
 * evaluator (shared/query/runQuery.ts predicateOf), as a property test: a seeded database of varied runs
 * (every status, names and tags beyond ASCII, notes, archived runs, absent optional hyperparameters,
 * missing results) and seeded random queries over every field and operator, with and/or/not and bare
 * words; each query must select exactly the same runs both ways. Then whole table views (RunsPages: the
 * toggles, the filter and every sort key in both directions, windows at any offset, the counts) against
 * the same computed in memory (the toggles, predicateOf, sortRuns).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../electron/core/appVersion.ts';
import { openStore, type Store } from '../../electron/core/cliStore.ts';
import { compileRunQuery, registerRunQueryFunctions } from '../../electron/core/db/runQuerySql.ts';
import { RunsPages } from '../../electron/core/db/runsPage.ts';
import type { RunsView } from '../../shared/api.ts';
import { HyperparamsSchema, type RunStatus } from '../../shared/domain/runs.ts';
import { Pcg64 } from '../../shared/engine/random/pcg64.ts';
import { parseRunQuery, RUN_QUERY_FIELDS, runQueryFieldKind, type RunQueryNode } from '../../shared/query/runQuery.ts';
import { RUN_SORT_KEYS, sortRuns } from '../../shared/query/runSort.ts';
import { seededOutcome } from '../helpers/seedRuns.ts';

// Beyond ASCII: case folding (ÉTÉ, İ, ß, the Kelvin sign), and characters past U+FFFF (emoji) beside ones
// from U+E000 (fullwidth forms, ligatures), which SQLite and JavaScript order differently. Quotes,
// backslashes and the wildcards of LIKE and GLOB, which must match as themselves.
const NAMES = ['ridge baseline', 'Lasso ÉTÉ', 'ΛΑΜΒΔΑ sweep', 'elastic-net', 'seed run', 'MLP tanh', 'Straße test', 'İstanbul', 'a', '', '😀 smile', '＂fullwidth＂', 'ﬀ ligature', '\u212a kelvin', `it's "quoted"`, 'back\\slash', '100% _x_ *y* [z]'];
const TAGS = ['baseline', 'Ünïcode', 'fast', 'ΔELTA', 'keep', 'wide', '🚀', 'ｗｉｄｅ', "o'clock"];
const NOTES = ['', 'good fit', 'check λ', 'DIVERGED early', 'Größe', 'see "run 4"', '✓ done 😀', 'ﬁne'];
const STATUSES: RunStatus[] = ['completed', 'diverged', 'failed', 'cancelled', 'interrupted', 'running', 'queued'];

let dir: string;
let store: Store;

function pick<T>(rng: Pcg64, items: readonly T[]): T {
  return items[Math.floor(rng.random() * items.length)];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-query-sql-'));
  store = openStore(join(dir, 'runs.db'), 'test');
  registerRunQueryFunctions(store.db);
  // A data set named beyond ASCII, with a quote (bare words and `dataset` search data set names).
  const renamed = store.datasets.list()[1];
  store.db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(`Données "😀" ＡＢ`, renamed.id);
  const datasets = store.datasets.list();
  const rng = Pcg64.fromSeed(17);
  store.db.transaction(() => {
    for (let i = 0; i < 400; i++) {
      const dataset = pick(rng, datasets);
      const model = pick(rng, ['linear', 'logistic', 'mlp'] as const);
      const hyperparams = HyperparamsSchema.parse({
        model,
        lambda: rng.random() < 0.1 ? 0 : 10 ** (-5 + rng.random() * 5),
        alpha: pick(rng, [0, 0.25, 0.5, 1]),
        solver: pick(rng, ['auto', 'gd', 'sgd', 'adam', 'fista', 'cd', 'closed'] as const),
        ...(rng.random() < 0.5 ? { learningRate: pick(rng, [0.1, 0.01, 1e-7]) } : {}),
        ...(rng.random() < 0.5 ? { maxIter: pick(rng, [10, 100, 5000]) } : {}),
        ...(rng.random() < 0.3 ? { tol: pick(rng, [0, 1e-7, 1e-12]) } : {}),
        standardize: rng.random() < 0.5,
        fitIntercept: rng.random() < 0.8,
        seed: Math.floor(rng.random() * 10),
        hidden: pick(rng, [[16], [64, 32], [8, 8, 8]]),
        activation: pick(rng, ['relu', 'tanh'] as const),
        init: pick(rng, ['zeros', 'random'] as const),
        testFraction: pick(rng, [0, 0.2]),
        validationFraction: pick(rng, [0, 0.1]),
      });
      const id = store.runs.create({ name: `${pick(rng, NAMES)} ${i % 7}`, datasetId: dataset.id, datasetHash: dataset.hash, hyperparams, appVersion: APP_VERSION, ownerSession: null });
      const status = pick(rng, STATUSES);
      if (status === 'running') store.runs.markRunning(id);
      else if (status === 'failed' || status === 'cancelled') store.runs.fail(id, status, 'made up');
      else if (status !== 'queued') {
        const outcome = seededOutcome(i, 10 + (i % 40), 'cd');
        store.runs.finish(id, {
          ...outcome,
          status,
          optimumObjective: rng.random() < 0.5 ? null : outcome.optimumObjective,
          testLoss: rng.random() < 0.5 ? null : rng.random(),
          validationLoss: rng.random() < 0.5 ? null : pick(rng, [0.25, 0.5, rng.random()]),
        });
      }
      const tags = TAGS.filter(() => rng.random() < 0.25);
      store.runs.edit({ id, tags, notes: pick(rng, NOTES), archived: rng.random() < 0.15 });
    }
  })();
  // Some runs are sweep cells (hidden unless shown) and ties in creation time (ordered by id).
  const ids = store.runs.list().map((r) => r.id);
  const setRole = store.db.prepare("UPDATE runs SET role = 'cell' WHERE id = ?");
  const setCreated = store.db.prepare('UPDATE runs SET created_at = ? WHERE id = ?');
  ids.forEach((id, i) => {
    if (i % 9 === 0) setRole.run(id);
    if (i % 13 === 0) setCreated.run('2026-01-01T00:00:00.000Z', id);
  });
  // A run stored before testFraction existed (its hyperparameters without the key read as 0).
  const legacy = store.runs.list()[0];
  const stripped = { ...legacy.hyperparams } as Record<string, unknown>;
  delete stripped.testFraction;
  store.db.prepare('UPDATE runs SET hyperparams = ? WHERE id = ?').run(JSON.stringify(stripped), legacy.id);
});

afterAll(() => {
  store?.close('test done');
  rmSync(dir, { recursive: true, force: true });
});

/** Values for each kind of field, including ones that match nothing and boundaries that do. */
const NUMBERS = ['0', '0.25', '1', '1e-3', '0.01', '10', '100', '1.5', '3', '-1', '5000', '0.2', '1e-7', '-0', '1e999', '-1e999'];
const TEXTS = ['linear', 'LOGISTIC', 'mlp', 'cd', 'completed', 'diverged', 'running', 'cell', 'run', 'relu', 'zeros', 'regression', '16', '64,32', 'ét', 'ΛΑΜ', 'straße', 'i̇stanbul', 'seed', 'a', 'm', 'z', '2026', 'diabetes', 'prostate', 'fit', '😀', '＂', 'ﬀ', 'k', "it's", '"quoted"', '\\', '%', '_', '*', '[z]', 'données', '\uffff'];
// 2025-12-31 ends where the runs made at 2026-01-01T00:00 begin: a bare day's bounds, exactly.
const DATES = ['2020-01-01', '2099-01-01', '2025-12-31', 'TODAY', 'NOW'];
const BOOLEANS = ['true', 'false', 'TRUE'];
const NUMBER_OPS = ['=', '!=', '<', '<=', '>', '>='];
const TEXT_OPS = ['=', '!=', '<', '<=', '>', '>=', '~'];

function randomClause(rng: Pcg64, today: string, now: string): string {
  if (rng.random() < 0.12) return quoted(rng, pick(rng, [...TEXTS, ...TAGS, 'Lasso', 'good', 'ΔELTA', 'AB']));
  const field = pick(rng, RUN_QUERY_FIELDS);
  const kind = runQueryFieldKind(field)!;
  switch (kind) {
    case 'number':
      return `${field} ${pick(rng, NUMBER_OPS)} ${pick(rng, NUMBERS)}`;
    case 'boolean':
      return `${field} ${pick(rng, ['=', '!='])} ${pick(rng, BOOLEANS)}`;
    case 'tags':
      return `${field} ${pick(rng, ['=', '!=', '~'])} ${quoted(rng, pick(rng, [...TAGS, 'base', 'KEEP', 'none']))}`;
    case 'date': {
      const value = pick(rng, DATES).replace('TODAY', today).replace('NOW', now);
      return `${field} ${pick(rng, TEXT_OPS)} ${value}`;
    }
    default:
      return `${field} ${pick(rng, TEXT_OPS)} ${quoted(rng, pick(rng, TEXTS))}`;
  }
}

/** A value quoted for the query language: in "…" or '…' (at random), quotes and backslashes escaped. */
function quoted(rng: Pcg64, value: string): string {
  const q = rng.random() < 0.5 ? '"' : "'";
  return q + value.replace(/[\\"']/g, (c) => (c === q || c === '\\' ? `\\${c}` : c)) + q;
}

function randomQuery(rng: Pcg64, depth: number, today: string, now: string): string {
  const r = rng.random();
  if (depth <= 0 || r < 0.45) return randomClause(rng, today, now);
  // Keywords in any case; `or` bare too, so that and/or/not precedence (the parser's) reaches SQL unaided.
  const keyword = (word: string): string => pick(rng, [word, word.toUpperCase(), word[0].toUpperCase() + word.slice(1)]);
  if (r < 0.6) return `${keyword('not')} ${randomQuery(rng, depth - 1, today, now)}`;
  if (r < 0.7) return `(${randomQuery(rng, depth - 1, today, now)} ${keyword('or')} ${randomQuery(rng, depth - 1, today, now)})`;
  if (r < 0.78) return `${randomQuery(rng, depth - 1, today, now)} ${keyword('or')} ${randomQuery(rng, depth - 1, today, now)}`;
  if (r < 0.9) return `${randomQuery(rng, depth - 1, today, now)} ${keyword('and')} ${randomQuery(rng, depth - 1, today, now)}`;
  return `${randomQuery(rng, depth - 1, today, now)} ${randomQuery(rng, depth - 1, today, now)}`;
}

function sqlIds(tree: RunQueryNode): string[] {
  const { sql, params } = compileRunQuery(tree);
  const rows = store.db.prepare(`SELECT r.id FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.deleted_at IS NULL AND (${sql}) ORDER BY r.id`).pluck().all(...params) as string[];
  return rows;
}

describe('the filter language in SQLite', () => {
  it('selects exactly the runs the in-memory evaluator selects, on 1,500 seeded queries over every field and operator', () => {
    const runs = store.runs.list();
    const first = runs.reduce((a, r) => (r.createdAt < a ? r.createdAt : a), runs[0].createdAt);
    const today = first.slice(0, 10);
    const rng = Pcg64.fromSeed(41);
    let nonTrivial = 0;
    const fieldsSeen = new Set<string>();
    for (let q = 0; q < 1500; q++) {
      const text = randomQuery(rng, 3, today, first);
      const parsed = parseRunQuery(text);
      if (!parsed.ok) throw new Error(`generated an invalid query: ${text}: ${parsed.error}`);
      for (const name of RUN_QUERY_FIELDS) if (text.includes(`${name} `)) fieldsSeen.add(name);
      const expected = runs.filter(parsed.predicate).map((r) => r.id).sort();
      const actual = sqlIds(parsed.tree);
      expect(actual, text).toEqual(expected);
      if (expected.length > 0 && expected.length < runs.length) nonTrivial++;
    }
    // The queries must split the runs (not all or nothing) often, and reach every field.
    expect(nonTrivial).toBeGreaterThan(400);
    expect([...RUN_QUERY_FIELDS].filter((f) => !fieldsSeen.has(f))).toEqual([]);
  });

  it('agrees on hand-picked edge cases (Unicode case folding, absent values, legacy rows, instants)', () => {
    const runs = store.runs.list();
    const createdAt = runs[5].createdAt;
    for (const text of [
      'name ~ "été"',
      'name ~ "λαμβδα"',
      'tag = "ünïcode"',
      'tag != baseline',
      'testLoss > 0.5',
      'validationLoss <= 0.5',
      'not valLoss = 0.25',
      'not testLoss > 0.5',
      'gap = 0',
      'suboptimality != 0',
      'testFraction = 0',
      'learningRate = 1e-7',
      'tol = 0',
      'not maxIter > 1',
      'hidden = "8,8,8"',
      'finished < 2099-01-01',
      'not finished < 2099-01-01',
      `created = ${createdAt}`,
      `created <= ${createdAt}`,
      `created > ${createdAt}`,
      'sweep = ""',
      'not sweep ~ ""',
      'dataset = diabetes',
      '"" and archived = true',
      'standardize != true',
      // JavaScript's order of text (UTF-16): an emoji before U+E000–U+FFFF, where SQLite's puts it after.
      'name < "＂"',
      'name > "😀"',
      'name >= "ﬀ"',
      'notes < "✓"',
      'dataset > "données"',
      `name ~ "it's"`,
      `"\\"quoted\\""`,
      'name ~ "%" or name ~ "_" or name ~ "*" or name ~ "["',
    ]) {
      const parsed = parseRunQuery(text);
      expect(parsed.ok, text).toBe(true);
      if (!parsed.ok) continue;
      expect(sqlIds(parsed.tree), text).toEqual(runs.filter(parsed.predicate).map((r) => r.id).sort());
    }
  });
});

describe('runs table views in SQLite', () => {
  it('count, order and window the runs exactly as the in-memory table does, for every sort key and direction', () => {
    const pages = new RunsPages(store.db);
    const all = store.runs.list();
    const first = all.reduce((a, r) => (r.createdAt < a ? r.createdAt : a), all[0].createdAt);
    const rng = Pcg64.fromSeed(5);
    for (let v = 0; v < 120; v++) {
      const view: RunsView = {
        query: v % 4 === 0 ? '' : randomQuery(rng, 2, first.slice(0, 10), first),
        sort: { key: RUN_SORT_KEYS[v % RUN_SORT_KEYS.length], direction: rng.random() < 0.5 ? 'asc' : 'desc' },
        showCells: rng.random() < 0.5,
        showArchived: rng.random() < 0.5,
      };
      const parsed = parseRunQuery(view.query);
      if (!parsed.ok) throw new Error(parsed.error);
      const shown = all.filter((run) => (view.showCells || run.role !== 'cell') && (view.showArchived || !run.archived));
      const expected = sortRuns(shown.filter(parsed.predicate), view.sort).map((r) => r.id);
      const what = JSON.stringify(view);
      const offset = Math.floor(rng.random() * Math.max(1, expected.length));
      // A window of a view seen for the first time (unfiltered: a top-k sort in SQL), then the view's whole
      // order (kept, and windows then sliced from it).
      expect(new RunsPages(store.db).page(view, offset, 37).rows.map((r) => r.id), what).toEqual(expected.slice(offset, offset + 37));
      expect(pages.ids(view), what).toEqual(expected);
      const page = pages.page(view, offset, 37);
      expect(page.rows.map((r) => r.id), what).toEqual(expected.slice(offset, offset + 37));
      expect(page.matching, what).toBe(expected.length);
      expect(page.total, what).toBe(view.showCells ? all.length : all.filter((r) => r.role !== 'cell').length);
      expect(page.archived, what).toBe(all.filter((r) => r.archived).length);
      // Rows are whole summaries, the same the store lists.
      for (const row of page.rows) expect(row).toEqual(all.find((r) => r.id === row.id));
    }
  });

  it('counts anew after a change by this connection or by another process (the counts are cached between changes)', () => {
    const pages = new RunsPages(store.db);
    const view: RunsView = { query: 'model = linear', sort: { key: 'created', direction: 'desc' }, showCells: true, showArchived: true };
    const before = pages.page(view, 0, 5);
    expect(pages.page(view, 5, 5).matching).toBe(before.matching);
    const dataset = store.datasets.list()[0];
    const hyperparams = HyperparamsSchema.parse({ model: 'linear', lambda: 0.1, alpha: 0, solver: 'cd' });
    const mine = store.runs.create({ name: 'counted', datasetId: dataset.id, datasetHash: dataset.hash, hyperparams, appVersion: APP_VERSION, ownerSession: null });
    const after = pages.page(view, 0, 5);
    expect([after.matching, after.total]).toEqual([before.matching + 1, before.total + 1]);
    // Another process: its own connection to the same file.
    const other = openStore(join(dir, 'runs.db'), 'other');
    try {
      other.runs.create({ name: 'counted elsewhere', datasetId: dataset.id, datasetHash: dataset.hash, hyperparams, appVersion: APP_VERSION, ownerSession: null });
    } finally {
      other.close('done');
    }
    const later = pages.page(view, 0, 5);
    expect([later.matching, later.total]).toEqual([before.matching + 2, before.total + 2]);
    store.runs.softDelete([mine]);
    expect(pages.page(view, 0, 5).matching).toBe(before.matching + 1);
  });

  it('gives summaries by id in the order asked, skipping ids that do not exist', () => {
    const pages = new RunsPages(store.db);
    const all = store.runs.list();
    const asked = [all[7].id, 'run_missing', all[2].id, all[300].id];
    expect(pages.summaries(asked).map((r) => r.id)).toEqual([all[7].id, all[2].id, all[300].id]);
  });

  it('refuses a filter that does not parse and a sort key it does not know, with a code', () => {
    const pages = new RunsPages(store.db);
    const view: RunsView = { query: 'lambda <', sort: { key: 'name', direction: 'asc' }, showCells: false, showArchived: false };
    expect(() => pages.page(view, 0, 10)).toThrow(/filter does not parse/);
    expect(() => pages.page({ ...view, query: '', sort: { key: 'bogus' as never, direction: 'asc' } }, 0, 10)).toThrow(/cannot be sorted/);
  });
});
