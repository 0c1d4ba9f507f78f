/**
 * The split of the Runs tab between the runs list (left) and the curves and details (right): the list's
 * share of the width both panels have, as the separator between them moves it (drag, arrow keys).
 */

/** Neither side is made narrower than this by a drag or a key (px). */
export const MIN_RUNS_PX = 320;
export const MIN_CURVES_PX = 360;
/** The list's share when the user has not moved the separator, unless its key columns need more. */
export const DEFAULT_RUNS_SHARE = 0.45;
/** An arrow key moves the separator this much of the width; with Shift five times as far. */
export const KEY_STEP = 0.02;

/** The share kept inside both sides' minimum widths (the middle when the width cannot hold both). */
export function clampShare(share: number, width: number): number {
  if (!(width > 0) || !Number.isFinite(share)) return DEFAULT_RUNS_SHARE;
  const low = MIN_RUNS_PX / width;
  const high = 1 - MIN_CURVES_PX / width;
  if (low > high) return 0.5;
  return Math.min(Math.max(share, low), high);
}

/** The default never gives the list more than this for columns it could do without (`wantedPx`). */
export const MAX_WANTED_SHARE = 0.5;

/**
 * The default share: DEFAULT_RUNS_SHARE, widened so that the list shows `neededPx` (the columns a run is
 * told apart by: name, status, λ, α, validation loss) without scrolling, and `wantedPx` (those and the
 * final J) as far as MAX_WANTED_SHARE; within the limits.
 */
export function defaultShare(width: number, neededPx: number, wantedPx = neededPx): number {
  if (!(width > 0)) return DEFAULT_RUNS_SHARE;
  return clampShare(Math.max(DEFAULT_RUNS_SHARE, neededPx / width, Math.min(wantedPx / width, MAX_WANTED_SHARE)), width);
}

/** The share after a key on the (vertical) separator, as WAI-ARIA's window splitter has them; null for other keys. */
export function shareAfterKey(share: number, key: string, shiftKey: boolean, width: number): number | null {
  const step = shiftKey ? KEY_STEP * 5 : KEY_STEP;
  switch (key) {
    case 'ArrowLeft':
      return clampShare(share - step, width);
    case 'ArrowRight':
      return clampShare(share + step, width);
    case 'Home':
      return clampShare(0, width);
    case 'End':
      return clampShare(1, width);
    default:
      return null;
  }
}

/** The share a pointer at `x` makes, in a row of panels that starts at `left` and is `width` wide. */
export function shareAtPointer(x: number, left: number, width: number): number {
  return clampShare((x - left) / width, width);
}

/** A stored share, if it is one (a number strictly between 0 and 1). */
export function readShare(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1 ? value : null;
}
