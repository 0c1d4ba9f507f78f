import type { RidgelineApi } from '../../../shared/api.ts';
import type { SweepPath } from '../../../shared/domain/sweeps.ts';
import { toErrorInfo } from '../../../shared/errors.ts';

/**
 * The coefficient path the sweep view shows: one configuration's fit on all the data, read when the
 * user picks that configuration. A finished cell never changes, so each path is read once per sweep.
 */
export class SweepPathsState {
  /** The path of `key`'s configuration; null while it is read, before its cell has finished, or for MLPs. */
  path = $state.raw<SweepPath | null>(null);
  /** "sweepId|configIndex" of what `path`, `loading` and `error` are about. */
  key = $state<string | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  private sweepId: string | null = null;
  private readonly cache = new Map<number, SweepPath>();
  /** The key whose read has answered (a path, none, or an error): not asked again until another is shown. */
  private answered: string | null = null;

  constructor(private readonly api: RidgelineApi) {}

  /**
   * Shows configuration `configIndex` of the sweep: from the cache, or read once `ready` (its cell on all
   * the data has finished). Called again when `ready` turns true.
   */
  show(sweepId: string, configIndex: number, ready: boolean): void {
    if (sweepId !== this.sweepId) {
      this.sweepId = sweepId;
      this.cache.clear();
    }
    const key = `${sweepId}|${configIndex}`;
    if (this.key === key && (this.loading || this.answered === key)) return;
    const cached = this.cache.get(configIndex);
    this.key = key;
    this.error = null;
    this.path = cached ?? null;
    this.answered = cached !== undefined ? key : null;
    this.loading = cached === undefined && ready;
    if (this.loading) void this.read(sweepId, configIndex, key);
  }

  private async read(sweepId: string, configIndex: number, key: string): Promise<void> {
    try {
      const path = await this.api.getSweepPath({ id: sweepId, configIndex });
      if (path !== null && this.sweepId === sweepId) this.cache.set(configIndex, path);
      if (this.key === key) this.path = path;
    } catch (error) {
      if (this.key === key) this.error = toErrorInfo(error).message;
    } finally {
      if (this.key === key) {
        this.loading = false;
        this.answered = key;
      }
    }
  }
}
