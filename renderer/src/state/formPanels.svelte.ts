const STORAGE_KEY = 'ridgeline.forms';

/**
 * Whether the New run and New sweep forms are shown. Kept with the workbench rather than in their
 * views, so a command (Alt+N, Alt+S, the desktop menu) can open a collapsed form before focusing it.
 * Remembered across reloads once the user opens or closes one; until then the New run form opens only
 * for a workbench without runs (there is nothing to look at yet), so that curves come first.
 */
export class FormPanels {
  private openRun = $state<boolean | null>(null);
  private openSweep = $state(true);

  constructor() {
    try {
      const stored = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? 'null') as { newRun?: unknown; newSweep?: unknown } | null;
      if (typeof stored?.newRun === 'boolean') this.openRun = stored.newRun;
      if (typeof stored?.newSweep === 'boolean') this.openSweep = stored.newSweep;
    } catch {
      // A corrupt or unavailable store means the defaults.
    }
  }

  /**
   * The first state of the New run form, once the runs are first counted: open for a workbench without
   * runs. Decided once (not remembered), so the form does not close under the user after a first run.
   */
  settleDefault(hasRuns: boolean): void {
    if (this.openRun === null) this.openRun = !hasRuns;
  }

  get newRun(): boolean {
    return this.openRun ?? false;
  }
  set newRun(open: boolean) {
    this.openRun = open;
    this.save();
  }

  get newSweep(): boolean {
    return this.openSweep;
  }
  set newSweep(open: boolean) {
    this.openSweep = open;
    this.save();
  }

  private save(): void {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify({ newRun: this.openRun, newSweep: this.openSweep }));
    } catch {
      // Not remembered, still applied.
    }
  }
}
