/**
 * A run name in two parts for a narrow column: a sweep's refit is named after its sweep, then what it is
 * ("diabetes CV · refit at λ_min = 0.0123457", or "<sweep> refit α=1, λ=0.01"), and cut at the column's
 * width such names all read "diabetes CV · refit a…". Split, the distinguishing tail goes on the first
 * line and the sweep's name on the second, each cut on its own. `lead + separator + tail` is the name.
 */
export interface SplitName {
  lead: string;
  separator: string;
  tail: string;
}

const REFIT_TAIL = /^(\S(?:.*?\S)?)(\s+·\s+|\s+)(refit\b.*)$/su;

/** The name's parts when it is a refit's (a lead that starts and ends with a non-space, then "refit …"), else null. */
export function splitRunName(name: string): SplitName | null {
  const match = REFIT_TAIL.exec(name);
  if (match === null) return null;
  const [, lead, separator, tail] = match;
  return { lead, separator, tail };
}
