/**
 * The Compare view's tables and scales, from the runs' stored records alone (pure: no DOM, no Svelte):
 * hyperparameters side by side with the differing ones flagged, final metrics with the best marked
 * where "best" means something, the coefficients of every run per feature, and the axes of a
 * parallel-coordinates plot (logarithmic for λ and the learning rate).
 */
import { hyperparamApplies, lossKind, type ConditionalHyperparam } from '../../../shared/domain/hyperparamUse.ts';
import type { RunDetail } from '../../../shared/domain/runs.ts';
import { formatCompact, formatInteger, formatTick } from './format.ts';
import { formatMs } from './duration.ts';

// ---------------------------------------------------------------------------------------------
// Hyperparameters

export interface HyperparamRow {
  key: string;
  label: string;
  /** One value per run, as compared (arrays such as the hidden sizes compare by their JSON). */
  raw: unknown[];
  /** One value per run, as shown. */
  values: string[];
  /** True when the runs' raw values are not all equal. */
  differs: boolean;
}

interface HyperparamField {
  key: string;
  label: string;
  raw: (run: RunDetail) => unknown;
  format: (run: RunDetail) => string;
  /** Shown only when this holds for the runs (the MLP's architecture when an MLP is among them). */
  when?: (runs: readonly RunDetail[]) => boolean;
}

const SOLVERS_OWN = "solver's own";
const NOT_APPLICABLE = 'n/a';
const num = (value: number): string => formatCompact(value, 6);
const optional = (value: number | undefined): string => (value === undefined ? SOLVERS_OWN : num(value));
const anyMlp = (runs: readonly RunDetail[]): boolean => runs.some((run) => run.hyperparams.model === 'mlp');
const applies = (run: RunDetail, key: ConditionalHyperparam): boolean => hyperparamApplies(key, run.hyperparams, run.resolvedSolver);
/** The value where the run's solver or model reads the hyperparameter, else null (shown as n/a, compared as equal to other n/a). */
const where = <T>(run: RunDetail, key: ConditionalHyperparam, value: T): T | null => (applies(run, key) ? value : null);
const mlpOnly = <T>(run: RunDetail, value: T): T | null => where(run, 'hidden', value);

