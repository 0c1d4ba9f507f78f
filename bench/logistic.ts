/**
 * The logistic rows of `npm run bench` (issue 12): Ridgeline's proximal-Newton coordinate descent
 * (shared/engine/cd/logisticCd.ts) against glmnet in the same run, on the same data, folds and λ.
 *   1. the logistic lasso path, 100 λ (glmnet's grid), 10,000 × 100, ρ = 0.5, thresh/tol 1e-7;
 *   2. 5-fold logistic lasso CV (deviance) on the same design, on glmnet's own λ sequence (its default
 *      grid stopped early), through `ridgeline cv` (timings.fitMs, 2 trainer processes) and the engine
 *      alone (5 cells + the full path, 1 process), vs cv.glmnet with the same foldid and λ;
 *   3. the same CV on scikit-learn's breast-cancer data (569 × 30, nearly separable), tol/thresh 1e-12.
 * Medians after a warm-up; a missing anchor (R/glmnet, scikit-learn for the data) skips its row with a note.
 * `npx tsx bench/logisticOnly.ts` runs these rows alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cvCell, fullPathCell, randomFolds } from '../shared/engine/cv.ts';
import { defaultLambdaGrid, fitPath } from '../shared/engine/path.ts';
import type { Design } from '../shared/engine/types.ts';
import { glmnetPath, type AnchorResult } from './anchors.ts';
import { log, timeCli, timeMedian, writeRaw } from './common.ts';
import { csvOf, logisticDesign } from './data.ts';
import { breastCancer, glmnetBinomialCv, glmnetBinomialGrid } from './logisticAnchors.ts';

export interface BenchRow {
  workload: string;
  contender: string;
  ms: number;
  anchor: string;
  anchorMs: number | null;
}

const K = 5;



function readRaw(file: string): Float64Array {
  const b = readFileSync(file);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}


/** `ridgeline cv` as a user runs it: medians of its timings.fitMs and wall time, and its λ_min / λ_1se. */
interface CliCv {
  fitMs: number;
  wallMs: number;
  lambdaMin: number;
  lambda1se: number;
}

function timeCliCv(args: string[], repeats: number): CliCv | null {
  const timed = timeCli(args, repeats);
  return timed && { fitMs: timed.fitMs, wallMs: timed.wallMs, lambdaMin: timed.last.lambdaMin as number, lambda1se: timed.last.lambda1se as number };
}

/** The engine alone: the K fold cells and the full-data path, one after another in this process. */
function engineCv(design: Design, grid: ArrayLike<number>, folds: Int32Array, tol: number): void {
  const options = { model: 'logistic' as const, alpha: 1, standardize: true, fitIntercept: true, tol };
  for (let f = 0; f < K; f++) cvCell(design, folds, f, grid, options, 'deviance');
  fullPathCell(design, grid, options);
}

