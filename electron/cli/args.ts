/**
 * Option parsing to the CLI contract (../shared/CLI.md): `--name value`, booleans take true|false;
 * an unknown option, a missing value or a bad value is a UsageError (exit 2) naming the option.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionKind =
  | { type: 'string' }
  | { type: 'number'; min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean }
  | { type: 'boolean' }
  /** A boolean that may stand alone (`--json`) or take true|false. */
  | { type: 'flag' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'numberList'; integer?: boolean; positive?: boolean }
  | { type: 'stringList' };

export type OptionSpec = Record<string, OptionKind>;

export type ParsedValue = string | number | boolean | number[] | string[];

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, ParsedValue>;
}

export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, ParsedValue>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (value === undefined && kind.type === 'flag') {
      const next = argv[i + 1];
      if (next === 'true' || next === 'false') i++;
      value = next === 'false' ? 'false' : 'true';
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && !/^--?\d/.test(next))) throw new UsageError(`option --${name} needs a value`);
      value = next;
      i++;
    }
    if (options.has(name)) throw new UsageError(`option --${name} is given twice`);
    options.set(name, convert(name, value, kind));
  }
  return { positionals, options };
}

function convert(name: string, raw: string, kind: OptionKind): ParsedValue {
  const bad = (why: string): never => {
    throw new UsageError(`option --${name}: ${why} (got "${raw}")`);
  };
  switch (kind.type) {
    case 'string':
      if (raw.length === 0) bad('needs a non-empty value');
      return raw;
    case 'boolean':
    case 'flag':
      if (raw !== 'true' && raw !== 'false') bad('must be true or false');
      return raw === 'true';
    case 'enum':
      if (!kind.values.includes(raw)) bad(`must be one of ${kind.values.join(', ')}`);
      return raw;
    case 'number':
      return checkNumber(raw, kind, bad);
    case 'numberList': {
      const parts = raw.split(',').map((s) => s.trim());
      if (parts.some((s) => s.length === 0)) bad('must be a comma-separated list of numbers');
      return parts.map((s) => checkNumber(s, { type: 'number', integer: kind.integer, min: kind.positive ? 1 : undefined }, bad));
    }
    case 'stringList': {
      const parts = raw.split(',').map((s) => s.trim());
      if (parts.some((s) => s.length === 0)) bad('must be a comma-separated list of names');
      return parts;
    }
  }
}

function checkNumber(raw: string, kind: Extract<OptionKind, { type: 'number' }>, bad: (why: string) => never): number {
  if (raw.trim() === '') bad('must be a number');
  const value = Number(raw);
  if (!Number.isFinite(value)) bad('must be a finite number');
  if (kind.integer && !Number.isSafeInteger(value)) bad('must be an integer');
  if (kind.min !== undefined && (kind.exclusiveMin ? value <= kind.min : value < kind.min)) bad(`must be ${kind.exclusiveMin ? '>' : '≥'} ${kind.min}`);
  if (kind.max !== undefined && value > kind.max) bad(`must be ≤ ${kind.max}`);
  return value;
}

export function getOption<T extends ParsedValue>(args: ParsedArgs, name: string): T | undefined {
  return args.options.get(name) as T | undefined;
}

export function requireOption<T extends ParsedValue>(args: ParsedArgs, name: string): T {
  const value = args.options.get(name);
  if (value === undefined) throw new UsageError(`option --${name} is required`);
  return value as T;
}