const HYPERPARAM_FIELDS: readonly HyperparamField[] = [
  { key: 'dataset', label: 'data set', raw: (r) => r.datasetId, format: (r) => r.datasetName },
  { key: 'model', label: 'model', raw: (r) => r.hyperparams.model, format: (r) => r.hyperparams.model },
  { key: 'lambda', label: 'λ (lambda)', raw: (r) => r.hyperparams.lambda, format: (r) => num(r.hyperparams.lambda) },
  { key: 'alpha', label: 'α (alpha)', raw: (r) => r.hyperparams.alpha, format: (r) => num(r.hyperparams.alpha) },
  {
    key: 'solver',
    label: 'solver',
    // `auto` resolves per data set: two `auto` runs that ran different solvers differ.
    raw: (r) => [r.hyperparams.solver, r.resolvedSolver],
    format: (r) => (r.resolvedSolver && r.resolvedSolver !== r.hyperparams.solver ? `${r.hyperparams.solver} → ${r.resolvedSolver}` : r.hyperparams.solver),
  },
  // An unset value ("solver's own") and one that does not apply (n/a) differ: the first is a choice the solver made.
  { key: 'learningRate', label: 'learning rate', raw: (r) => where(r, 'learningRate', r.hyperparams.learningRate ?? SOLVERS_OWN), format: (r) => where(r, 'learningRate', optional(r.hyperparams.learningRate)) ?? NOT_APPLICABLE },
  {
    key: 'maxIter',
    label: 'max iterations',
    raw: (r) => where(r, 'maxIter', r.hyperparams.maxIter ?? SOLVERS_OWN),
    format: (r) => where(r, 'maxIter', r.hyperparams.maxIter === undefined ? SOLVERS_OWN : formatInteger(r.hyperparams.maxIter)) ?? NOT_APPLICABLE,
  },
  { key: 'tol', label: 'tolerance', raw: (r) => where(r, 'tol', r.hyperparams.tol ?? SOLVERS_OWN), format: (r) => where(r, 'tol', optional(r.hyperparams.tol)) ?? NOT_APPLICABLE },
  { key: 'batchSize', label: 'batch size', raw: (r) => where(r, 'batchSize', r.hyperparams.batchSize), format: (r) => where(r, 'batchSize', String(r.hyperparams.batchSize)) ?? NOT_APPLICABLE },
  { key: 'momentum', label: 'momentum', raw: (r) => where(r, 'momentum', r.hyperparams.momentum), format: (r) => where(r, 'momentum', num(r.hyperparams.momentum)) ?? NOT_APPLICABLE },
  { key: 'lrDecay', label: 'learning-rate decay', raw: (r) => where(r, 'lrDecay', r.hyperparams.lrDecay), format: (r) => where(r, 'lrDecay', num(r.hyperparams.lrDecay)) ?? NOT_APPLICABLE },
  { key: 'standardize', label: 'standardize', raw: (r) => r.hyperparams.standardize, format: (r) => String(r.hyperparams.standardize) },
  { key: 'fitIntercept', label: 'fit intercept', raw: (r) => r.hyperparams.fitIntercept, format: (r) => String(r.hyperparams.fitIntercept) },
  { key: 'init', label: 'initialization', raw: (r) => r.hyperparams.init, format: (r) => r.hyperparams.init },
  { key: 'seed', label: 'seed', raw: (r) => r.hyperparams.seed, format: (r) => String(r.hyperparams.seed) },
  { key: 'validationFraction', label: 'validation share', raw: (r) => r.hyperparams.validationFraction, format: (r) => num(r.hyperparams.validationFraction) },
  { key: 'testFraction', label: 'test share', raw: (r) => r.hyperparams.testFraction, format: (r) => num(r.hyperparams.testFraction) },
  { key: 'hidden', label: 'hidden layers', raw: (r) => mlpOnly(r, r.hyperparams.hidden), format: (r) => mlpOnly(r, r.hyperparams.hidden.join(' × ')) ?? NOT_APPLICABLE, when: anyMlp },
  { key: 'activation', label: 'activation', raw: (r) => mlpOnly(r, r.hyperparams.activation), format: (r) => mlpOnly(r, r.hyperparams.activation) ?? NOT_APPLICABLE, when: anyMlp },
  { key: 'task', label: 'task', raw: (r) => mlpOnly(r, r.hyperparams.task), format: (r) => mlpOnly(r, r.hyperparams.task) ?? NOT_APPLICABLE, when: anyMlp },
];

/** A value's identity for "do the runs differ": JSON, so arrays compare by content (undefined and null alike). */
const identity = (value: unknown): string => JSON.stringify(value) ?? 'null';

/** The hyperparameters of the runs side by side, each row flagged when its values differ. */
export function hyperparamRows(runs: readonly RunDetail[]): HyperparamRow[] {
  return HYPERPARAM_FIELDS.filter((field) => field.when === undefined || field.when(runs)).map((field) => {
    const raw = runs.map(field.raw);
    return {
      key: field.key,
      label: field.label,
      raw,
      values: runs.map(field.format),
      differs: new Set(raw.map(identity)).size > 1,
    };
  });
}

/** The rows the table shows: all of them, or only those whose values differ. */
export function visibleHyperparamRows(rows: readonly HyperparamRow[], onlyDifferences: boolean): HyperparamRow[] {
  return onlyDifferences ? rows.filter((row) => row.differs) : rows.slice();
}

// ---------------------------------------------------------------------------------------------
// Coefficients and sparsity

