/**
 * The CV curve the sweep view draws for each configuration: the final result once the sweep has one,
 * otherwise the curve of the folds finished so far, said to be partial ("3 of 10 folds").
 */
import type { SweepDetail } from '../../../shared/domain/sweeps.ts';
import type { LambdaMarks } from './sweepPlots.ts';

export interface SweepCurve {
  configIndex: number;
  label: string;
  alpha: number;
  lambdas: readonly number[];
  cvm: readonly number[];
  /** NaN where no spread is known yet (a single fold). */
  cvsd: readonly number[];
  /** From the fit on all the data; null until it has finished. */
  nonzero: readonly number[] | null;
  /** λ_min and λ_1se: chosen on the final result only (a partial minimum moves as folds come in). */
  marks: LambdaMarks | null;
  foldsDone: number;
  foldsTotal: number;
  final: boolean;
}

/** Per configuration, what its CV plot shows (null: no fold of it has finished). */
export function sweepCurves(detail: Pick<SweepDetail, 'results' | 'partial' | 'cells'>): (SweepCurve | null)[] {
  return detail.results.map((result, c) => {
    if (result !== null) {
      const folds = detail.cells.filter((cell) => cell.kind === 'fold' && cell.configIndex === c).length;
      return {
        configIndex: c,
        label: result.label,
        alpha: result.alpha,
        lambdas: result.lambdas,
        cvm: result.cvm,
        cvsd: result.cvsd,
        nonzero: result.nonzero,
        marks: { lambdaMin: result.lambdaMin, lambda1se: result.lambda1se },
        foldsDone: folds,
        foldsTotal: folds,
        final: true,
      };
    }
    const partial = detail.partial[c] ?? null;
    if (partial === null) return null;
    return { configIndex: c, ...partial, marks: null, final: false };
  });
}

/** "3 of 10 folds" ("fold fits" when folds are repeated: each repeat draws new folds). */
export function foldsLabel(curve: Pick<SweepCurve, 'foldsDone' | 'foldsTotal'>, repeats: number): string {
  return `${curve.foldsDone} of ${curve.foldsTotal} ${repeats > 1 ? 'fold fits' : 'folds'}`;
}

/**
 * The configuration the view shows: the user's choice while it exists, else the best, else (while the
 * sweep runs) the first with a curve, else the first.
 */
export function shownConfig(chosen: number | null, curves: readonly (SweepCurve | null)[], bestIndex: number | null): number {
  if (chosen !== null && chosen >= 0 && chosen < curves.length) return chosen;
  if (bestIndex !== null && bestIndex >= 0 && bestIndex < curves.length) return bestIndex;
  return Math.max(0, curves.findIndex((curve) => curve !== null));
}
