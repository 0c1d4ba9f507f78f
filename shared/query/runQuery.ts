/**
 * The runs table's filter language. Clauses `field op value` (op: = != < <= > >= ~) or bare words and
 * "quoted phrases" (text match on name, tags, notes, data set), joined by `and` / `or` (and binds
 * tighter; two clauses side by side mean and), negated with `not`, grouped with parentheses:
 *
 *   lambda < 0.1 and model = logistic      status = diverged or not tag = baseline      ridge "seed run"
 *
 * Parsing happens once per edit of the filter and gives a tree (RunQueryNode) with every value checked
 * and normalized; it is evaluated two ways, with the same meaning: predicateOf gives a closure tree for
 * runs in memory (one cheap call per run), and the database compiles it to SQL (electron/core/db/
 * runQuerySql.ts) so that a table of 100,000 runs is filtered where it is stored. Positions in messages
 * count characters from 1.
 */
import { HyperparamsSchema, type RunSummary } from '../domain/runs.ts';

export type RunPredicate = (run: RunSummary) => boolean;
export type RunQueryResult = { ok: true; predicate: RunPredicate; tree: RunQueryNode } | { ok: false; error: string; position: number };

export type RunQueryOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';
type Op = RunQueryOp;
export type RunFieldKind = 'number' | 'text' | 'tags' | 'boolean' | 'date';
type Kind = RunFieldKind;

/**
 * A parsed query. Clauses name their field by its canonical spelling (RUN_QUERY_FIELDS) and carry their
 * value checked and normalized: text and tags lower-cased; a date as the instant range [lo, hi) it means
 * (lo = hi for an instant; a bare day is the whole UTC day), in ms since the epoch.
 */
export type RunQueryNode =
  | { type: 'all' }
  | { type: 'and' | 'or'; parts: RunQueryNode[] }
  | { type: 'not'; inner: RunQueryNode }
  | { type: 'words'; needle: string }
  | { type: 'number'; field: string; op: Exclude<Op, '~'>; value: number }
  | { type: 'boolean'; field: string; op: '=' | '!='; value: boolean }
  | { type: 'date'; field: string; op: Exclude<Op, '~'>; lo: number; hi: number }
  | { type: 'tags'; field: string; op: '=' | '!=' | '~'; value: string }
  | { type: 'text'; field: string; op: Op; value: string };

interface Field {
  name: string;
  kind: Kind;
  get: (run: RunSummary) => unknown;
}

const hp = (key: string) => (run: RunSummary) => (run.hyperparams as Record<string, unknown>)[key];

/** Fields by their lower-case name; aliases point at the same accessor. */
const FIELDS = new Map<string, Field>();
const CANONICAL: string[] = [];

function field(names: string[], kind: Kind, get: (run: RunSummary) => unknown): void {
  CANONICAL.push(names[0]);
  for (const name of names) FIELDS.set(name.toLowerCase(), { name: names[0], kind, get });
}

/** A field's kind by its canonical name (what a RunQueryNode names), for evaluators of the tree. */
export function runQueryFieldKind(name: string): Kind | undefined {
  return FIELDS.get(name.toLowerCase())?.kind;
}

field(['lambda', 'λ'], 'number', (r) => r.hyperparams.lambda);
field(['alpha', 'α'], 'number', (r) => r.hyperparams.alpha);
field(['model'], 'text', (r) => r.hyperparams.model);
field(['solver'], 'text', (r) => r.hyperparams.solver);
field(['status'], 'text', (r) => r.status);
field(['dataset', 'data'], 'text', (r) => [r.datasetName, r.datasetId]);
field(['name'], 'text', (r) => r.name);
field(['id'], 'text', (r) => r.id);
field(['notes', 'note'], 'text', (r) => r.notes);
field(['tag', 'tags'], 'tags', (r) => r.tags);
field(['iterations', 'iter'], 'number', (r) => r.iterations);
field(['objective', 'J'], 'number', (r) => r.final.objective);
field(['dataLoss'], 'number', (r) => r.final.dataLoss);
field(['testLoss'], 'number', (r) => r.final.testLoss ?? null);
field(['validationLoss', 'valLoss'], 'number', (r) => r.final.validationLoss ?? null);
field(['penalty'], 'number', (r) => r.final.penalty);
field(['suboptimality', 'gap'], 'number', (r) => r.final.suboptimality);
field(['nonzero', 'nonzeros', 'nnz'], 'number', (r) => r.final.nonzero);
field(['created', 'createdAt'], 'date', (r) => r.createdAt);
field(['finished', 'finishedAt'], 'date', (r) => r.finishedAt);
field(['duration', 'fitMs'], 'number', (r) => r.fitMs);
field(['role'], 'text', (r) => r.role);
field(['archived'], 'boolean', (r) => r.archived);
field(['sweep', 'sweepId'], 'text', (r) => r.sweepId);

