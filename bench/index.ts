/**
 * `npm run bench`: the engine's speed against the anchors, measured in the same run on the same data
 * (issue 3, item 6). Workloads:
 *   1. closed-form ridge on 100,000 × 100 vs numpy (gd on that shape, against numpy, and the MLP against
 *      PyTorch are the full-batch rows of bench/fullBatch.ts, which `npm run bench:engine` runs next);
 *   2. lasso path: 100 λ (glmnet's grid) on 10,000 × 100 (ρ = 0.5), standardized, vs glmnet and
 *      scikit-learn's enet_path;
 *   3. 5-fold lasso CV over 100 λ (issue 4) on 10,000 × 100: the CLI end to end (`ridgeline cv`, its pool
 *      of 2 trainer processes) and the engine alone in one process, vs cv.glmnet and LassoCV on the same
 *      folds and grid; and the engine alone on the larger workloads of issue 4 (100,000 × 200, 500 × 5,000),
 *      whose CSV files would be too large for a bench run through the CLI;
 *   4. logistic (issue 12, bench/logistic.ts): the logistic lasso path (100 λ, 10,000 × 100), 5-fold
 *      logistic CV (deviance) on 10,000 × 100 and on scikit-learn's breast-cancer data at tol 1e-12,
 *      through `ridgeline cv` and the engine alone, vs glmnet / cv.glmnet on the same folds and λ.
 * Data: glmnet's simulation design from fixed seeds (bench/data.ts), written as raw float64 files to
 * a temp folder for the anchors. Times are medians of several repeats after a warm-up (JIT), data
 * generation and file I/O excluded. Ratio = Ridgeline / anchor: below 1, Ridgeline is faster.
 * Prints a table and writes it as Markdown to bench-results/engine.md. A missing anchor is skipped
 * with a note. No assertions: speed is reported, never tested.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultLambdaGrid, fitPath } from '../shared/engine/path.ts';
import { ridgeClosedForm } from '../shared/engine/linear/ridgeClosedForm.ts';
import type { Design } from '../shared/engine/types.ts';
import { csvOf, glmnetDesign } from './data.ts';
import { fmt, log, machine, timeCli, timeMedian, writeRaw } from './common.ts';
import { cvCell, fullPathCell, randomFolds, sharedMoments } from '../shared/engine/cv.ts';
import { glmnetCv, glmnetPath, numpyRidge, sklearnLassoCv, sklearnPath, type AnchorResult } from './anchors.ts';
import { logisticBench } from './logistic.ts';

const REPEATS = 5;






interface Row {
  workload: string;
  contender: string;
  ms: number;
  anchor: string;
  anchorMs: number | null;
}
const rows: Row[] = [];
const notes: string[] = [];

function compare(workload: string, contender: string, ms: number, anchor: string, a: AnchorResult): void {
  rows.push({ workload, contender, ms, anchor, anchorMs: a.ms });
  if (a.note) notes.push(a.note);
}

const dir = mkdtempSync(join(tmpdir(), 'ridgeline-bench-'));
try {
  // ---- 1. closed-form ridge, 100,000 × 100 (gd on the same shape is a full-batch row: bench/fullBatch.ts) ----
  {
    const m = 100_000;
    const p = 100;
    log(`generating ${m} × ${p} (ρ = 0.5, seed 1)…`);
    const design = glmnetDesign(m, p, 0.5, 1);
    const xFile = writeRaw(dir, 'ridge_x.f64', design.x);
    const yFile = writeRaw(dir, 'ridge_y.f64', design.y);
    log('timing closed-form ridge…');
    const ridgeMs = timeMedian(() => ridgeClosedForm(design, 0.1, true), 3);
    compare('ridge closed form, 100,000 × 100', 'Ridgeline (Gram + Cholesky)', ridgeMs, 'numpy (Gram + solve)', numpyRidge(xFile, yFile, m, p, 0.1, 3));
  }

  // ---- 2. lasso path, 10,000 × 100 -------------------------------------------------------------
  {
    const m = 10_000;
    const p = 100;
    log(`generating ${m} × ${p} (ρ = 0.5, seed 2)…`);
    const design: Design = glmnetDesign(m, p, 0.5, 2);
    const xFile = writeRaw(dir, 'path_x.f64', design.x);
    const yFile = writeRaw(dir, 'path_y.f64', design.y);
    const pathOptions = { model: 'linear' as const, alpha: 1, standardize: true, fitIntercept: true };
    const grid = defaultLambdaGrid(design, pathOptions, 100);
    const lambdasFile = writeRaw(dir, 'path_lambdas.f64', grid);
    const thresh = 1e-7; // glmnet's default
    log('timing Ridgeline path…');
    let passes = 0;
    const pathMs = timeMedian(() => {
      passes = fitPath(design, { ...pathOptions, tol: thresh }, grid).reduce((a, q) => a + q.iterations, 0);
    }, REPEATS);
    log('timing glmnet…');
    const gl = glmnetPath(xFile, yFile, m, p, lambdasFile, 1, thresh, 'gaussian', REPEATS);
    log('timing scikit-learn…');
    const sk = sklearnPath(xFile, yFile, m, p, lambdasFile, 1, 1e-4, REPEATS);
    const label = 'lasso path: 100 λ, 10,000 × 100, ρ = 0.5';
    compare(label, `Ridgeline cd, tol ${thresh} (${passes} passes)`, pathMs, 'glmnet (thresh 1e-7)', gl);
    compare(label, `Ridgeline cd, tol ${thresh}`, pathMs, 'scikit-learn enet_path', sk);
  }

  // ---- 4. 5-fold lasso CV (issue 4) ------------------------------------------------------------
  {
    const K = 5;
    const thresh = 1e-7; // the sweeps' default for paths, and glmnet's
    const pathOptions = { model: 'linear' as const, alpha: 1, standardize: true, fitIntercept: true, tol: thresh };
    /** Folds as `ridgeline cv --folds 5` draws them (seed 0, the CLI's default), for the anchors. */
    const anchorsFor = (name: string, design: Design, grid: Float64Array, folds: Int32Array) => ({
      x: writeRaw(dir, `${name}_x.f64`, design.x),
      y: writeRaw(dir, `${name}_y.f64`, design.y),
      fold: writeRaw(dir, `${name}_fold.f64`, Float64Array.from(folds, (f) => f + 1)),
      lambdas: writeRaw(dir, `${name}_lambdas.f64`, grid),
    });
    /**
     * The engine alone: the K fold cells and the full-data path, one after another in this process,
     * sharing one set of fold moments as a trainer process running them all would.
     */
    const engineCv = (design: Design, grid: Float64Array, folds: Int32Array): void => {
      const moments = sharedMoments(design, folds, pathOptions);
      for (let f = 0; f < K; f++) cvCell(design, folds, f, grid, pathOptions, 'mse', moments);
      fullPathCell(design, grid, pathOptions, moments);
    };

    {
      const m = 10_000;
      const p = 100;
      log(`generating ${m} × ${p} (ρ = 0.5, seed 3) and its CSV…`);
      const design = glmnetDesign(m, p, 0.5, 3);
      const grid = defaultLambdaGrid(design, pathOptions, 100);
      const folds = randomFolds(m, K, 0);
      const files = anchorsFor('cv', design, grid, folds);
      const csv = join(dir, 'cv.csv');
      writeFileSync(csv, csvOf(design));
      const label = '5-fold lasso CV, 100 λ, 10,000 × 100';
      log('timing ridgeline cv (CLI, 2 trainer processes)…');
      const cli = timeCli(['cv', '--data', csv, '--target', 'y', '--alpha', '1', '--folds', String(K), '--n-lambda', '100', '--json'], 3);
      log('timing the engine alone…');
      const engineMs = timeMedian(() => engineCv(design, grid, folds), 3);
      log('timing cv.glmnet…');
      const gl = glmnetCv(files.x, files.y, files.fold, m, p, files.lambdas, K, thresh, 3);
      log('timing scikit-learn LassoCV…');
      const sk = sklearnLassoCv(files.x, files.y, files.fold, m, p, files.lambdas, 1e-4, 3);
      if (cli) {
        compare(label, `ridgeline cv CLI, wall (incl. Node start, CSV ${fmt(cli.loadMs)} ms)`, cli.wallMs, 'cv.glmnet', gl);
        compare(label, 'ridgeline cv CLI, timings.fitMs (pool start + cells + refits)', cli.fitMs, 'cv.glmnet', { ms: gl.ms, note: '' });
      } else {
        notes.push('ridgeline cv CLI skipped: the command failed (see stderr above)');
      }
      compare(label, 'engine alone: 5 cells + full path, 1 process', engineMs, 'cv.glmnet', { ms: gl.ms, note: '' });
      compare(label, 'engine alone: 5 cells + full path, 1 process', engineMs, 'scikit-learn LassoCV', sk);
    }

    // The larger workloads of issue 4: the engine alone, one run each (they take seconds).
    for (const [m, p, seed] of [
      [100_000, 200, 4],
      [500, 5_000, 5],
    ] as const) {
      const label = `5-fold lasso CV, 100 λ, ${m.toLocaleString('en')} × ${p.toLocaleString('en')}`;
      log(`generating ${m} × ${p} (ρ = 0.5, seed ${seed})…`);
      const design = glmnetDesign(m, p, 0.5, seed);
      const grid = defaultLambdaGrid(design, pathOptions, 100);
      const folds = randomFolds(m, K, 0);
      const files = anchorsFor(`cv${m}x${p}`, design, grid, folds);
      // The wide design's CV takes about half a second: after a warm-up (its naive-mode code is not what
      // the tall workloads above compiled), medians of 5, as cv.glmnet's (whose time moves by ±10 % between
      // runs here). The tall one takes seconds: one run.
      const wide = p > m;
      const runs = wide ? 5 : 1;
      log(`timing the engine alone on ${m} × ${p}…`);
      const engineMs = timeMedian(() => engineCv(design, grid, folds), runs, wide ? 1 : 0);
      log('timing cv.glmnet…');
      const gl = glmnetCv(files.x, files.y, files.fold, m, p, files.lambdas, K, thresh, runs);
      const what = wide ? 'median of 5' : '1 run';
      compare(label, `engine alone: 5 cells + full path, 1 process (${what})`, engineMs, `cv.glmnet (${what})`, gl);
      if (p > m) {
        notes.push(`scikit-learn LassoCV on ${m} × ${p} skipped: about 280 s here (issue 4), too slow for a bench run`);
      } else {
        log('timing scikit-learn LassoCV (about 30 s)…');
        compare(label, `engine alone: 5 cells + full path, 1 process (${what})`, engineMs, 'scikit-learn LassoCV (1 run)', sklearnLassoCv(files.x, files.y, files.fold, m, p, files.lambdas, 1e-4, 1));
      }
    }
  }

  // ---- 5. logistic rows (issue 12): path, 5-fold CV through the CLI and the engine, near-separable CV ----
  // Kept in bench/logistic.ts (`npx tsx bench/logisticOnly.ts` runs them alone).
  {
    const logistic = logisticBench(dir, REPEATS);
    rows.push(...logistic.rows);
    notes.push(...logistic.notes);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---- report -------------------------------------------------------------------------------------
const header = ['workload', 'Ridgeline', 'ms', 'anchor', 'anchor ms', 'ratio'];
const table = rows.map((r) => [r.workload, r.contender, fmt(r.ms), r.anchor, fmt(r.anchorMs), r.anchorMs === null ? 'skipped' : (r.ms / r.anchorMs).toFixed(2)]);
const widths = header.map((h, k) => Math.max(h.length, ...table.map((t) => t[k].length)));
const line = (cells: string[]): string => cells.map((c, k) => c.padEnd(widths[k])).join('  ');
const uniqueNotes = [...new Set(notes.filter(Boolean))];
console.log(`Ridgeline engine benchmark (${machine}); ratio = Ridgeline / anchor, < 1 is faster; medians of ${REPEATS}`);
console.log(line(header));
for (const t of table) console.log(line(t));
for (const n of uniqueNotes) console.log(`note: ${n}`);

const md = [
  '# Ridgeline engine benchmark',
  '',
  `${new Date().toISOString()} · ${machine} · ratio = Ridgeline time / anchor time (< 1: Ridgeline is faster) · medians of ${REPEATS} after warm-up`,
  '',
  `| ${header.join(' | ')} |`,
  `| ${header.map(() => '---').join(' | ')} |`,
  ...table.map((t) => `| ${t.join(' | ')} |`),
  '',
  ...uniqueNotes.map((n) => `- ${n}`),
  '',
].join('\n');
mkdirSync('bench-results', { recursive: true });
writeFileSync(join('bench-results', 'engine.md'), md);
console.log('written: bench-results/engine.md');