const INTERCEPT = '(intercept)';
/** MLP parameters are named `layer{l}.w[i,j]` (weights, penalized) and `layer{l}.b[i]` (biases, not). */
const MLP_WEIGHT = /^layer\d+\.w\[/;

/** The penalized parameters of a run: the coefficients of a linear model, the weights of an MLP. */
function penalizedValues(run: RunDetail): number[] {
  if (run.hyperparams.model === 'mlp') return run.parameters.filter((p) => MLP_WEIGHT.test(p.name)).map((p) => p.value);
  return run.parameters.filter((p) => p.name !== INTERCEPT).map((p) => p.value);
}

export interface Sparsity {
  /** What was counted: a linear model's coefficients or an MLP's weights (biases are never penalized). */
  of: 'coefficients' | 'weights';
  total: number;
  zeros: number;
  nonzero: number;
  /** Share of exact zeros, zeros / total; null when the run has no stored parameters. */
  share: number | null;
}

/** Exact zeros among the penalized parameters (what L1 produces with cd, fista, sgd and adam). */
export function sparsityOf(run: RunDetail): Sparsity {
  const values = penalizedValues(run);
  const zeros = values.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
  return {
    of: run.hyperparams.model === 'mlp' ? 'weights' : 'coefficients',
    total: values.length,
    zeros,
    nonzero: values.length - zeros,
    share: values.length === 0 ? null : zeros / values.length,
  };
}

export interface CoefficientTable {
  /** The union of the runs' feature names, in the order they first appear. */
  features: string[];
  /** values[f][r]: run r's coefficient of feature f; NaN where that run has none. */
  values: number[][];
  /** Each run's intercept (null when it has none: an MLP, or no stored parameters). */
  intercepts: (number | null)[];
  /** Per run: why it has no per-feature coefficients, else null. */
  notes: (string | null)[];
}

/** Every run's coefficient of every feature; MLP runs have none (their first layer mixes the features). */
export function coefficientTable(runs: readonly RunDetail[]): CoefficientTable {
  const features: string[] = [];
  const index = new Map<string, number>();
  const perRun = runs.map((run) => {
    if (run.hyperparams.model === 'mlp') return new Map<string, number>();
    const byName = new Map<string, number>();
    for (const p of run.parameters) {
      if (p.name === INTERCEPT) continue;
      byName.set(p.name, p.value);
      if (!index.has(p.name)) {
        index.set(p.name, features.length);
        features.push(p.name);
      }
    }
    return byName;
  });
  return {
    features,
    values: features.map((name) => perRun.map((byName) => byName.get(name) ?? Number.NaN)),
    intercepts: runs.map((run) => (run.hyperparams.model === 'mlp' ? null : (run.parameters.find((p) => p.name === INTERCEPT)?.value ?? null))),
    notes: runs.map((run) => {
      if (run.hyperparams.model === 'mlp') return 'an MLP has no per-feature coefficients (its first layer mixes the features)';
      if (run.parameters.length === 0) return 'no parameters were stored (the run did not finish)';
      return null;
    }),
  };
}

/**
 * The features a chart with room for `limit` groups draws: all of them when they fit, else the
 * `limit` with the largest |coefficient| in any run, kept in their table order.
 */
export function featuresToDraw(table: CoefficientTable, limit: number): number[] {
  const all = table.features.map((_, f) => f);
  if (all.length <= limit) return all;
  const size = (f: number): number => table.values[f].reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  const sizes = all.map(size);
  return all
    .slice()
    .sort((a, b) => sizes[b] - sizes[a] || a - b)
    .slice(0, limit)
    .sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Final metrics

export type CompareMetricKey = 'objective' | 'dataLoss' | 'validationLoss' | 'testLoss' | 'suboptimality' | 'iterations' | 'fitMs' | 'nonzero' | 'sparsity';

export interface MetricDefinition {
  key: CompareMetricKey;
  label: string;
  /**
   * Whether the lowest value is marked best: only for losses on held-out rows, the one measure of how
   * good a model is that runs with different λ share (and only between runs holding out the same rows).
   */
  ranked: boolean;
  /** What the row measures, and for the rows never ranked, why (the table's hover text). */
  about: string;
}

const COMPARE_METRICS: readonly MetricDefinition[] = [
  {
    key: 'objective',
    label: 'objective J',
    ranked: false,
    about: 'The penalized training objective each run minimized. Not ranked: runs with another λ or α minimize another objective, and the least penalized one is lowest by construction.',
  },
  {
    key: 'dataLoss',
    label: 'data loss',
    ranked: false,
    about: 'The loss on the training rows. Not ranked: it falls as λ falls, so the least regularized run wins by construction; held-out losses say which model generalizes.',
  },
  { key: 'validationLoss', label: 'validation loss', ranked: true, about: 'The loss on the held-out validation rows at the last step. Ranked between runs on the same data set, loss and validation rows.' },
  { key: 'testLoss', label: 'test loss', ranked: true, about: 'The loss on the held-out test rows, measured once on the final parameters. Ranked between runs on the same data set, loss and test rows.' },
  {
    key: 'suboptimality',
    label: 'J − J*',
    ranked: false,
    about: 'How far the solver stopped from the optimum of the run’s own objective: the solver’s accuracy, not the model’s quality. Not ranked.',
  },
  { key: 'iterations', label: 'iterations', ranked: false, about: 'Parameter updates the solver made.' },
  { key: 'fitMs', label: 'fit time', ranked: false, about: 'Wall time of the fit.' },
  { key: 'nonzero', label: 'nonzero', ranked: false, about: 'Penalized parameters that are not exactly zero.' },
  { key: 'sparsity', label: 'sparsity (share of zeros)', ranked: false, about: 'Share of the penalized parameters that are exactly zero.' },
];

/** What the records alone do not hold: each run's last recorded validation loss, by run id. */
export interface CompareExtras {
  validationLoss?: ReadonlyMap<string, number | null>;
}

/** Whether a metric exists for this run at all (a held-out loss needs held-out rows; J* a convex problem). */
function metricApplies(run: RunDetail, key: CompareMetricKey): boolean {
  switch (key) {
    case 'validationLoss':
      return run.hyperparams.validationFraction > 0;
    case 'testLoss':
      return run.hyperparams.testFraction > 0;
    case 'suboptimality':
      return run.hyperparams.model !== 'mlp';
    default:
      return true;
  }
}

function metricValue(run: RunDetail, key: CompareMetricKey, extras: CompareExtras = {}): number | null {
  const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || Number.isNaN(v) ? null : v);
  if (!metricApplies(run, key)) return null;
  switch (key) {
    case 'objective':
      return finite(run.final.objective);
    case 'dataLoss':
      return finite(run.final.dataLoss);
    case 'validationLoss':
      return finite(extras.validationLoss?.get(run.id) ?? run.final.validationLoss);
    case 'testLoss':
      return finite(run.final.testLoss);
    case 'suboptimality':
      return finite(run.final.suboptimality);
    case 'iterations':
      return run.iterations;
    case 'fitMs':
      return finite(run.timings.fitMs ?? run.fitMs);
    case 'nonzero': {
      const s = sparsityOf(run);
      return s.total > 0 ? s.nonzero : finite(run.final.nonzero);
    }
    case 'sparsity':
      return sparsityOf(run).share;
  }
}

/** The metrics that some run has a value of (the held-out losses only when a run held rows out). */
export function availableMetrics(runs: readonly RunDetail[], extras: CompareExtras = {}): MetricDefinition[] {
  return COMPARE_METRICS.filter((m) => (m.key !== 'validationLoss' && m.key !== 'testLoss') || runs.some((run) => metricValue(run, m.key, extras) !== null));
}

export interface MetricRow {
  key: CompareMetricKey;
  label: string;
  values: (number | null)[];
  formatted: string[];
  /** Per run: holds the best value of the row (ties all marked); all false where no best applies or all values are equal. */
  best: boolean[];
  /** What the row measures (and why rows that are never ranked are not). */
  about: string;
  /** Why a row that could be ranked is not (the runs held out different rows…), else null. */
  note: string | null;
}

/**
 * What makes two runs' held-out losses the same kind of number: the data set, the loss, and the
 * held-out rows. The split is one PCG64(seed) permutation of the rows (shared/engine/validation.ts): the
 * validation rows are its first ⌈v·m⌉, the test rows the next ⌈t·m⌉, so the validation rows depend on
 * the seed and the validation share only, the test rows on both shares and the seed.
 */
function heldOutParts(run: RunDetail, key: 'validationLoss' | 'testLoss'): { data: string; loss: string; rows: string } {
  const h = run.hyperparams;
  return {
    data: run.datasetId,
    loss: lossKind(h),
    rows: identity(key === 'validationLoss' ? [h.seed, h.validationFraction] : [h.seed, h.validationFraction, h.testFraction]),
  };
}

/** Why these runs' held-out losses cannot be ranked against each other, or null when they can. */
function heldOutMismatch(runs: readonly RunDetail[], key: 'validationLoss' | 'testLoss'): string | null {
  const parts = runs.map((run) => heldOutParts(run, key));
  const differs = (part: 'data' | 'loss' | 'rows'): boolean => new Set(parts.map((p) => p[part])).size > 1;
  if (differs('data')) return 'not ranked: the runs use different data sets';
  if (differs('loss')) return 'not ranked: the runs measure different losses (squared loss and log-loss)';
  if (differs('rows')) return `not ranked: the runs hold out different ${key === 'validationLoss' ? 'validation' : 'test'} rows (another seed, or another validation or test share)`;
  return null;
}

function formatMetric(key: CompareMetricKey, value: number | null, run: RunDetail): string {
  if (value === null) return metricApplies(run, key) ? '—' : NOT_APPLICABLE;
  switch (key) {
    case 'iterations':
      return formatInteger(value);
    case 'fitMs':
      return formatMs(value);
    case 'nonzero': {
      const s = sparsityOf(run);
      return s.total > 0 ? `${formatInteger(value)} of ${formatInteger(s.total)} ${s.of}` : formatInteger(value);
    }
    case 'sparsity': {
      const s = sparsityOf(run);
      return `${formatPercent(value)} (${formatInteger(s.zeros)} of ${formatInteger(s.total)} zero)`;
    }
    default:
      return formatCompact(value, 6);
  }
}

export function formatPercent(share: number): string {
  const percent = share * 100;
  return `${percent === 0 || percent === 100 || percent >= 10 ? percent.toFixed(0) : percent.toPrecision(2)}%`;
}

/**
 * The final metrics side by side. Only held-out losses are ranked: the lowest is marked best among
 * the runs that have one, when they all fit the same data set with the same loss and held out the same
 * rows (runs without held-out rows show n/a and do not stop the others being ranked).
 */
export function metricRows(runs: readonly RunDetail[], extras: CompareExtras = {}): MetricRow[] {
  return availableMetrics(runs, extras).map((metric) => {
    const values = runs.map((run) => metricValue(run, metric.key, extras));
    let note: string | null = null;
    let best = values.map(() => false);
    if (metric.ranked && (metric.key === 'validationLoss' || metric.key === 'testLoss')) {
      const measured = runs.filter((_, r) => values[r] !== null && Number.isFinite(values[r]));
      note = heldOutMismatch(measured, metric.key);
      const finite = measured.map((run) => values[runs.indexOf(run)] as number);
      if (note === null && finite.length >= 2 && new Set(finite).size > 1) {
        const lowest = Math.min(...finite);
        best = values.map((v) => v === lowest);
      }
    }
    return { key: metric.key, label: metric.label, values, formatted: values.map((v, r) => formatMetric(metric.key, v, runs[r])), best, about: metric.about, note };
  });
}

// ---------------------------------------------------------------------------------------------
// Parallel coordinates

export interface AxisTick {
  value: number;
  /** Where the tick sits, 0 (bottom) to 1 (top). */
  position: number;
  label: string;
}

export interface AxisScale {
  kind: 'linear' | 'log';
  /** A log axis holding values ≤ 0: they sit at position 0, below a gap of ZERO_GAP. */
  zeroBelow: boolean;
  /** value → [0, 1]; null for a missing value. */
  position: (value: number | null) => number | null;
  ticks: AxisTick[];
}

/** Hyperparameters drawn on a logarithmic axis whatever their spread: they are chosen on log grids. */
const LOG_HYPERPARAMS: ReadonlySet<string> = new Set(['lambda', 'learningRate']);
/** Any other axis goes logarithmic when its positive values span more than this ratio (two decades). */
export const LOG_SPAN = 100;
/**
 * On a log axis, λ = 0 (and any other value ≤ 0) has no place: it sits at the bottom, position 0,
 * with a "0" (or "≤ 0") tick, and the positive values fill [ZERO_GAP, 1] above a visible gap.
 */
export const ZERO_GAP = 0.12;
/** Ticks closer than this (in axis positions) to a tick already placed are left out. */
const TICK_CLEARANCE = 0.08;

const finiteValues = (values: readonly (number | null)[]): number[] => values.filter((v): v is number => v !== null && Number.isFinite(v));

/** Whether an axis of these values is drawn logarithmically (`forceLog` for λ and the learning rate). */
function prefersLog(values: readonly (number | null)[], forceLog: boolean): boolean {
  const positive = finiteValues(values).filter((v) => v > 0);
  if (positive.length === 0) return false;
  return forceLog || Math.max(...positive) / Math.min(...positive) > LOG_SPAN;
}

/** The axis of these values: logarithmic when `prefersLog`, else linear over the values' extent. */
export function axisScale(values: readonly (number | null)[], forceLog = false): AxisScale {
  return prefersLog(values, forceLog) ? logScale(values) : linearScale(values);
}

function addTick(ticks: AxisTick[], tick: AxisTick): void {
  if (ticks.every((t) => Math.abs(t.position - tick.position) >= TICK_CLEARANCE)) ticks.push(tick);
}

function logScale(values: readonly (number | null)[]): AxisScale {
  const all = finiteValues(values);
  const positive = all.filter((v) => v > 0);
  const nonPositive = all.filter((v) => v <= 0);
  if (positive.length === 0) return linearScale(values);
  const lo = Math.log10(Math.min(...positive));
  const hi = Math.log10(Math.max(...positive));
  const base = nonPositive.length > 0 ? ZERO_GAP : 0;
  const position = (value: number | null): number | null => {
    if (value === null || Number.isNaN(value)) return null;
    if (value <= 0) return 0;
    if (hi === lo) return base > 0 ? 1 : 0.5;
    return base + ((1 - base) * (Math.log10(value) - lo)) / (hi - lo);
  };
  const ticks: AxisTick[] = [];
  if (nonPositive.length > 0) ticks.push({ value: Math.min(...nonPositive), position: 0, label: nonPositive.every((v) => v === 0) ? '0' : '≤ 0' });
  // Powers of ten inside the range (every k-th when there are many), then the ends where there is room.
  const first = Math.ceil(lo - 1e-9);
  const last = Math.floor(hi + 1e-9);
  const step = Math.max(1, Math.ceil((last - first + 1) / 7));
  for (let e = first; e <= last; e += step) {
    const value = Number(`1e${e}`);
    addTick(ticks, { value, position: position(value) ?? 0, label: formatTick(value) });
  }
  for (const value of [Math.min(...positive), Math.max(...positive)]) addTick(ticks, { value, position: position(value) ?? 0, label: formatTick(value) });
  return { kind: 'log', zeroBelow: base > 0, position, ticks: ticks.sort((a, b) => a.position - b.position) };
}

/** A step of 1, 2 or 5 times a power of ten near `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
}

/** A linear value axis through `min`..`max` (zero included by the caller when bars start there): round ends and ticks. */
export function niceTicks(min: number, max: number, count = 5): { min: number; max: number; ticks: number[] } {
  if (!(Number.isFinite(min) && Number.isFinite(max))) return { min: 0, max: 1, ticks: [0, 1] };
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) / 2;
    return niceTicks(min - pad, max + pad, count);
  }
  const step = niceStep((max - min) / count);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let k = Math.round(lo / step); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { min: lo, max: hi, ticks };
}