// Every other hyperparameter by its own name, typed from the schema's defaults and kinds.
const NUMERIC_HYPERPARAMS = ['learningRate', 'seed', 'maxIter', 'tol', 'batchSize', 'momentum', 'lrDecay', 'validationFraction', 'testFraction'];
const BOOLEAN_HYPERPARAMS = ['standardize', 'fitIntercept'];
for (const key of Object.keys(HyperparamsSchema.shape)) {
  if (FIELDS.has(key.toLowerCase())) continue;
  if (NUMERIC_HYPERPARAMS.includes(key)) field([key], 'number', hp(key));
  else if (BOOLEAN_HYPERPARAMS.includes(key)) field([key], 'boolean', hp(key));
  else if (key === 'hidden') field([key], 'text', (r) => r.hyperparams.hidden.join(','));
  else field([key], 'text', hp(key));
}

/** The field names the language knows (canonical spellings), for help text and errors. */
export const RUN_QUERY_FIELDS: readonly string[] = CANONICAL;

// ---- tokens ----

type Token =
  | { t: 'word'; text: string; pos: number }
  | { t: 'string'; text: string; pos: number }
  | { t: 'op'; op: Op; pos: number }
  | { t: '(' | ')'; pos: number }
  | { t: 'end'; pos: number };

class QueryError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const SPECIAL = new Set(['(', ')', '"', "'", '=', '!', '<', '>', '~']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ t: c, pos: i });
      i++;
    } else if (c === '"' || c === "'") {
      const start = i;
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw new QueryError(`unclosed quote: the ${c} at position ${start + 1} has no closing ${c}`, start);
      i++;
      tokens.push({ t: 'string', text: value, pos: start });
    } else if (c === '=' || c === '<' || c === '>' || c === '~' || c === '!') {
      const two = text.slice(i, i + 2);
      let op: Op;
      if (two === '<=' || two === '>=' || two === '!=') op = two;
      else if (two === '==') op = '=';
      else if (c === '!') throw new QueryError(`"!" at position ${i + 1} must be followed by "=" (use "not" to negate)`, i);
      else op = c as Op;
      tokens.push({ t: 'op', op, pos: i });
      i += op.length === 2 || two === '==' ? 2 : 1;
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i]) && !SPECIAL.has(text[i])) i++;
      tokens.push({ t: 'word', text: text.slice(start, i), pos: start });
    }
  }
  tokens.push({ t: 'end', pos: text.length });
  return tokens;
}

// ---- parser: or → and → not → primary ----

