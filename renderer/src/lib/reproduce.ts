import type { RunParameter } from '../../../shared/domain/runs.ts';

export interface ParameterComparison {
  /** Parameters equal bit for bit (Object.is: −0 differs from 0, NaN equals NaN). */
  identical: number;
  total: number;
  /** The first few that differ, by name, with both values. */
  differences: { name: string; original: number; again: number }[];
}

/**
 * Compares a run's learned parameters with its re-run's, name by name and bit for bit: the engine is
 * deterministic (seeded PRNG, fixed summation orders), so the same settings on the same data must
 * give the same doubles, not merely close ones. A parameter missing on either side counts as different.
 */
export function compareParameters(original: readonly RunParameter[], again: readonly RunParameter[], limit = 5): ParameterComparison {
  const byName = new Map(again.map((p) => [p.name, p.value]));
  const names = new Set([...original.map((p) => p.name), ...again.map((p) => p.name)]);
  const first = new Map(original.map((p) => [p.name, p.value]));
  let identical = 0;
  const differences: ParameterComparison['differences'] = [];
  for (const name of names) {
    const a = first.get(name);
    const b = byName.get(name);
    if (a !== undefined && b !== undefined && Object.is(a, b)) identical++;
    else if (differences.length < limit) differences.push({ name, original: a ?? Number.NaN, again: b ?? Number.NaN });
  }
  return { identical, total: names.size, differences };
}
