/**
 * The runs table's filter language (shared/query/runQuery.ts) evaluated in SQLite: a parsed query tree
 * compiled to a WHERE clause over `runs r JOIN datasets d`, with the same meaning as the in-memory
 * predicate (predicateOf) for every run (a property test compares the two on seeded queries). So a table
 * of 100,000 runs is filtered, counted and sorted where it is stored, and only the rows shown travel.
 *
 * Where SQLite's own semantics differ from JavaScript's, functions registered on the connection
 * (registerRunQueryFunctions) do it the JavaScript way: case folding beyond ASCII (String.toLowerCase),
 * Date.parse for instants, String(number) for numbers compared as text. Columns known to hold ASCII only
 * (model, solver, status, role, ids) use SQLite's lower(), which then folds exactly the same, and is cheaper.
 * Text is ordered as JavaScript orders strings (by UTF-16 code units, where SQLite orders by code points: they
 * differ between characters beyond U+FFFF, emoji say, and those from U+E000 to U+FFFF): `<`, `>` and the
 * sort keys of the runs table compare `ordered` keys, which put the two in JavaScript's order.
 * Every leaf is 0 or 1, never NULL (a leaf that could be NULL is wrapped in coalesce): `not` then negates
 * as JavaScript's `!` does. Leaves on NOT NULL columns stay plain comparisons (`r.model = ?`,
 * `r.lambda < ?`), which SQLite can answer from an index (migration 12's runs_table).
 */
import type Database from 'better-sqlite3';
import type { RunQueryNode } from '../../../shared/query/runQuery.ts';

/** SQL of a condition and its positional parameters. */
export interface SqlCondition {
  sql: string;
  params: (string | number)[];
}

/** JavaScript's lower-casing (SQLite's lower() folds ASCII only). */
const LOWER = 'rl_lower';

/**
 * x lower-cased as JavaScript does: SQLite's lower() where x is printable ASCII (the same result, without a
 * call into JavaScript per row), rl_lower otherwise.
 */
export function folded(x: string): string {
  return `(CASE WHEN ${x} GLOB '*[^ -~]*' THEN ${LOWER}(${x}) ELSE lower(${x}) END)`;
}
/** rl_lower, then orderKey: text comparable in JavaScript's order by SQLite's (binary) comparison. */
const ORDER = 'rl_order';

/**
 * x lower-cased as JavaScript does, as a key whose binary (code point) order is JavaScript's order of the
 * lower-cased strings: for comparisons and sorting. Printable ASCII is its own key.
 */
export function ordered(x: string): string {
  return `(CASE WHEN ${x} GLOB '*[^ -~]*' THEN ${ORDER}(${x}) ELSE lower(${x}) END)`;
}

/** What a character from U+E000 to U+FFFF, and U+10FFFF, are written with in an order key. */
const ORDER_ESCAPE = String.fromCodePoint(0x10ffff);

/**
 * A key for `text` whose order by code points (SQLite's order of text, UTF-8 bytes) is the order of the
 * texts by UTF-16 code units (JavaScript's `<`). The two orders differ only in where characters beyond
 * U+FFFF (surrogate pairs in UTF-16) go: before U+E000–U+FFFF in JavaScript, after them by code point. So
 * those are written as U+10FFFF then themselves, after every other character beyond U+FFFF; U+10FFFF itself
 * as U+10FFFF then U+0001, before them. No key is a prefix of another's: the order of texts is kept.
 */
export function orderKey(text: string): string {
  // Only characters from U+E000 on need a new spelling; most text has none.
  if (!/[\ue000-\uffff]|\udbff\udfff/.test(text)) return text;
  let key = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xe000 && code <= 0xffff) key += ORDER_ESCAPE + char;
    else if (code === 0x10ffff) key += ORDER_ESCAPE + '\u0001';
    else key += char;
  }
  return key;
}

/** Date.parse of an instant stored as text, or NULL. */
const INSTANT = 'rl_instant';
/** String(x).toLowerCase() of a number or string, as the in-memory text compare sees it; NULL otherwise. */
const TEXT = 'rl_text';