function linearScale(values: readonly (number | null)[]): AxisScale {
  const all = finiteValues(values);
  if (all.length === 0) return { kind: 'linear', zeroBelow: false, position: () => null, ticks: [] };
  const min = Math.min(...all);
  const max = Math.max(...all);
  const position = (value: number | null): number | null => {
    if (value === null || Number.isNaN(value)) return null;
    if (max === min) return 0.5;
    return (value - min) / (max - min);
  };
  if (max === min) return { kind: 'linear', zeroBelow: false, position, ticks: [{ value: min, position: 0.5, label: formatTick(min) }] };
  const ticks: AxisTick[] = [
    { value: min, position: 0, label: formatTick(min) },
    { value: max, position: 1, label: formatTick(max) },
  ];
  const step = niceStep((max - min) / 4);
  for (let k = Math.ceil(min / step); k * step <= max; k++) {
    const value = Number((k * step).toPrecision(12));
    addTick(ticks, { value, position: position(value) ?? 0, label: formatTick(value) });
  }
  return { kind: 'linear', zeroBelow: false, position, ticks: ticks.sort((a, b) => a.position - b.position) };
}

export interface ParallelAxis {
  key: string;
  label: string;
  scale: AxisScale;
  values: (number | null)[];
  /** Each run's place on the axis, 0 (bottom) to 1 (top); null where the run has no value. */
  positions: (number | null)[];
}

