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

/**
 * In the order shown: what tells runs apart (name, status, λ, α, validation loss, J) comes first, so a
 * list at its default width shows it without scrolling (KEY_COLUMNS_PX); data set and model follow.
 */
export const RUN_COLUMNS: readonly RunColumn[] = [
  { key: 'name', label: 'Name', title: 'Run name', width: 180, numeric: false },
  { key: 'status', label: 'Status', title: 'Status', width: 104, numeric: false },
  { key: 'lambda', label: 'λ', title: 'Regularization strength (canonical λ)', width: 72, numeric: true },
  { key: 'alpha', label: 'α', title: 'Elastic-net mix α (1 = lasso, 0 = ridge)', width: 48, numeric: true },
  { key: 'validationLoss', label: 'Val. loss', title: 'Data loss on the validation rows at the last step', width: 84, numeric: true },
  { key: 'objective', label: 'Final J', title: 'Final objective J', width: 90, numeric: true },
  { key: 'suboptimality', label: 'J − J*', title: 'Suboptimality J − J*', width: 76, numeric: true },
  { key: 'dataset', label: 'Dataset', title: 'Data set', width: 120, numeric: false },
  { key: 'model', label: 'Model', title: 'Model', width: 76, numeric: false },
  { key: 'solver', label: 'Solver', title: 'Solver', width: 64, numeric: false },
  { key: 'testLoss', label: 'Test loss', title: 'Data loss on the held-out test rows', width: 86, numeric: true },
  { key: 'nonzero', label: 'Nonzeros', title: 'Nonzero coefficients', width: 76, numeric: true },
  { key: 'duration', label: 'Duration', title: 'Wall time of the fit', width: 76, numeric: true },
  { key: 'created', label: 'Created', title: 'When the run was created', width: 150, numeric: false },
  { key: 'tags', label: 'Tags', title: 'Tags', width: 140, numeric: false },
];

export const DEFAULT_HIDDEN_COLUMNS: readonly RunColumnKey[] = ['solver', 'nonzero', 'testLoss'];

/** The columns before the first of RUN_COLUMNS: the selection checkbox and the colour swatch (px). */
export const LEADING_COLUMNS_PX = 28 + 18;

/** The columns a run is told apart by, which the list shows at its default width. */
export const KEY_COLUMNS: readonly RunColumnKey[] = ['name', 'status', 'lambda', 'alpha', 'validationLoss'];

/** The width a runs panel needs to show these columns (and those before them) whole. */
function panelWidthThrough(last: RunColumnKey): number {
  const upTo = RUN_COLUMNS.findIndex((c) => c.key === last);
  // The leading columns, the panel's padding and border (2 × 1rem + 2 px) and a vertical scrollbar.
  return LEADING_COLUMNS_PX + RUN_COLUMNS.slice(0, upTo + 1).reduce((sum, c) => sum + c.width, 0) + 34 + 16;
}

/** The runs panel's width that shows KEY_COLUMNS whole. */
export const KEY_COLUMNS_PX = panelWidthThrough('validationLoss');

/** …and the final J after them, which the default gives room for where that costs the curves little. */
export const KEY_AND_J_PX = panelWidthThrough('objective');
