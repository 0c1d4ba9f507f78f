import { RidgelineError } from '../../../shared/errors.ts';
import { composeQueueUrl, maskedQueueUrl, queueProblem, readRunOn, RUN_ON_STORAGE_KEY, runOnForStorage, splitPassword, type RunOnKind } from '../lib/runTarget.ts';

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Where the next sweep runs (the launcher's "Run on"), and where Resume runs a sweep. The kind and the
 * URL are remembered in localStorage; the password only here, in memory (lib/runTarget.ts says why).
 */
export class RunTargetState {
  kind = $state<RunOnKind>('local');
  /** The queue URL as shown, without its password. */
  url = $state('');
  /** Never written to any storage: asked again after a reload. */
  password = $state('');

  /** What keeps the queue from being used, while "a queue" is chosen; else null. */
  readonly problem = $derived(this.kind === 'queue' ? queueProblem(this.url, this.password) : null);
  /** Where a sweep would run, in words. */
  readonly where = $derived(this.kind === 'queue' ? `on the queue ${maskedQueueUrl(this.url, this.password)}` : 'on this machine');

  constructor() {
    const stored = readRunOn(storage()?.getItem(RUN_ON_STORAGE_KEY));
    this.kind = stored.kind;
    this.url = stored.url;
  }

  choose(kind: RunOnKind): void {
    this.kind = kind;
    this.save();
  }

  /** The URL field was left (or submitted): a password typed into it moves to the password field, then the choice is saved. */
  commitUrl(): void {
    const { url, password } = splitPassword(this.url);
    if (password !== null) {
      this.url = url;
      this.password = password;
    }
    this.save();
  }

  /** The API's target for startSweep and resumeSweep: nothing for this machine, `{queue}` for a queue. Throws its problem. */
  target(): { queue?: string } {
    if (this.kind === 'local') return {};
    this.commitUrl();
    const problem = this.problem;
    if (problem !== null) throw new RidgelineError('BAD_REQUEST', problem);
    return { queue: composeQueueUrl(this.url, this.password) };
  }

  private save(): void {
    try {
      storage()?.setItem(RUN_ON_STORAGE_KEY, runOnForStorage({ kind: this.kind, url: this.url }));
    } catch {
      // Not remembered across reloads then (storage full or disabled); the choice still holds now.
    }
  }
}
