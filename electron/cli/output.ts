/**
 * stdout holds exactly one JSON document with --json; everything else goes to stderr. Numbers are
 * written in JavaScript's shortest round-trip form; a non-finite number (a diverged objective)
 * is written as null, since JSON has no NaN or Infinity.
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v))}\n`);
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
