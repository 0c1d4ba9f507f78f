import { loadPref, savePref } from '../lib/localPrefs.ts';

/** Where the New run drawer's open state is remembered. */
export const NEW_RUN_OPEN_KEY = 'ridgeline.newRun.open';

/**
 * Whether the New run drawer and the New sweep form are shown. Kept with the workbench rather than in
 * their views, so a command (Alt+N, Alt+S, the desktop menu) can open a closed one before focusing it.
 * The New run drawer starts closed (the curves come first) and is remembered across reloads once opened
 * or closed: it used to open on every load and push the curves below the fold.
 */
export class FormPanels {
  private openRun = $state(loadPref(NEW_RUN_OPEN_KEY, (v) => (typeof v === 'boolean' ? v : null)) ?? false);
  newSweep = $state(true);

  get newRun(): boolean {
    return this.openRun;
  }
  set newRun(open: boolean) {
    if (open === this.openRun) return;
    this.openRun = open;
    savePref(NEW_RUN_OPEN_KEY, open);
  }
}
