/**
 * Sweep time estimates from measured costs. A cell's work is counted in units its time grows with (λ
 * values × training rows × columns or network weights × iterations); the milliseconds a unit takes come
 * from cells measured on this machine, of the same kind and on the same data, so no constant here is a
 * guess about the machine. The wall time of a set of cells is what a pool of processes taking them in
 * order needs (list scheduling), plus the sweep's measured fixed cost.
 */
import { fitsAsPath } from '../engine/cv.ts';
import { resolveSolver } from '../engine/fit.ts';
import { FISTA_DEFAULTS } from '../engine/fista.ts';
import { LOGISTIC_GD_DEFAULTS } from '../engine/logistic/gradientDescent.ts';
import { GD_DEFAULTS } from '../engine/linear/gradientDescent.ts';
import { MLP_GD_DEFAULTS } from '../engine/mlp/gradientDescent.ts';
import { MLP_FISTA_DEFAULTS } from '../engine/mlp/proximalGradient.ts';
import { STOCHASTIC_DEFAULTS } from '../engine/stochastic/stochasticSession.ts';
import type { FitOptions } from '../engine/types.ts';

/** Cells of one family cost about the same per unit: the model, the solver it resolves to, and the task. */
export function costFamily(options: FitOptions, p: number): string {
  const solver = resolveSolver({ p }, options);
  return `${options.model}/${fitsAsPath(options) ? 'path' : solver}${options.model === 'mlp' ? `/${options.task ?? 'regression'}` : ''}`;
}

/** Multiply-adds per row and iteration: the columns, or an MLP's weights (inputs → hidden layers → one output). */
export function workWidth(options: Pick<FitOptions, 'model' | 'hidden'>, p: number): number {
  if (options.model !== 'mlp') return Math.max(1, p);
  const sizes = [p, ...options.hidden, 1];
  let weights = 0;
  for (let l = 1; l < sizes.length; l++) weights += sizes[l - 1] * sizes[l];
  return Math.max(1, weights);
}

/** The iterations a fit may run: the options' own, else the engine's default for its solver. A path counts as one. */
export function iterationBudget(options: FitOptions, p: number): number {
  if (fitsAsPath(options)) return 1;
  if (options.maxIter !== undefined) return options.maxIter;
  const solver = resolveSolver({ p }, options);
  if (solver === 'sgd' || solver === 'adam') return STOCHASTIC_DEFAULTS.maxIter;
  if (options.model === 'mlp') return solver === 'fista' ? MLP_FISTA_DEFAULTS.maxIter : MLP_GD_DEFAULTS.maxIter;
  if (solver === 'fista') return FISTA_DEFAULTS.maxIter;
  return options.model === 'logistic' ? LOGISTIC_GD_DEFAULTS.maxIter : GD_DEFAULTS.maxIter;
}

export interface CellShape {
  kind: 'fold' | 'full';
  /** Rows of the data set, columns, and folds of the sweep. */
  m: number;
  p: number;
  folds: number;
  lambdas: number;
}

/** A cell's work units: a fold cell trains on the other folds' rows, the full cell on all of them. */
export function cellUnits(shape: CellShape, options: FitOptions): number {
  const rows = shape.kind === 'full' ? shape.m : (shape.m * (shape.folds - 1)) / shape.folds;
  return shape.lambdas * rows * workWidth(options, shape.p) * iterationBudget(options, shape.p);
}

export interface CostSample {
  units: number;
  ms: number;
}

/**
 * Milliseconds per unit: the median over the samples, null without any. The median, because the first
 * cell on each process also pays for compiling its kernels: those few slow cells are the sweep's fixed
 * cost (see overheadMs), not what every cell costs.
 */
export function msPerUnit(samples: readonly CostSample[]): number | null {
  return median(samples.filter((s) => s.units > 0 && s.ms >= 0).map((s) => s.ms / s.units));
}

/**
 * The wall time of cells taken in order by `workers` processes, each cell by the first process free
 * (how the trainer pool dispatches them).
 */
export function makespanMs(cellMs: readonly number[], workers: number): number {
  const free = new Float64Array(Math.max(1, Math.min(workers, cellMs.length)));
  for (const ms of cellMs) {
    let first = 0;
    for (let w = 1; w < free.length; w++) if (free[w] < free[first]) first = w;
    free[first] += ms;
  }
  let end = 0;
  for (const t of free) end = Math.max(end, t);
  return end;
}

/**
 * The fixed cost of a finished sweep: its elapsed time beyond what its cells need at their typical cost
 * (`cellMs` predicted from msPerUnit) on its pool. Starting processes, compiling kernels, writing the data
 * and the summary and refits go here.
 */
export function overheadMs(elapsedMs: number, cellMs: readonly number[], workers: number): number {
  return Math.max(0, elapsedMs - makespanMs(cellMs, workers));
}

/** The middle value (the mean of the two middle ones), null for none: one odd sweep does not move it. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Files a sample under its key (a family, a configuration). */
export function addSample<K>(samples: Map<K, CostSample[]>, key: K, sample: CostSample): void {
  const list = samples.get(key);
  if (list) list.push(sample);
  else samples.set(key, [sample]);
}

/** A cell of a running sweep, as far as its remaining time goes. */
export interface CellProgress {
  /** Cells are handed to the processes in index order. */
  index: number;
  configIndex: number;
  status: 'pending' | 'running' | 'completed' | 'failed';
  /** Measured, for a completed cell. */
  fitMs: number | null;
  /** Its work (cellUnits). */
  units: number;
  family: string;
}

/**
 * The time the unfinished cells of a running sweep still need, from the cells it has finished: each
 * configuration's measured milliseconds per unit (its family's when none of its own cells finished
 * yet), over the pool. The first cell each process ran is left out once later ones have finished: it
 * also paid for compiling the code. Null until a cell of every unfinished family has been measured. A
 * running cell counts whole: it may be nearly done, so this errs long by at most a cell.
 */
export function remainingMs(cells: readonly CellProgress[], workers: number): number | null {
  const finished = cells.filter((cell) => cell.status === 'completed' && cell.fitMs !== null).sort((a, b) => a.index - b.index);
  const warm = finished.length > workers ? finished.slice(workers) : finished;
  const byConfig = new Map<number, CostSample[]>();
  const byFamily = new Map<string, CostSample[]>();
  for (const cell of warm) {
    const sample = { units: cell.units, ms: cell.fitMs! };
    addSample(byConfig, cell.configIndex, sample);
    addSample(byFamily, cell.family, sample);
  }
  const left: number[] = [];
  for (const cell of cells) {
    if (cell.status === 'completed' || cell.status === 'failed') continue;
    const rate = msPerUnit(byConfig.get(cell.configIndex) ?? []) ?? msPerUnit(byFamily.get(cell.family) ?? []);
    if (rate === null) return null;
    left.push(cell.units * rate);
  }
  return makespanMs(left, workers);
}
