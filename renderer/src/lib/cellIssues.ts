import type { CellInfo, SweepDetail } from '../../../shared/domain/sweeps.ts';

/** A sweep's cells that need a word: those that failed, and those that succeeded only on a retry. */
export interface CellIssues {
  failed: CellInfo[];
  retried: CellInfo[];
}

/**
 * Only a recorded failure makes a retry. A cell restarted because its sweep was cancelled, interrupted or
 * resumed was started again (its `attempts` grew) but did not fail, so it is not listed: a resumed sweep
 * of a thousand cells would otherwise list every one of them.
 */
export function cellIssues(cells: readonly CellInfo[]): CellIssues {
  return {
    failed: cells.filter((cell) => cell.status === 'failed'),
    retried: cells.filter((cell) => cell.status !== 'failed' && cell.error !== null),
  };
}

/** The cells to list, in cell order, at most `limit` of them, and how many more there are. */
export function issueLines(issues: CellIssues, limit: number): { cells: CellInfo[]; more: number } {
  const all = [...issues.failed, ...issues.retried].sort((a, b) => a.index - b.index);
  return { cells: all.slice(0, limit), more: Math.max(0, all.length - limit) };
}

/** "2 cells failed · 1 retried after a failure", or null when there is nothing to say. */
export function cellIssuesHeadline(issues: CellIssues): string | null {
  const parts: string[] = [];
  const cells = (n: number): string => `${n} cell${n === 1 ? '' : 's'}`;
  if (issues.failed.length > 0) parts.push(`${cells(issues.failed.length)} failed`);
  if (issues.retried.length > 0) parts.push(`${parts.length > 0 ? issues.retried.length : cells(issues.retried.length)} retried after a failure`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** One line about one cell: where it sits in the sweep, and what happened to it. */
export function describeCellIssue(cell: CellInfo, sweep: Pick<SweepDetail, 'configs' | 'repeats'>): string {
  const where: string[] = [];
  if (sweep.configs.length > 1) where.push(sweep.configs[cell.configIndex]?.label ?? `configuration ${cell.configIndex}`);
  if (sweep.repeats > 1 && cell.kind === 'fold') where.push(`repeat ${cell.repeat + 1}`);
  where.push(cell.kind === 'full' ? 'all data' : `fold ${cell.fold + 1}`);
  const error = cell.error ?? 'no reason was recorded';
  const what = cell.status === 'failed' ? `failed: ${error}` : cell.status === 'completed' ? `retried after: ${error}` : `retrying after: ${error}`;
  return `cell ${cell.index} (${where.join(', ')}): ${what}`;
}