/** Registers the functions the compiled queries call; once per connection. */
export function registerRunQueryFunctions(db: Database.Database): void {
  db.function(LOWER, { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : null));
  db.function(ORDER, { deterministic: true }, (value: unknown) => (typeof value === 'string' ? orderKey(value.toLowerCase()) : null));
  db.function(INSTANT, { deterministic: true }, (value: unknown) => {
    if (typeof value !== 'string') return null;
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  });
  db.function(TEXT, { deterministic: true }, (value: unknown) => (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value).toLowerCase() : null));
}

const json = (key: string, type: string): string => `json_type(r.hyperparams, '$.${key}') ${type}`;
/** A numeric hyperparameter: its value when the JSON holds a number, else NULL (typeof … === 'number'). */
const numericHyperparam = (key: string): string => `(CASE WHEN ${json(key, "IN ('integer', 'real')")} THEN json_extract(r.hyperparams, '$.${key}') END)`;
/** A boolean hyperparameter: 1 or 0 when the JSON holds true or false, else NULL. */
const booleanHyperparam = (key: string): string => `(CASE json_type(r.hyperparams, '$.${key}') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`;

/** Number fields stored in NOT NULL columns: their comparisons are never NULL. */
const NUMBER_NOT_NULL: ReadonlySet<string> = new Set(['lambda', 'alpha', 'iterations']);

/** SQL expressions of the number fields (NULL where the run has no number). */
const NUMBER_FIELDS: Record<string, string> = {
  lambda: 'r.lambda',
  alpha: 'r.alpha',
  iterations: 'r.iterations',
  objective: 'r.final_objective',
  dataLoss: 'r.final_data_loss',
  testLoss: 'r.final_test_loss',
  validationLoss: 'r.final_validation_loss',
  penalty: 'r.final_penalty',
  suboptimality: '(r.final_objective - r.optimum_objective)',
  nonzero: 'r.final_nonzero',
  duration: 'r.fit_ms',
  // Runs stored before testFraction existed read as 0 (runsStore's toSummary), an explicit null as null.
  testFraction: `(CASE WHEN json_type(r.hyperparams, '$.testFraction') IS NULL THEN 0 ELSE ${numericHyperparam('testFraction')} END)`,
};

const BOOLEAN_FIELDS: Record<string, string> = {
  archived: 'r.archived',
};

/**
 * Text fields stored lower-case in NOT NULL columns (enums the schema checks): compared as they are, no
 * folding and never NULL.
 */
const LOWER_CASE_ENUMS: Record<string, string> = { model: 'r.model', solver: 'r.solver', status: 'r.status', role: 'r.role' };

/** Text fields: their values (any may match), and whether SQLite's ASCII lower() folds them exactly. */
const TEXT_FIELDS: Record<string, { values: string[]; ascii: boolean }> = {
  id: { values: ['r.id'], ascii: true },
  sweep: { values: ['r.sweep_id'], ascii: true },
  dataset: { values: ['d.name', 'r.dataset_id'], ascii: false },
  name: { values: ['r.name'], ascii: false },
  notes: { values: ['r.notes'], ascii: false },
  // A date compared as text (`created ~ 2026-11`).
  created: { values: ['r.created_at'], ascii: true },
  finished: { values: ['r.finished_at'], ascii: true },
  hidden: { values: [`(SELECT group_concat(value, ',') FROM json_each(r.hyperparams, '$.hidden'))`], ascii: true },
};

const DATE_FIELDS: Record<string, string> = {
  created: 'r.created_at',
  finished: 'r.finished_at',
};

function numberExpr(field: string): string {
  return NUMBER_FIELDS[field] ?? numericHyperparam(field);
}

function booleanExpr(field: string): string {
  return BOOLEAN_FIELDS[field] ?? booleanHyperparam(field);
}

/**
 * The lower-cased text of a text field's value expression, as predicateOf compares it; as an order key
 * (`ordered`) for `<` `<=` `>` `>=`.
 */
function foldedTexts(field: string, forOrder: boolean): string[] {
  const known = TEXT_FIELDS[field];
  if (known) return known.values.map((v) => (known.ascii ? `lower(${v})` : forOrder ? ordered(v) : folded(v)));
  // Other hyperparameters (init, activation, task): strings, or numbers written as JavaScript writes them.
  return [`(CASE WHEN ${json(field, "IN ('text', 'integer', 'real')")} THEN ${TEXT}(json_extract(r.hyperparams, '$.${field}')) END)`];
}

