/** Which sweep cells the sweep view lists, and how (renderer/src/lib/cellIssues.ts). */
import { describe, expect, it } from 'vitest';
import type { CellInfo } from '../../shared/domain/sweeps.ts';
import { cellIssues, cellIssuesHeadline, describeCellIssue, issueLines } from '../../renderer/src/lib/cellIssues.ts';

const cell = (index: number, status: CellInfo['status'], attempts: number, error: string | null): CellInfo => ({
  index,
  kind: 'fold',
  repeat: 0,
  fold: index,
  configIndex: 0,
  alphaIndex: 0,
  status,
  attempts,
  error,
  runId: `run${index}`,
});

describe('cellIssues', () => {
  it('leaves out cells a resume restarted (started twice, no failure recorded)', () => {
    const cells = Array.from({ length: 1000 }, (_, i) => cell(i, 'completed', i < 10 ? 1 : 2, null));
    expect(cellIssues(cells)).toEqual({ failed: [], retried: [] });
    expect(cellIssuesHeadline(cellIssues(cells))).toBeNull();
  });

  it('lists failed cells, and cells that completed or wait again after a recorded failure', () => {
    const crashed = 'the trainer process exited unexpectedly (code null)';
    const cells = [cell(0, 'completed', 2, crashed), cell(1, 'failed', 2, crashed), cell(2, 'pending', 1, crashed), cell(3, 'completed', 1, null)];
    const issues = cellIssues(cells);
    expect(issues.failed.map((c) => c.index)).toEqual([1]);
    expect(issues.retried.map((c) => c.index)).toEqual([0, 2]);
    expect(cellIssuesHeadline(issues)).toBe('1 cell failed · 2 retried after a failure');
    expect(cellIssuesHeadline({ failed: [], retried: [cells[0]] })).toBe('1 cell retried after a failure');
  });

  it('bounds the list and counts what it leaves out, in cell order', () => {
    const cells = Array.from({ length: 120 }, (_, i) => cell(119 - i, i % 2 === 0 ? 'failed' : 'completed', 2, 'boom'));
    const { cells: shown, more } = issueLines(cellIssues(cells), 50);
    expect(shown.map((c) => c.index)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(more).toBe(70);
    expect(issueLines(cellIssues(cells.slice(0, 3)), 50).more).toBe(0);
  });

  it('says where a cell sits and what happened, in words', () => {
    const sweep = { configs: [{ alpha: 1, label: 'α=1' }, { alpha: 0.5, label: 'α=0.5' }], repeats: 2 };
    expect(describeCellIssue({ ...cell(7, 'completed', 2, 'it crashed'), configIndex: 1, repeat: 1, fold: 2 }, sweep)).toBe('cell 7 (α=0.5, repeat 2, fold 3): retried after: it crashed');
    expect(describeCellIssue({ ...cell(9, 'failed', 2, 'it crashed'), kind: 'full' }, { ...sweep, repeats: 1 })).toBe('cell 9 (α=1, all data): failed: it crashed');
  });
});
