import type { AppCommand } from '../../../shared/api.ts';
import type { Workbench } from '../state/workbench.svelte.ts';

/** Waits for the view a command switched to, then focuses its first matching element. */
function focusSoon(selector: string): void {
  requestAnimationFrame(() => requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus()));
}

function clickSoon(selector: string): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.click());
}

/**
 * What a command does, whether it came from the desktop menu (a `command` event) or from a keyboard
 * shortcut in the page. The views own their controls; commands only switch to them and focus or press them.
 */
export function runCommand(command: AppCommand, workbench: Workbench): void {
  switch (command) {
    case 'newRun':
      workbench.nav.show('runs');
      workbench.forms.newRun = true;
      focusSoon('[data-testid="new-run-form"] [name="datasetId"]');
      return;
    case 'newSweep':
      workbench.nav.show('sweeps');
      workbench.forms.newSweep = true;
      focusSoon('[data-testid="sweep-launcher"] [name="datasetId"]');
      return;
    case 'find':
      workbench.nav.show('runs');
      focusSoon('[name="runsFilter"]');
      return;
    case 'import':
      clickSoon('[data-testid="import-open"]');
      return;
    case 'delete':
      if (workbench.nav.tab === 'runs' && workbench.runs.selected.size > 0) clickSoon('[data-testid="runs-toolbar"] [data-action="delete"]');
      return;
    case 'compare':
      // Opens the Compare view of the selected runs, or closes it (the toolbar button toggles).
      if (workbench.nav.tab === 'runs' && workbench.runs.selected.size >= 2) clickSoon('[data-testid="compare-open"]');
      return;
  }
}

/**
 * The page's own shortcuts (serve mode has no native menu): Ctrl/⌘+F finds runs, Alt+N a new run, Alt+S
 * a new sweep, Ctrl/⌘+O imports, Alt+C compares the selected runs.
 */
export function commandForKey(event: KeyboardEvent): AppCommand | null {
  const mod = event.ctrlKey || event.metaKey;
  if (mod && !event.shiftKey && event.key.toLowerCase() === 'f') return 'find';
  if (mod && !event.shiftKey && event.key.toLowerCase() === 'o') return 'import';
  if (event.altKey && !mod && event.key.toLowerCase() === 'n') return 'newRun';
  if (event.altKey && !mod && event.key.toLowerCase() === 's') return 'newSweep';
  // event.code as well: on macOS Alt+C types "ç".
  if (event.altKey && !mod && (event.key.toLowerCase() === 'c' || event.code === 'KeyC')) return 'compare';
  return null;
}
