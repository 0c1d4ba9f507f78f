/** The runs table's columns: what each shows, how it sorts and how wide it is. */
import type { RunSummary } from '../../../shared/domain/runs.ts';

export type RunColumnKey =
  | 'name'
  | 'status'
  | 'dataset'
  | 'model'
  | 'solver'
  | 'lambda'
  | 'alpha'
  | 'objective'
  | 'testLoss'
  | 'suboptimality'
  | 'nonzero'
  | 'duration'
  | 'created'
  | 'tags';

export interface RunColumn {
  key: RunColumnKey;
  label: string;
  title: string;
  /** Width in pixels: rows have a fixed height and the table a fixed layout, so nothing jumps while scrolling. */
  width: number;
  numeric: boolean;
  /** The value sorted on; null sorts last in either direction. */
  sortValue: (run: RunSummary) => number | string | null;
}

export const RUN_COLUMNS: readonly RunColumn[] = [
  { key: 'name', label: 'Name', title: 'Run name', width: 190, numeric: false, sortValue: (r) => r.name.toLowerCase() },
  { key: 'status', label: 'Status', title: 'Status', width: 108, numeric: false, sortValue: (r) => r.status },
  { key: 'dataset', label: 'Dataset', title: 'Data set', width: 120, numeric: false, sortValue: (r) => r.datasetName.toLowerCase() },
  { key: 'model', label: 'Model', title: 'Model', width: 76, numeric: false, sortValue: (r) => r.hyperparams.model },
  { key: 'solver', label: 'Solver', title: 'Solver', width: 64, numeric: false, sortValue: (r) => r.hyperparams.solver },
  { key: 'lambda', label: 'λ', title: 'Regularization strength (canonical λ)', width: 76, numeric: true, sortValue: (r) => r.hyperparams.lambda },
  { key: 'alpha', label: 'α', title: 'Elastic-net mix α (1 = lasso, 0 = ridge)', width: 56, numeric: true, sortValue: (r) => r.hyperparams.alpha },
  { key: 'objective', label: 'Final J', title: 'Final objective J', width: 96, numeric: true, sortValue: (r) => r.final.objective },
  { key: 'testLoss', label: 'Test loss', title: 'Data loss on the held-out test rows', width: 86, numeric: true, sortValue: (r) => r.final.testLoss ?? null },
  { key: 'suboptimality', label: 'J − J*', title: 'Suboptimality J − J*', width: 80, numeric: true, sortValue: (r) => r.final.suboptimality },
  { key: 'nonzero', label: 'Nonzeros', title: 'Nonzero coefficients', width: 76, numeric: true, sortValue: (r) => r.final.nonzero },
  { key: 'duration', label: 'Duration', title: 'Wall time of the fit', width: 76, numeric: true, sortValue: (r) => r.fitMs },
  { key: 'created', label: 'Created', title: 'When the run was created', width: 150, numeric: false, sortValue: (r) => r.createdAt },
  { key: 'tags', label: 'Tags', title: 'Tags', width: 140, numeric: false, sortValue: (r) => (r.tags.length === 0 ? null : r.tags.join(',').toLowerCase()) },
];

export const DEFAULT_HIDDEN_COLUMNS: readonly RunColumnKey[] = ['solver', 'alpha', 'nonzero', 'testLoss'];

export type SortDirection = 'asc' | 'desc';
export interface RunSort {
  key: RunColumnKey;
  direction: SortDirection;
}

/** A sorted copy: nulls last, ties broken by creation time (newest first) then id so the order is stable. */
export function sortRuns(runs: readonly RunSummary[], sort: RunSort): RunSummary[] {
  const column = RUN_COLUMNS.find((c) => c.key === sort.key) ?? RUN_COLUMNS[0];
  const sign = sort.direction === 'asc' ? 1 : -1;
  // Decorate once: 10,000 runs sort in a few milliseconds when keys are not recomputed per comparison.
  const keyed = runs.map((run) => ({ run, key: column.sortValue(run) }));
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
