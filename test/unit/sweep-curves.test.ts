/** What the sweep view's CV plot draws per configuration, and which it shows (renderer/src/lib/sweepCurves.ts). */
import { describe, expect, it } from 'vitest';
import type { AlphaResult, CellInfo, PartialCvResult } from '../../shared/domain/sweeps.ts';
import { foldsLabel, shownConfig, sweepCurves } from '../../renderer/src/lib/sweepCurves.ts';

const cell = (index: number, kind: CellInfo['kind'], configIndex: number): CellInfo => ({
  index,
  kind,
  repeat: 0,
  fold: kind === 'full' ? -1 : index % 4,
  configIndex,
  alphaIndex: configIndex,
  status: 'completed',
  attempts: 1,
  error: null,
  runId: `run${index}`,
});
// Two configurations of 3 folds each and a fit on all data.
const cells = [0, 1, 2].map((i) => cell(i, 'fold', 0)).concat([cell(3, 'full', 0)], [4, 5, 6].map((i) => cell(i, 'fold', 1)), [cell(7, 'full', 1)]);

const result: AlphaResult = { alpha: 1, label: 'α=1', lambdas: [1, 0.1], cvm: [2, 1], cvsd: [0.2, 0.1], nonzero: [0, 3], lambdaMin: 0.1, lambda1se: 1, indexMin: 1, index1se: 0 };
const partial: PartialCvResult = { alpha: 0.5, label: 'α=0.5', lambdas: [2, 0.2], cvm: [3, 1.5], cvsd: [Number.NaN, Number.NaN], nonzero: null, foldsDone: 1, foldsTotal: 3 };

describe('sweepCurves', () => {
  it('draws a final result with its λ marks, and a partial curve without them, saying how far it has come', () => {
    const [first, second] = sweepCurves({ results: [null, result], partial: [partial, null], cells });
    expect(first).toMatchObject({ configIndex: 0, label: 'α=0.5', final: false, foldsDone: 1, foldsTotal: 3, marks: null, nonzero: null, cvm: [3, 1.5] });
    expect(second).toMatchObject({ configIndex: 1, final: true, foldsDone: 3, foldsTotal: 3, marks: { lambdaMin: 0.1, lambda1se: 1 }, cvm: [2, 1], nonzero: [0, 3] });
  });

  it('has nothing to draw for a configuration with no finished fold', () => {
    expect(sweepCurves({ results: [null, null], partial: [null, partial], cells })[0]).toBeNull();
  });

  it('prefers the final result to a partial one', () => {
    expect(sweepCurves({ results: [result], partial: [partial], cells })[0]?.final).toBe(true);
  });
});

describe('foldsLabel', () => {
  it('counts folds, or fold fits when folds are repeated', () => {
    expect(foldsLabel({ foldsDone: 3, foldsTotal: 10 }, 1)).toBe('3 of 10 folds');
    expect(foldsLabel({ foldsDone: 7, foldsTotal: 20 }, 2)).toBe('7 of 20 fold fits');
  });
});

describe('shownConfig', () => {
  const curves = sweepCurves({ results: [null, null], partial: [null, partial], cells });
  it('shows the user’s choice, else the best, else the first with a curve', () => {
    expect(shownConfig(0, curves, 1)).toBe(0);
    expect(shownConfig(null, curves, 0)).toBe(0);
    expect(shownConfig(null, curves, null)).toBe(1);
    expect(shownConfig(null, [null, null], null)).toBe(0);
    // A choice from another sweep's list (out of range) falls back.
    expect(shownConfig(5, curves, null)).toBe(1);
  });
});
