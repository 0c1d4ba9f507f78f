import { cvCell, fitsAsPath, randomFolds, type CvMeasure } from '../../../shared/engine/cv.ts';
import { subsetRows } from '../../../shared/engine/design.ts';
import { startFit } from '../../../shared/engine/fit.ts';
import type { Design, FitOptions } from '../../../shared/engine/types.ts';
import { cellUnits, iterationBudget, workWidth } from '../../../shared/sweeps/timeEstimate.ts';

/**
 * This process's CPU time in milliseconds. Probes are timed by it rather than by the clock: a probe of a
 * few milliseconds on a busy machine can be paused for as long as it runs, and one such pause would
 * multiply the estimate; the CPU time is the work itself.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Rows × columns (or weights) of a fit probe's sample at most: a pass over it takes a fraction of a millisecond. */
const FIT_PROBE_WORK = 200_000;
/** Rows × columns × λ values of a path probe's smaller sample at most: its path takes tens of milliseconds. */
const PATH_PROBE_WORK = 4_000_000;
/** The rows a path probe first runs on, while its code is compiled. */
const WARM_UP_ROWS = 500;
const PROBE_MIN_ROWS = 50;
const PROBE_FOLDS = 5;
/** How long a probe fit may iterate before the rest of its iterations are extrapolated. */
const PROBE_FIT_MS = 15;
/** Probe fits run (the first while its code is compiled). */
const FIT_PROBE_RUNS = 4;

export interface ProbeResult {
  /** Milliseconds per work unit of a fold cell of the real size. */
  msPerUnit: number;
  /** The first run's extra time: what a fresh trainer process spends compiling this code before its first cell. */
  warmUpMs: number;
}

/** The first `rows` rows, with a fold table of PROBE_FOLDS folds. */
function sampleOf(design: Design, rows: number): { sample: Design; folds: Int32Array; trainRows: number } {
  const sample = rows >= design.m ? design : subsetRows(design, (i) => i < rows);
  const folds = randomFolds(sample.m, Math.min(PROBE_FOLDS, sample.m), 0);
  let held = 0;
  for (const f of folds) held += f === 0 ? 1 : 0;
  return { sample, folds, trainRows: sample.m - held };
}

/**
 * The cost of a fold cell of these options on these data, measured here on samples of the rows, with
 * the cell's own code: a path cell (cvCell), or for one fit per λ, the fit of the middle λ. A cell's
 * time grows with its training rows as a + b·rows (the per-λ work besides the rows is `a`), so a path
 * is timed on two sample sizes and the line taken to the real size. The first runs, while the code is
 * compiled, are not counted. Takes some tens of milliseconds, a few hundred the first time in a process.
 */
export function probeCellCost(design: Design, options: FitOptions, lambdas: Float64Array, measure: CvMeasure, folds: number): ProbeResult {
  const realFold = { kind: 'fold' as const, m: design.m, p: design.p, folds, lambdas: lambdas.length };
  const realTrainRows = (design.m * (folds - 1)) / folds;
  if (fitsAsPath(options)) {
    const timeCell = (rows: number): { ms: number; trainRows: number } => {
      const { sample, folds: table, trainRows } = sampleOf(design, rows);
      const started = cpuMs();
      cvCell(sample, table, 0, lambdas, options, measure);
      return { ms: cpuMs() - started, trainRows };
    };
    const warmUpRows = Math.min(design.m, WARM_UP_ROWS);
    const cold = timeCell(warmUpRows);
    timeCell(warmUpRows);
    const rows = Math.min(design.m, Math.max(warmUpRows, PROBE_MIN_ROWS, Math.floor(PATH_PROBE_WORK / (lambdas.length * workWidth(options, design.p)))));
    const small = timeCell(rows);
    const large = rows < design.m ? timeCell(Math.min(design.m, 2 * rows)) : small;
    const slope = large.trainRows > small.trainRows && large.ms > small.ms ? (large.ms - small.ms) / (large.trainRows - small.trainRows) : large.ms / large.trainRows;
    const intercept = Math.max(0, large.ms - slope * large.trainRows);
    return { msPerUnit: (intercept + slope * realTrainRows) / cellUnits(realFold, options), warmUpMs: Math.max(0, cold.ms - (intercept + slope * cold.trainRows)) };
  }
  const { sample, folds: table } = sampleOf(design, Math.max(PROBE_MIN_ROWS, Math.floor(FIT_PROBE_WORK / workWidth(options, design.p))));
  const train = subsetRows(sample, (i) => table[i] !== 0);
  const probe = { ...options, lambda: lambdas[lambdas.length >> 1] };
  // The code is compiled in tiers as it runs: the fastest of a few fits is what a long-running cell sees.
  const cold = probeFit(train, probe);
  let warm = probeFit(train, probe);
  for (let run = 0; run < FIT_PROBE_RUNS - 2; run++) {
    const again = probeFit(train, probe);
    if (again.setupMs + again.stepMs * again.steps < warm.setupMs + warm.stepMs * warm.steps) warm = again;
  }
  // Fits are linear in their rows: the sample's fit time scaled to a real fold's training rows, per λ.
  const fitMs = warm.setupMs + warm.stepMs * warm.steps;
  return {
    msPerUnit: (fitMs * (realTrainRows / train.m) * lambdas.length) / cellUnits(realFold, options),
    warmUpMs: Math.max(0, cold.setupMs + cold.stepMs * cold.measuredSteps - (warm.setupMs + warm.stepMs * cold.measuredSteps)),
  };
}

/**
 * One fit: its start-up, its time per iteration, and the iterations it runs: to its end when that is
 * quick (its own stopping rule decides), otherwise the iterations it may run.
 */
function probeFit(design: Design, options: FitOptions): { setupMs: number; stepMs: number; steps: number; measuredSteps: number } {
  const t0 = cpuMs();
  const session = startFit(design, options);
  const setupMs = cpuMs() - t0;
  const t1 = cpuMs();
  for (let steps = 1; !session.finished && cpuMs() - t1 < PROBE_FIT_MS; steps *= 2) session.advance(steps);
  const iterateMs = cpuMs() - t1;
  const measuredSteps = Math.max(1, session.stepCount - 1);
  const finished = session.finished;
  session.cancel();
  return { setupMs, stepMs: iterateMs / measuredSteps, steps: finished ? measuredSteps : iterationBudget(options, design.p), measuredSteps };
}
