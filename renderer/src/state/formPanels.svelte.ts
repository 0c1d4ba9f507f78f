/**
 * Whether the New run and New sweep forms are shown. Kept with the workbench rather than in their
 * views, so a command (Alt+N, Alt+S, the desktop menu) can open a collapsed form before focusing it.
 */
export class FormPanels {
  newRun = $state(true);
  newSweep = $state(true);
}