class Parser {
  private k = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.k];
  }
  private next(): Token {
    return this.tokens[this.k++];
  }
  private isKeyword(token: Token, word: string): boolean {
    return token.t === 'word' && token.text.toLowerCase() === word;
  }
  /** A token that can start a clause: what makes `a b` mean `a and b`. */
  private startsClause(token: Token): boolean {
    return token.t === 'string' || token.t === '(' || (token.t === 'word' && !this.isKeyword(token, 'and') && !this.isKeyword(token, 'or'));
  }

  parse(): RunQueryNode {
    if (this.peek().t === 'end') return { type: 'all' };
    const predicate = this.or();
    const rest = this.peek();
    if (rest.t === ')') throw new QueryError(`unexpected ")" at position ${rest.pos + 1}: no "(" to close`, rest.pos);
    if (rest.t !== 'end') throw new QueryError(`unexpected ${describe(rest)} at position ${rest.pos + 1}`, rest.pos);
    return predicate;
  }

  private or(): RunQueryNode {
    const parts = [this.and()];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0] : { type: 'or', parts };
  }

  private and(): RunQueryNode {
    const parts = [this.not()];
    for (;;) {
      const token = this.peek();
      if (this.isKeyword(token, 'and')) this.next();
      else if (!this.startsClause(token)) break;
      parts.push(this.not());
    }
    return parts.length === 1 ? parts[0] : { type: 'and', parts };
  }

  private not(): RunQueryNode {
    if (this.isKeyword(this.peek(), 'not')) {
      this.next();
      return { type: 'not', inner: this.not() };
    }
    return this.primary();
  }

  private primary(): RunQueryNode {
    const token = this.next();
    if (token.t === '(') {
      const inner = this.or();
      const close = this.next();
      if (close.t !== ')') {
        if (close.t === 'end') throw new QueryError(`unclosed parenthesis: the "(" at position ${token.pos + 1} is never closed`, token.pos);
        throw new QueryError(`expected ")" at position ${close.pos + 1} to close the "(" at position ${token.pos + 1}, found ${describe(close)}`, close.pos);
      }
      return inner;
    }
    if (token.t === 'string') return { type: 'words', needle: token.text.toLowerCase() };
    if (token.t === 'word') {
      if (this.isKeyword(token, 'and') || this.isKeyword(token, 'or')) {
        throw new QueryError(`"${token.text}" at position ${token.pos + 1} needs a condition before it`, token.pos);
      }
      const op = this.peek();
      if (op.t !== 'op') return { type: 'words', needle: token.text.toLowerCase() };
      this.next();
      const value = this.next();
      if (value.t !== 'word' && value.t !== 'string') {
        throw new QueryError(`expected a value after "${op.op}" at position ${op.pos + 1}${value.t === 'end' ? ', found the end of the query' : `, found ${describe(value)}`}`, value.pos);
      }
      return clause(token.text, token.pos, op.op, value.text, value.pos);
    }
    if (token.t === 'end') throw new QueryError('the query ends where a condition was expected', token.pos);
    if (token.t === 'op') throw new QueryError(`unexpected "${token.op}" at position ${token.pos + 1}: a field name goes before it`, token.pos);
    throw new QueryError(`unexpected ")" at position ${token.pos + 1}`, token.pos);
  }
}

function describe(token: Token): string {
  switch (token.t) {
    case 'word':
      return `"${token.text}"`;
    case 'string':
      return `"${token.text}" (quoted)`;
    case 'op':
      return `"${token.op}"`;
    case 'end':
      return 'the end of the query';
    default:
      return `"${token.t}"`;
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The clause `name op raw`, checked against its field's kind, as a node. */
function clause(name: string, namePos: number, op: Op, raw: string, valuePos: number): RunQueryNode {
  const f = FIELDS.get(name.toLowerCase());
  if (f === undefined) {
    throw new QueryError(`unknown field "${name}" at position ${namePos + 1}; known fields: ${CANONICAL.join(', ')}`, namePos);
  }
  const at = `at position ${valuePos + 1}`;
  switch (f.kind) {
    case 'number': {
      if (op === '~') throw new QueryError(`"~" (contains) works on text; ${name} is a number: use = < <= > >= or !=`, namePos);
      if (!NUMBER.test(raw)) throw new QueryError(`bad number "${raw}" ${at} for ${name} (write e.g. 0.1 or 1e-4)`, valuePos);
      return { type: 'number', field: f.name, op, value: Number(raw) };
    }
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v !== 'true' && v !== 'false') throw new QueryError(`${name} is true or false, not "${raw}" (${at})`, valuePos);
      if (op !== '=' && op !== '!=') throw new QueryError(`${name} takes = or != (it is true or false)`, namePos);
      return { type: 'boolean', field: f.name, op, value: v === 'true' };
    }
    case 'date': {
      if (op === '~') return { type: 'text', field: f.name, op, value: raw.toLowerCase() };
      const t = Date.parse(raw);
      if (Number.isNaN(t)) throw new QueryError(`bad date "${raw}" ${at} for ${name} (write e.g. 2026-11-28 or 2026-11-28T14:00)`, valuePos);
      // A bare day means the whole (UTC) day: created = 2026-11-28 matches any time that day.
      const [lo, hi] = DATE_ONLY.test(raw) ? [t, t + DAY_MS] : [t, t];
      return { type: 'date', field: f.name, op, lo, hi };
    }
    case 'tags': {
      if (op !== '=' && op !== '!=' && op !== '~') throw new QueryError(`${name} takes =, != or ~ (tags have no order)`, namePos);
      return { type: 'tags', field: f.name, op, value: raw.toLowerCase() };
    }
    default:
      return { type: 'text', field: f.name, op, value: raw.toLowerCase() };
  }
}

