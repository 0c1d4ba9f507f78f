import { loadPref, savePref } from '../lib/localPrefs.ts';
import { clampShare, defaultShare, readShare } from '../lib/splitPane.ts';
import { KEY_AND_J_PX, KEY_COLUMNS_PX } from '../lib/runColumns.ts';

export const RUNS_SPLIT_KEY = 'ridgeline.runsSplit';

/**
 * The runs list's share of the Runs tab (lib/splitPane.ts), remembered across reloads once the user
 * moves the separator; until then a default that shows the list's key columns (and the final J where it
 * costs the curves little).
 */
export class RunsSplit {
  /** What the user chose, or null for the default. */
  private chosen = $state<number | null>(loadPref(RUNS_SPLIT_KEY, readShare));
  /** The width both panels share (px), measured by the layout: the default and the limits depend on it. */
  width = $state(0);

  readonly share = $derived(clampShare(this.chosen ?? defaultShare(this.width, KEY_COLUMNS_PX, KEY_AND_J_PX), this.width));

  set(share: number): void {
    this.chosen = clampShare(share, this.width);
    savePref(RUNS_SPLIT_KEY, this.chosen);
  }

  /** Back to the default (a double-click on the separator). */
  reset(): void {
    this.chosen = null;
    savePref(RUNS_SPLIT_KEY, null);
  }
}
