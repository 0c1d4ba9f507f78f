/**
 * The one categorical palette of the app and its reports: series are coloured by their position (the
 * k-th selected run, the k-th feature of a path), so the same run or feature has the same colour in the
 * curves, Compare and an exported report. Tableau's ten colours first (distinct, and readable on light and
 * dark backgrounds), then golden-angle hues at two lightnesses, so that no two of the first few dozen
 * series share a colour.
 */
export const CATEGORICAL_PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export function categoricalColor(index: number): string {
  if (index < CATEGORICAL_PALETTE.length) return CATEGORICAL_PALETTE[index];
  const k = index - CATEGORICAL_PALETTE.length;
  return `hsl(${Math.round((k * 137.508 + 20) % 360)} ${k % 2 === 0 ? 65 : 45}% ${k % 2 === 0 ? 45 : 58}%)`;
}
