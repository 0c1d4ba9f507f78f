import type { ApiEvent, RidgelineApi } from '../../../shared/api.ts';
import type { RunDetail } from '../../../shared/domain/runs.ts';
import { toErrorInfo } from '../../../shared/errors.ts';
import { compareParameters, type ParameterComparison } from '../lib/reproduce.ts';
import { isFinished } from '../lib/status.ts';

export type RerunResult =
  | { state: 'running'; runId: string | null }
  | { state: 'finished'; runId: string; runName: string; comparison: ParameterComparison }
  | { state: 'failed'; runId: string | null; message: string };

/**
 * "Run again": trains a new run with a finished run's data set and hyperparameters, and when it ends
 * compares its parameters with the original's bit for bit (the reproducibility the engine promises,
 * shown rather than claimed). Results are kept per original run for the session.
 */
export class RerunState {
  results = $state<Record<string, RerunResult>>({});
  /** New run id → the original it repeats. */
  private readonly pending = new Map<string, RunDetail>();

  constructor(private readonly api: RidgelineApi) {}

  async runAgain(original: RunDetail): Promise<void> {
    if (this.results[original.id]?.state === 'running') return;
    this.results[original.id] = { state: 'running', runId: null };
    try {
      const { runId } = await this.api.startRun({ name: `${original.name} (again)`, datasetId: original.datasetId, hyperparams: original.hyperparams });
      this.pending.set(runId, original);
      this.results[original.id] = { state: 'running', runId };
      // The run may have finished before its id came back (a tiny fit): look now as well.
      const now = await this.api.getRun({ id: runId });
      if (isFinished(now.status)) this.settle(runId, now);
    } catch (error) {
      this.results[original.id] = { state: 'failed', runId: null, message: toErrorInfo(error).message };
    }
  }

  handle(event: ApiEvent): void {
    if (event.type !== 'runStatus' || !this.pending.has(event.runId) || !isFinished(event.status)) return;
    this.api.getRun({ id: event.runId }).then(
      (detail) => this.settle(event.runId, detail),
      (error: unknown) => this.fail(event.runId, toErrorInfo(error).message),
    );
  }

  private settle(runId: string, again: RunDetail): void {
    const original = this.pending.get(runId);
    if (original === undefined) return;
    this.pending.delete(runId);
    if (again.status !== 'completed' && again.status !== original.status) {
      this.results[original.id] = { state: 'failed', runId, message: `the new run ended ${again.status}${again.statusReason ? `: ${again.statusReason}` : ''}` };
      return;
    }
    this.results[original.id] = { state: 'finished', runId, runName: again.name, comparison: compareParameters(original.parameters, again.parameters) };
  }

  private fail(runId: string, message: string): void {
    const original = this.pending.get(runId);
    if (original === undefined) return;
    this.pending.delete(runId);
    this.results[original.id] = { state: 'failed', runId, message };
  }
}