interface NumericHyperparam {
  key: string;
  label: string;
  value: (run: RunDetail) => number | null;
}

/** The numeric hyperparameters a parallel-coordinates plot can draw (the seed is a label, not a quantity). */
const NUMERIC_HYPERPARAMS: readonly NumericHyperparam[] = [
  { key: 'lambda', label: 'λ', value: (r) => r.hyperparams.lambda },
  { key: 'alpha', label: 'α', value: (r) => r.hyperparams.alpha },
  // Where a solver does not read a hyperparameter, its run has no point on that axis.
  { key: 'learningRate', label: 'learning rate', value: (r) => where(r, 'learningRate', r.hyperparams.learningRate ?? null) },
  { key: 'maxIter', label: 'max iter.', value: (r) => where(r, 'maxIter', r.hyperparams.maxIter ?? null) },
  { key: 'tol', label: 'tolerance', value: (r) => where(r, 'tol', r.hyperparams.tol ?? null) },
  { key: 'batchSize', label: 'batch size', value: (r) => where(r, 'batchSize', r.hyperparams.batchSize) },
  { key: 'momentum', label: 'momentum', value: (r) => where(r, 'momentum', r.hyperparams.momentum) },
  { key: 'lrDecay', label: 'lr decay', value: (r) => where(r, 'lrDecay', r.hyperparams.lrDecay) },
  { key: 'validationFraction', label: 'validation share', value: (r) => r.hyperparams.validationFraction },
  { key: 'testFraction', label: 'test share', value: (r) => r.hyperparams.testFraction },
];

function axisOf(key: string, label: string, values: (number | null)[], forceLog: boolean): ParallelAxis {
  const scale = axisScale(values, forceLog);
  return { key, label, scale, values, positions: values.map(scale.position) };
}

/**
 * One axis per numeric hyperparameter whose values differ between the runs (λ and the learning
 * rate on log axes), then the chosen metric's axis (log when it spans more than two decades).
 */
export function parallelAxes(runs: readonly RunDetail[], metric: CompareMetricKey, extras: CompareExtras = {}): ParallelAxis[] {
  const axes = NUMERIC_HYPERPARAMS.flatMap((h) => {
    const values = runs.map(h.value);
    return new Set(finiteValues(values)).size > 1 ? [axisOf(h.key, h.label, values, LOG_HYPERPARAMS.has(h.key))] : [];
  });
  const definition = COMPARE_METRICS.find((m) => m.key === metric);
  axes.push(axisOf(`metric:${metric}`, definition?.label ?? metric, runs.map((run) => metricValue(run, metric, extras)), false));
  return axes;
}
