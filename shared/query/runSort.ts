/**
 * How the runs table sorts: the sortable columns, the value each sorts on, and the order (nulls last in
 * either direction, ties by creation time, newest first, then id). sortRuns sorts runs in memory; the
 * database sorts the same way in SQL (electron/core/db/runsPage.ts), checked against sortRuns in tests.
 */
import type { RunSummary } from '../domain/runs.ts';

export const RUN_SORT_KEYS = ['name', 'status', 'dataset', 'model', 'solver', 'lambda', 'alpha', 'objective', 'validationLoss', 'testLoss', 'suboptimality', 'nonzero', 'duration', 'created', 'tags'] as const;
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];
export type SortDirection = 'asc' | 'desc';
export interface RunSort {
  key: RunSortKey;
  direction: SortDirection;
}

/** The value each column sorts on; null sorts last in either direction. */
export const RUN_SORT_VALUES: Record<RunSortKey, (run: RunSummary) => number | string | null> = {
  name: (r) => r.name.toLowerCase(),
  status: (r) => r.status,
  dataset: (r) => r.datasetName.toLowerCase(),
  model: (r) => r.hyperparams.model,
  solver: (r) => r.hyperparams.solver,
  lambda: (r) => r.hyperparams.lambda,
  alpha: (r) => r.hyperparams.alpha,
  objective: (r) => r.final.objective,
  validationLoss: (r) => r.final.validationLoss ?? null,
  testLoss: (r) => r.final.testLoss ?? null,
  suboptimality: (r) => r.final.suboptimality,
  nonzero: (r) => r.final.nonzero,
  duration: (r) => r.fitMs,
  created: (r) => r.createdAt,
  tags: (r) => (r.tags.length === 0 ? null : r.tags.join(',').toLowerCase()),
};

/** A sorted copy: nulls last, ties broken by creation time (newest first) then id so the order is stable. */
export function sortRuns(runs: readonly RunSummary[], sort: RunSort): RunSummary[] {
  const value = RUN_SORT_VALUES[sort.key] ?? RUN_SORT_VALUES.name;
  const sign = sort.direction === 'asc' ? 1 : -1;
  // Decorate once: 10,000 runs sort in a few milliseconds when keys are not recomputed per comparison.
  const keyed = runs.map((run) => ({ run, key: value(run) }));
  keyed.sort((a, b) => {
    if (a.key !== b.key) {
      if (a.key === null) return 1;
      if (b.key === null) return -1;
      if (typeof a.key === 'number' && Number.isNaN(a.key)) return 1;
      if (typeof b.key === 'number' && Number.isNaN(b.key)) return -1;
      return (a.key < b.key ? -1 : 1) * sign;
    }
    if (a.run.createdAt !== b.run.createdAt) return a.run.createdAt < b.run.createdAt ? 1 : -1;
    return a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0;
  });
  return keyed.map((k) => k.run);
}
