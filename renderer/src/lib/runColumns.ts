/** The runs table's columns: what each shows and how wide it is (how each sorts: shared/query/runSort.ts). */
import type { RunSortKey } from '../../../shared/query/runSort.ts';

export type RunColumnKey = RunSortKey;
export type { RunSort, SortDirection } from '../../../shared/query/runSort.ts';
export { sortRuns } from '../../../shared/query/runSort.ts';

export interface RunColumn {
  key: RunColumnKey;
  label: string;
  title: string;
  /** Width in pixels: rows have a fixed height and the table a fixed layout, so nothing jumps while scrolling. */
  width: number;
  numeric: boolean;
}

export const RUN_COLUMNS: readonly RunColumn[] = [
  { key: 'name', label: 'Name', title: 'Run name', width: 190, numeric: false },
  { key: 'status', label: 'Status', title: 'Status', width: 108, numeric: false },
  { key: 'dataset', label: 'Dataset', title: 'Data set', width: 120, numeric: false },
  { key: 'model', label: 'Model', title: 'Model', width: 76, numeric: false },
  { key: 'solver', label: 'Solver', title: 'Solver', width: 64, numeric: false },
  { key: 'lambda', label: 'λ', title: 'Regularization strength (canonical λ)', width: 76, numeric: true },
  { key: 'alpha', label: 'α', title: 'Elastic-net mix α (1 = lasso, 0 = ridge)', width: 56, numeric: true },
  { key: 'objective', label: 'Final J', title: 'Final objective J', width: 96, numeric: true },
  { key: 'validationLoss', label: 'Val. loss', title: 'Data loss on the validation rows at the last step', width: 86, numeric: true },
  { key: 'testLoss', label: 'Test loss', title: 'Data loss on the held-out test rows', width: 86, numeric: true },
  { key: 'suboptimality', label: 'J − J*', title: 'Suboptimality J − J*', width: 80, numeric: true },
  { key: 'nonzero', label: 'Nonzeros', title: 'Nonzero coefficients', width: 76, numeric: true },
  { key: 'duration', label: 'Duration', title: 'Wall time of the fit', width: 76, numeric: true },
  { key: 'created', label: 'Created', title: 'When the run was created', width: 150, numeric: false },
  { key: 'tags', label: 'Tags', title: 'Tags', width: 140, numeric: false },
];

export const DEFAULT_HIDDEN_COLUMNS: readonly RunColumnKey[] = ['solver', 'nonzero', 'testLoss'];