// ---- evaluation in memory ----

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return false;
  }
}

/** Whether the instant a (ms) satisfies `op` against the range [lo, hi) (an instant when lo = hi). */
export function dateMatches(a: number, op: Exclude<Op, '~'>, lo: number, hi: number): boolean {
  switch (op) {
    case '=':
      return lo === hi ? a === lo : a >= lo && a < hi;
    case '!=':
      return lo === hi ? a !== lo : a < lo || a >= hi;
    case '<':
      return a < lo;
    case '<=':
      return lo === hi ? a <= lo : a < hi;
    case '>':
      return lo === hi ? a > lo : a >= hi;
    default:
      return a >= lo;
  }
}

/** Text compares ignore case; a field with several values (the data set's name and id) matches on any. */
function textTest(op: Op, v: string): (a: string) => boolean {
  switch (op) {
    case '~':
      return (a) => a.includes(v);
    case '<':
      return (a) => a < v;
    case '<=':
      return (a) => a <= v;
    case '>':
      return (a) => a > v;
    case '>=':
      return (a) => a >= v;
    default:
      return (a) => a === v;
  }
}

/** The predicate of a parsed query, for runs in memory. */
export function predicateOf(node: RunQueryNode): RunPredicate {
  switch (node.type) {
    case 'all':
      return () => true;
    case 'and': {
      const parts = node.parts.map(predicateOf);
      return (run) => parts.every((p) => p(run));
    }
    case 'or': {
      const parts = node.parts.map(predicateOf);
      return (run) => parts.some((p) => p(run));
    }
    case 'not': {
      const inner = predicateOf(node.inner);
      return (run) => !inner(run);
    }
    case 'words': {
      const n = node.needle;
      return (run) =>
        run.name.toLowerCase().includes(n) ||
        run.datasetName.toLowerCase().includes(n) ||
        run.notes.toLowerCase().includes(n) ||
        run.tags.some((tag) => tag.toLowerCase().includes(n));
    }
    case 'number': {
      const { get } = FIELDS.get(node.field.toLowerCase())!;
      const { op, value } = node;
      return (run) => {
        const a = get(run);
        return typeof a === 'number' && compare(a, op, value);
      };
    }
    case 'boolean': {
      const { get } = FIELDS.get(node.field.toLowerCase())!;
      const { op, value } = node;
      return (run) => (get(run) === value) === (op === '=');
    }
    case 'date': {
      const { get } = FIELDS.get(node.field.toLowerCase())!;
      const { op, lo, hi } = node;
      return (run) => {
        const value = get(run);
        if (typeof value !== 'string') return false;
        const a = Date.parse(value);
        return !Number.isNaN(a) && dateMatches(a, op, lo, hi);
      };
    }
    case 'tags': {
      const v = node.value;
      if (node.op === '=') return (run) => run.tags.some((tag) => tag.toLowerCase() === v);
      if (node.op === '!=') return (run) => !run.tags.some((tag) => tag.toLowerCase() === v);
      return (run) => run.tags.some((tag) => tag.toLowerCase().includes(v));
    }
    case 'text': {
      const { get } = FIELDS.get(node.field.toLowerCase())!;
      const test = textTest(node.op, node.value);
      const negate = node.op === '!=';
      return (run) => {
        const value = get(run);
        const values = (Array.isArray(value) ? value : [value]).filter((x): x is string | number => typeof x === 'string' || typeof x === 'number').map((x) => String(x).toLowerCase());
        return negate ? !values.some(test) : values.some(test);
      };
    }
  }
}

export function parseRunQuery(text: string): RunQueryResult {
  try {
    const tree = new Parser(tokenize(text)).parse();
    return { ok: true, predicate: predicateOf(tree), tree };
  } catch (error) {
    if (error instanceof QueryError) return { ok: false, error: error.message, position: error.position };
    throw error;
  }
}
