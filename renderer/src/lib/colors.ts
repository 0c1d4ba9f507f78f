import { runColors } from '../state/runColors.svelte.ts';

/** What a run not in the selection is drawn with (where one is drawn at all). */
export const UNSELECTED_RUN_COLOR = 'transparent';

/**
 * A run's colour: its place in the selection's palette (state/runColors.svelte.ts), the same in every
 * view and in reports of the selection.
 */
export function runColor(runId: string): string {
  return runColors.of(runId) ?? UNSELECTED_RUN_COLOR;
}