const COMPARISON: Record<string, string> = { '=': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** `coalesce(…, 0)`: a leaf is 0 or 1, never NULL. */
const leaf = (sql: string): string => `coalesce((${sql}), 0)`;

/** Compiles a parsed query to a condition on `runs r JOIN datasets d ON d.id = r.dataset_id`. */
export function compileRunQuery(node: RunQueryNode): SqlCondition {
  const params: (string | number)[] = [];
  const sql = compile(node, params);
  return { sql, params };
}

function compile(node: RunQueryNode, params: (string | number)[]): string {
  switch (node.type) {
    case 'all':
      return '1';
    case 'and':
    case 'or':
      return `(${node.parts.map((part) => compile(part, params)).join(node.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${compile(node.inner, params)})`;
    case 'words': {
      params.push(node.needle, node.needle, node.needle, node.needle);
      // The data sets whose names match are found once (there are few), not per run through a join.
      return leaf(
        `instr(${folded('r.name')}, ?) > 0 OR r.dataset_id IN (SELECT id FROM datasets WHERE instr(${folded('name')}, ?) > 0) OR instr(${folded('r.notes')}, ?) > 0 OR ` +
          `(r.tags != '[]' AND EXISTS (SELECT 1 FROM json_each(r.tags) WHERE instr(${folded('value')}, ?) > 0))`,
      );
    }
    case 'number': {
      const expr = numberExpr(node.field);
      params.push(node.value);
      if (NUMBER_NOT_NULL.has(node.field)) return `${expr} ${COMPARISON[node.op]} ?`;
      return leaf(`${expr} IS NOT NULL AND ${expr} ${COMPARISON[node.op]} ?`);
    }
    case 'boolean': {
      params.push(node.value ? 1 : 0);
      const equal = leaf(`${booleanExpr(node.field)} = ?`);
      return node.op === '=' ? equal : `(NOT ${equal})`;
    }
    case 'date': {
      const at = `${INSTANT}(${DATE_FIELDS[node.field]})`;
      const { lo, hi } = node;
      const instant = lo === hi;
      const range = (sql: string, ...values: number[]): string => {
        params.push(...values);
        return leaf(`${at} IS NOT NULL AND (${sql})`);
      };
      switch (node.op) {
        case '=':
          return instant ? range(`${at} = ?`, lo) : range(`${at} >= ? AND ${at} < ?`, lo, hi);
        case '!=':
          return instant ? range(`${at} != ?`, lo) : range(`${at} < ? OR ${at} >= ?`, lo, hi);
        case '<':
          return range(`${at} < ?`, lo);
        case '<=':
          return instant ? range(`${at} <= ?`, lo) : range(`${at} < ?`, hi);
        case '>':
          return instant ? range(`${at} > ?`, lo) : range(`${at} >= ?`, hi);
        default:
          return range(`${at} >= ?`, lo);
      }
    }
    case 'tags': {
      params.push(node.value);
      const test = node.op === '~' ? `instr(${folded('value')}, ?) > 0` : `${folded('value')} = ?`;
      const any = `(r.tags != '[]' AND EXISTS (SELECT 1 FROM json_each(r.tags) WHERE ${test}))`;
      return node.op === '!=' ? `(NOT ${any})` : leaf(any);
    }
    case 'text': {
      const column = LOWER_CASE_ENUMS[node.field];
      if (column !== undefined) {
        params.push(node.value);
        if (node.op === '~') return `instr(${column}, ?) > 0`;
        return `${column} ${COMPARISON[node.op]} ?`;
      }
      const forOrder = node.op === '<' || node.op === '<=' || node.op === '>' || node.op === '>=';
      const tests = foldedTexts(node.field, forOrder).map((value) => {
        // Order keys of ASCII (ids, dates, enums) are the text itself.
        params.push(forOrder ? orderKey(node.value) : node.value);
        if (node.op === '~') return leaf(`instr(${value}, ?) > 0`);
        const op = node.op === '!=' ? '=' : COMPARISON[node.op];
        return leaf(`${value} ${op} ?`);
      });
      const any = tests.length === 1 ? tests[0] : `(${tests.join(' OR ')})`;
      return node.op === '!=' ? `(NOT ${any})` : any;
    }
  }
}
