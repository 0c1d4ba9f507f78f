import type { RidgelineApi } from '../../../shared/api.ts';
import type { RunDetail, RunSummary } from '../../../shared/domain/runs.ts';
import { toErrorInfo } from '../../../shared/errors.ts';

/**
 * What a run's stored record depends on, as the list shows it: the record is read again when this
 * changes (the run finished, or trained further), not on every list reload.
 */
export function recordKey(run: RunSummary): string {
  return `${run.id}|${run.status}|${run.finishedAt ?? ''}|${run.iterations}`;
}

/** The full record (parameters, J*, timings) of the one run the details box shows. */
export class RunDetailState {
  detail = $state.raw<RunDetail | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  private key = '';

  constructor(private readonly api: RidgelineApi) {}

  /** Shows this run (null: none); fetches again whenever its status or finish time changes. */
  show(run: RunSummary | null): void {
    const key = run === null ? '' : recordKey(run);
    if (key === this.key) return;
    this.key = key;
    this.error = null;
    if (run === null) {
      this.detail = null;
      this.loading = false;
      return;
    }
    if (this.detail !== null && this.detail.id !== run.id) this.detail = null;
    this.loading = true;
    this.api.getRun({ id: run.id }).then(
      (detail) => {
        if (this.key !== key) return;
        this.detail = detail;
        this.loading = false;
      },
      (error: unknown) => {
        if (this.key !== key) return;
        this.error = toErrorInfo(error).message;
        this.loading = false;
      },
    );
  }
}
