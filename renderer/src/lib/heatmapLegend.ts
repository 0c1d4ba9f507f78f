/**
 * The CV heat map's colour legend (pure: no DOM): where its "k SE" ticks go on the colour bar, so that
 * no two labels overlap. The colour of a cell is its distance from the best cvm in standard errors on
 * a log scale, t = 1 − log1p(excess / SE) / top (1 = best, brightest); a tick for k standard errors sits
 * at that t along the bar.
 */

/** Candidate ticks, in standard errors above the best: 1 first, the one that matters for λ_1se. */
export const LEGEND_STEPS = [1, 3, 10, 30, 100, 300, 1000, 3000, 10000] as const;
/** The legend's label font: 10 px, whose digits and capitals are at most ~6.5 px wide. */
const CHAR_PX = 6.5;
/** Room left between two labels. */
const GAP_PX = 6;

export interface LegendMark {
  k: number;
  /** Where along the bar, 0 (left, worst) to 1 (right, best). */
  at: number;
  label: string;
}

/** A label's width in pixels, generously estimated (the legend is laid out before it is measured). */
export const labelWidth = (label: string): number => label.length * CHAR_PX;

/**
 * The ticks to draw on a bar `widthPx` wide: each whole label inside the bar, and each at least its
 * half-width plus the neighbour's (and a gap) from the last one kept, taken from 1 SE outwards. `top` is
 * log1p(range / SE): the bar's far end.
 */
export function legendMarks(top: number, widthPx: number): LegendMark[] {
  const marks: LegendMark[] = [];
  if (!(top > 0) || !(widthPx > 0)) return marks;
  for (const k of LEGEND_STEPS) {
    const at = 1 - Math.log1p(k) / top;
    const label = `${k} SE`;
    const half = labelWidth(label) / 2;
    const x = at * widthPx;
    if (x - half < 0) break; // further ticks lie further left
    if (x + half > widthPx) continue; // too close to the bright end to label
    const last = marks[marks.length - 1];
    if (last && last.at * widthPx - x < labelWidth(last.label) / 2 + half + GAP_PX) continue;
    marks.push({ k, at, label });
  }
  return marks;
}
