/**
 * What the Curves panel can plot, and the lines each choice draws per run: one stored column, the
 * suboptimality derived from the objective, or the train and validation losses together (the
 * validation one dashed in the run's colour, for runs with a validation split).
 */
import type { MetricName } from '../../../shared/domain/metrics.ts';

/** A plotted quantity: a stored metric, J − J* derived from the objective, or train and validation loss. */
export type CurveMetric = MetricName | 'suboptimality' | 'trainValidation';

export const CURVE_METRICS: readonly { value: CurveMetric; label: string }[] = [
  { value: 'objective', label: 'objective J' },
  { value: 'suboptimality', label: 'J − J* (distance to the optimum)' },
  { value: 'dataLoss', label: 'data loss' },
  { value: 'validationLoss', label: 'validation loss (held-out rows)' },
  { value: 'trainValidation', label: 'train and validation loss' },
  { value: 'penalty', label: 'penalty' },
  { value: 'l2Norm', label: '‖w‖₂' },
  { value: 'l1Norm', label: '‖w‖₁' },
  { value: 'nonzero', label: 'nonzero coefficients' },
  { value: 'gradNorm', label: 'gradient (KKT) norm' },
  { value: 'learningRate', label: 'learning rate' },
];

/** The y axis's label for a plotted quantity. */
export function curveAxisLabel(metric: CurveMetric): string {
  if (metric === 'trainValidation') return 'data loss';
  return CURVE_METRICS.find((m) => m.value === metric)?.label ?? '';
}

/** The stored columns behind a plotted quantity, in the order their lines are drawn for each run. */
export function curveColumns(metric: CurveMetric): MetricName[] {
  if (metric === 'suboptimality') return ['objective'];
  if (metric === 'trainValidation') return ['dataLoss', 'validationLoss'];
  return [metric];
}

/** One plotted line: a run's curve of one column, or (when smoothing) its raw curve drawn faint behind. */
export interface CurveLine {
  runId: string;
  column: MetricName;
  raw: boolean;
}

/**
 * The lines of one run, given how many steps of each of its columns are known (`ends`, in the order of
 * `curveColumns`): every column of a one-column view; in a view of several, the first always and the
 * others only where the run has values (a run without a validation split has no validation loss, and
 * gets no empty legend entry for one). With smoothing, each line's raw curve comes just before it.
 */
export function runLines(runId: string, metric: CurveMetric, ends: readonly number[], smoothing: boolean): CurveLine[] {
  const columns = curveColumns(metric);
  const lines: CurveLine[] = [];
  columns.forEach((column, k) => {
    if (k > 0 && !(ends[k] > 0)) return;
    if (smoothing) lines.push({ runId, column, raw: true });
    lines.push({ runId, column, raw: false });
  });
  return lines;
}

/** How a line is drawn and named in the legend, given its run's name and colour. */
export function lineStyle(line: CurveLine, metric: CurveMetric, runName: string, color: string): { label: string; stroke: string; faint: boolean; dash?: number[] } {
  const both = metric === 'trainValidation';
  const part = both ? (line.column === 'validationLoss' ? ' · validation' : ' · train') : '';
  return {
    label: `${runName}${part}${line.raw ? ' (raw)' : ''}`,
    stroke: color,
    faint: line.raw,
    ...(both && line.column === 'validationLoss' ? { dash: [6, 4] } : {}),
  };
}
