// The runs table's filter language (shared/query/runQuery.ts): each case filters a small hand-made set
// of runs and names exactly which ones must pass, so a wrong precedence or comparison shows as a diff.
import { describe, expect, it } from 'vitest';
import { HyperparamsSchema, type RunSummary } from '../../shared/domain/runs.ts';
import { parseRunQuery, RUN_QUERY_FIELDS } from '../../shared/query/runQuery.ts';

function run(id: string, over: Partial<Omit<RunSummary, 'hyperparams'>> & { hp?: Record<string, unknown> } = {}): RunSummary {
  const { hp, ...rest } = over;
  return {
    id,
    name: id,
    status: 'completed',
    datasetId: 'builtin:diabetes',
    datasetName: 'diabetes',
    hyperparams: HyperparamsSchema.parse({ model: 'linear', lambda: 0.1, alpha: 0, solver: 'closed', ...hp }),
    createdAt: '2026-11-28T10:00:00.000Z',
    finishedAt: '2026-11-28T10:00:01.000Z',
    iterations: 100,
    final: { objective: 1, dataLoss: 0.9, penalty: 0.1, optimumObjective: 1, suboptimality: 0, nonzero: 10, testLoss: null },
    sweepId: null,
    role: 'run',
    tags: [],
    notes: '',
    archived: false,
    fitMs: 12,
    ...rest,
  };
}

const RUNS: RunSummary[] = [
  run('a', { name: 'ridge small', hp: { lambda: 0.01 }, tags: ['baseline'] }),
  run('b', { name: 'ridge big', hp: { lambda: 10, learningRate: 0.5, solver: 'gd' }, status: 'diverged' }),
  run('c', { name: 'logit one', hp: { model: 'logistic', lambda: 1e-4, alpha: 1, solver: 'fista' }, datasetName: 'logistic_synth', notes: 'seed run of the week' }),
  run('d', { name: 'logit two', hp: { model: 'logistic', lambda: 0.5, alpha: 0.5, seed: 7 }, archived: true, createdAt: '2026-11-27T23:59:59.000Z', tags: ['Candidate', 'baseline-2'] }),
  run('e', { name: 'cell', role: 'cell', final: { objective: null, dataLoss: null, penalty: null, optimumObjective: null, suboptimality: null, nonzero: null, testLoss: null }, fitMs: null }),
];

function ids(query: string): string[] {
  const result = parseRunQuery(query);
  if (!result.ok) throw new Error(`expected "${query}" to parse: ${result.error}`);
  return RUNS.filter(result.predicate).map((r) => r.id);
}

function error(query: string): string {
  const result = parseRunQuery(query);
  if (result.ok) throw new Error(`expected "${query}" to be refused`);
  return result.error;
}

describe('parseRunQuery', () => {
  it('matches everything when empty', () => expect(ids('   ')).toEqual(['a', 'b', 'c', 'd', 'e']));
  it('compares numbers and text with and', () => expect(ids('lambda < 0.1 and model = logistic')).toEqual(['c']));
  it('reads 1e-4 style numbers', () => {
    expect(ids('lambda <= 1e-4')).toEqual(['c']);
    expect(ids('lambda >= 1E1')).toEqual(['b']);
  });
  it('filters by status, tag (exact, any tag, ignoring case) and role', () => {
    expect(ids('status = diverged')).toEqual(['b']);
    expect(ids('tag = baseline')).toEqual(['a']);
    expect(ids('tag = candidate')).toEqual(['d']);
    expect(ids('tag ~ base')).toEqual(['a', 'd']);
    expect(ids('role != run')).toEqual(['e']);
  });
  it('text-matches bare words and quoted phrases on name, tags, notes and data set', () => {
    expect(ids('ridge')).toEqual(['a', 'b']);
    expect(ids('"seed run"')).toEqual(['c']);
    expect(ids('synth')).toEqual(['c']);
    expect(ids('CANDIDATE')).toEqual(['d']);
    expect(ids('ridge big')).toEqual(['b']);
  });
  it('gives and precedence over or, and honours not and parentheses', () => {
    expect(ids('status = diverged or model = logistic and alpha = 1')).toEqual(['b', 'c']);
    expect(ids('(status = diverged or model = logistic) and alpha < 1')).toEqual(['b', 'd']);
    expect(ids('not archived = true')).toEqual(['a', 'b', 'c', 'e']);
    expect(ids('not (ridge or logit)')).toEqual(['e']);
  });
  it('uses any hyperparameter by name, with missing values failing comparisons', () => {
    expect(ids('learningRate > 0.1')).toEqual(['b']);
    expect(ids('seed = 7')).toEqual(['d']);
    expect(ids('objective >= 0')).toEqual(['a', 'b', 'c', 'd']);
    expect(ids('duration > 0')).toEqual(['a', 'b', 'c', 'd']);
    expect(ids('solver ~ IST')).toEqual(['c']);
    expect(ids('dataset = diabetes and model = logistic')).toEqual(['d']);
  });
  it('compares dates, a bare day meaning the whole UTC day', () => {
    expect(ids('created < 2026-11-28')).toEqual(['d']);
    expect(ids('created = 2026-11-28 and lambda > 1')).toEqual(['b']);
    expect(ids('created > 2026-11-27T23:00:00Z and archived = true')).toEqual(['d']);
  });
  it('refuses an unknown field and lists the known ones', () => {
    const message = error('lamda < 0.1');
    expect(message).toMatch(/unknown field "lamda" at position 1; known fields: lambda, alpha, model/);
    for (const name of ['status', 'tag', 'created', 'duration', 'learningRate', 'seed', 'archived']) expect(RUN_QUERY_FIELDS).toContain(name);
  });
  it('refuses a bad number with its position', () => {
    expect(error('lambda < 0.1x')).toMatch(/bad number "0\.1x" at position 10/);
    expect(error('alpha ~ 1')).toMatch(/works on text/);
  });
  it('refuses unclosed quotes and parentheses, and stray operators', () => {
    expect(error('name = "seed run')).toMatch(/unclosed quote.*position 8/);
    expect(error('(status = diverged or ridge')).toMatch(/unclosed parenthesis.*position 1/);
    expect(error('ridge)')).toMatch(/unexpected "\)" at position 6/);
    expect(error('lambda <')).toMatch(/expected a value after "<" at position 8/);
    expect(error('ridge and')).toMatch(/ends where a condition was expected/);
    expect(error('archived = maybe')).toMatch(/true or false/);
    expect(error('tag < a')).toMatch(/tag takes =, != or ~/);
    expect(error('created > yesterday')).toMatch(/bad date "yesterday"/);
  });
});
