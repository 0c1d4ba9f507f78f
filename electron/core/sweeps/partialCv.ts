import type { PartialCvResult, SweepConfig } from '../../../shared/domain/sweeps.ts';
import { cvCurve, type CellResult } from '../../../shared/engine/cv.ts';
import type { CellResultRow, StoredCell, SweepRow } from '../db/sweepsStore.ts';

/** What a CV curve reads of a completed cell. */
export type CellErrors = Pick<CellResultRow, 'size' | 'errors' | 'nonzero'>;

/**
 * A configuration's finished fold cells as the CV summary reads them: folds numbered across repeats
 * (repeat r's fold f is r·K + f), so the summary and a partial curve add them up in the same order.
 */
export function finishedFolds(
  row: Pick<SweepRow, 'spec'>,
  cells: readonly StoredCell[],
  results: ReadonlyMap<number, CellErrors>,
  configIndex: number,
): Pick<CellResult, 'fold' | 'size' | 'errors'>[] {
  const folds: Pick<CellResult, 'fold' | 'size' | 'errors'>[] = [];
  for (const cell of cells) {
    if (cell.kind !== 'fold' || cell.configIndex !== configIndex) continue;
    const r = results.get(cell.index);
    if (!r || r.errors === null || r.size === null) continue;
    folds.push({ fold: cell.repeat * row.spec.folds + cell.fold, size: r.size, errors: r.errors });
  }
  return folds;
}

/**
 * Per configuration, the CV curve of the folds finished so far (null before the first): what a running,
 * cancelled or interrupted sweep can already show. Same code and order as the final summary
 * (finishedFolds, cvCurve), so the last partial curve is the result to the bit.
 */
export function partialCvResults(
  row: Pick<SweepRow, 'spec' | 'lambdas' | 'nLambda'>,
  configs: readonly SweepConfig[],
  cells: readonly StoredCell[],
  results: ReadonlyMap<number, CellErrors>,
): (PartialCvResult | null)[] {
  return configs.map((config, c) => {
    const folds = finishedFolds(row, cells, results, c);
    if (folds.length === 0) return null;
    const { cvm, cvsd } = cvCurve(row.nLambda, folds);
    const full = cells.find((cell) => cell.kind === 'full' && cell.configIndex === c);
    const fullResult = full ? results.get(full.index) : undefined;
    return {
      alpha: config.alpha,
      label: config.label,
      lambdas: Array.from(row.lambdas.subarray(c * row.nLambda, (c + 1) * row.nLambda)),
      cvm: Array.from(cvm),
      cvsd: Array.from(cvsd),
      nonzero: fullResult ? Array.from(fullResult.nonzero) : null,
      foldsDone: folds.length,
      foldsTotal: cells.filter((cell) => cell.kind === 'fold' && cell.configIndex === c).length,
    };
  });
}