export function logisticBench(dir: string, repeats: number): { rows: BenchRow[]; notes: string[] } {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const compare = (workload: string, contender: string, ms: number, anchor: string, a: AnchorResult): void => {
    rows.push({ workload, contender, ms, anchor, anchorMs: a.ms });
    if (a.note) notes.push(a.note);
  };

  const m = 10_000;
  const p = 100;
  log(`generating logistic ${m} × ${p} (ρ = 0.5, seed 3)…`);
  const design = logisticDesign(m, p, 0.5, 3);
  const xFile = writeRaw(dir, 'logit_x.f64', design.x);
  const yFile = writeRaw(dir, 'logit_y.f64', design.y);

  // ---- 1. the path, 100 λ ----
  {
    const options = { model: 'logistic' as const, alpha: 1, standardize: true, fitIntercept: true, tol: 1e-7 };
    const grid = defaultLambdaGrid(design, options, 100);
    const lambdasFile = writeRaw(dir, 'logit_path_lambdas.f64', grid);
    log('timing Ridgeline logistic path…');
    let iterations = 0;
    const ms = timeMedian(() => {
      iterations = fitPath(design, options, grid).reduce((a, q) => a + q.iterations, 0);
    }, repeats);
    log('timing glmnet binomial path…');
    const gl = glmnetPath(xFile, yFile, m, p, lambdasFile, 1, 1e-7, 'binomial', repeats);
    compare(`logistic lasso path: 100 λ, ${m.toLocaleString('en')} × ${p}, ρ = 0.5`, `Ridgeline cd, tol 1e-7 (${iterations} Newton steps)`, ms, 'glmnet binomial (thresh 1e-7)', gl);
  }

  // ---- 2. 5-fold CV, 10,000 × 100, glmnet's own λ sequence ----
  const folds = randomFolds(m, K, 0); // what `ridgeline cv --folds 5` draws (seed 0)
  const foldFile = writeRaw(dir, 'logit_fold.f64', Float64Array.from(folds, (f) => f + 1));
  const grid = glmnetBinomialGrid(xFile, yFile, m, p, 1e-7, join(dir, 'logit_cv_lambdas.f64'));
  if (!grid.lambdas) {
    notes.push(`logistic CV 10,000 × 100 skipped: its λ grid is glmnet's (${grid.note})`);
  } else {
    const lambdas = grid.lambdas;
    const label = `5-fold logistic lasso CV, deviance, glmnet's λ (${lambdas.length}), ${m.toLocaleString('en')} × ${p}, tol 1e-7`;
    const csv = join(dir, 'logit_cv.csv');
    writeFileSync(csv, csvOf(design));
    log('timing ridgeline cv --model logistic (CLI, 2 trainer processes)…');
    const cli = timeCliCv(cliArgs(csv, lambdas, 1e-7), repeats >= 3 ? 3 : repeats);
    log('timing the engine alone…');
    const engineMs = timeMedian(() => engineCv(design, lambdas, folds, 1e-7), Math.min(repeats, 3));
    log('timing cv.glmnet binomial…');
    const gl = glmnetBinomialCv(xFile, yFile, foldFile, m, p, join(dir, 'logit_cv_lambdas.f64'), K, 1e-7, 3);
    addCvRows(label, cli, engineMs, gl, compare, notes);
  }

  // ---- 3. 5-fold CV, breast cancer (569 × 30), tol 1e-12 ----
  const bcX = join(dir, 'bc_x.f64');
  const bcY = join(dir, 'bc_y.f64');
  const shape = breastCancer(bcX, bcY);
  if (!shape) {
    notes.push('logistic CV on breast cancer skipped: scikit-learn (its load_breast_cancer) is not installed');
  } else {
    const bc: Design = { x: readRaw(bcX), y: readRaw(bcY), m: shape.m, p: shape.p, featureNames: Array.from({ length: shape.p }, (_, j) => `x${j + 1}`) };
    const bcFolds = randomFolds(bc.m, K, 0);
    const bcFoldFile = writeRaw(dir, 'bc_fold.f64', Float64Array.from(bcFolds, (f) => f + 1));
    const bcGrid = glmnetBinomialGrid(bcX, bcY, bc.m, bc.p, 1e-12, join(dir, 'bc_lambdas.f64'));
    if (!bcGrid.lambdas) {
      notes.push(`logistic CV on breast cancer skipped: its λ grid is glmnet's (${bcGrid.note})`);
    } else {
      const lambdas = bcGrid.lambdas;
      const label = `5-fold logistic lasso CV, deviance, breast cancer ${bc.m} × ${bc.p} (near-separable), glmnet's λ (${lambdas.length}), tol 1e-12`;
      const csv = join(dir, 'bc.csv');
      writeFileSync(csv, csvOf(bc));
      log('timing ridgeline cv on breast cancer (CLI)…');
      const cli = timeCliCv(cliArgs(csv, lambdas, 1e-12), repeats >= 3 ? 3 : repeats);
      log('timing the engine alone on breast cancer…');
      const engineMs = timeMedian(() => engineCv(bc, lambdas, bcFolds, 1e-12), Math.min(repeats, 3));
      log('timing cv.glmnet on breast cancer…');
      const gl = glmnetBinomialCv(bcX, bcY, bcFoldFile, bc.m, bc.p, join(dir, 'bc_lambdas.f64'), K, 1e-12, 3);
      addCvRows(label, cli, engineMs, gl, compare, notes);
    }
  }
  return { rows, notes };
}

function cliArgs(csv: string, lambdas: Float64Array, tol: number): string[] {
  return ['cv', '--data', csv, '--target', 'y', '--model', 'logistic', '--alpha', '1', '--standardize', 'true', '--measure', 'deviance',
    '--folds', String(K), '--tol', String(tol), '--lambdas', Array.from(lambdas).join(','), '--pool-size', '2', '--json'];
}

function addCvRows(label: string, cli: CliCv | null, engineMs: number, gl: AnchorResult, compare: (w: string, c: string, ms: number, a: string, r: AnchorResult) => void, notes: string[]): void {
  if (cli) {
    compare(label, 'ridgeline cv CLI, timings.fitMs (2 trainer processes)', cli.fitMs, 'cv.glmnet', gl);
    compare(label, 'ridgeline cv CLI, wall (incl. Node start, CSV)', cli.wallMs, 'cv.glmnet', { ms: gl.ms, note: '' });
    const ref = gl.extra as { lambdaMin?: number; lambda1se?: number } | undefined;
    if (ref?.lambdaMin !== undefined) {
      const same = cli.lambdaMin === ref.lambdaMin && cli.lambda1se === ref.lambda1se;
      notes.push(`${label}: λ_min/λ_1se ${same ? 'equal' : 'DIFFER from'} cv.glmnet's (${cli.lambdaMin.toPrecision(6)}/${cli.lambda1se.toPrecision(6)} vs ${ref.lambdaMin.toPrecision(6)}/${ref.lambda1se!.toPrecision(6)})`);
    }
  } else {
    notes.push(`${label}: ridgeline cv CLI skipped (the command failed, see stderr above)`);
  }
  compare(label, 'engine alone: 5 cells + full path, 1 process', engineMs, 'cv.glmnet', { ms: gl.ms, note: '' });
}
