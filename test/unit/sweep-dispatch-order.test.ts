// The order a sweep hands its cells out (electron/core/sweeps/sweepService.ts dispatchOrder): the same cells,
// each once; folds in order; with several processes each configuration's full-data cell starts in the
// first wave, on one process after the folds.
import { describe, expect, it } from 'vitest';
import { dispatchOrder } from '../../electron/core/sweeps/sweepService.ts';

type Cell = { kind: 'fold' | 'full'; configIndex: number; name: string };

function cellsOf(configs: number, folds: number): Cell[] {
  const cells: Cell[] = [];
  for (let c = 0; c < configs; c++) {
    for (let f = 0; f < folds; f++) cells.push({ kind: 'fold', configIndex: c, name: `c${c}f${f}` });
    cells.push({ kind: 'full', configIndex: c, name: `c${c}full` });
  }
  return cells;
}

const names = (cells: Cell[]) => cells.map((cell) => cell.name);

describe('dispatchOrder', () => {
  it('on one process keeps the stored order: folds first, so the CV curve starts after one cell', () => {
    expect(names(dispatchOrder(cellsOf(2, 3), 1))).toEqual(['c0f0', 'c0f1', 'c0f2', 'c0full', 'c1f0', 'c1f1', 'c1f2', 'c1full']);
  });

  it('on two processes starts each full-data cell beside its first fold', () => {
    expect(names(dispatchOrder(cellsOf(2, 5), 2))).toEqual(['c0f0', 'c0full', 'c0f1', 'c0f2', 'c0f3', 'c0f4', 'c1f0', 'c1full', 'c1f1', 'c1f2', 'c1f3', 'c1f4']);
  });

  it('on more processes than folds puts the full-data cell after every fold of its configuration', () => {
    expect(names(dispatchOrder(cellsOf(1, 3), 8))).toEqual(['c0f0', 'c0f1', 'c0f2', 'c0full']);
    expect(names(dispatchOrder(cellsOf(1, 5), 4))).toEqual(['c0f0', 'c0f1', 'c0f2', 'c0full', 'c0f3', 'c0f4']);
  });

  it('hands out exactly the cells given (a resumed sweep: some done, a full cell already committed)', () => {
    const pending = cellsOf(2, 4).filter((cell) => !['c0f0', 'c0f2', 'c1full'].includes(cell.name));
    const order = dispatchOrder(pending, 2);
    expect([...names(order)].sort()).toEqual([...names(pending)].sort());
    expect(names(order)).toEqual(['c0f1', 'c0full', 'c0f3', 'c1f0', 'c1f1', 'c1f2', 'c1f3']);
  });
});
