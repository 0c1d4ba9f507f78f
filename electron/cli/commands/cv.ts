import { performance } from 'node:perf_hooks';
import { RidgelineError } from '../../../shared/errors.ts';
import { cvCell, foldsFromColumn, randomFolds, stratifiedFolds, summarizeCv, type CvMeasure } from '../../../shared/engine/cv.ts';
import { defaultLambdaGrid, fitPath } from '../../../shared/engine/path.ts';
import { loadCsvDesign } from '../../core/datasets/csvDesign.ts';
import { fitOptionsFrom } from '../../core/training/runService.ts';
import { UsageError, getOption, parseArgs, requireOption } from '../args.ts';
import { log, printJson } from '../output.ts';
import { FIT_OPTION_SPEC, hyperparamsFromArgs } from './fitOptions.ts';

/**
 * `ridgeline cv`: K-fold cross-validation over a λ path, cv.glmnet's definitions (see
 * shared/engine/cv.ts). The λ grid is given (--lambdas) or glmnet's default (--n-lambda,
 * --lambda-min-ratio); folds come from a column (--fold-column) or the seeded PRNG (--folds).
 */
export function cvCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, {
    ...FIT_OPTION_SPEC,
    lambdas: { type: 'numberList' },
    'n-lambda': { type: 'number', min: 1, integer: true },
    'lambda-min-ratio': { type: 'number', min: 0, max: 1, exclusiveMin: true },
    folds: { type: 'number', min: 2, integer: true },
    measure: { type: 'enum', values: ['mse', 'deviance', 'misclass', 'auc'] },
  });
  const dataPath = requireOption<string>(args, 'data');
  const target = requireOption<string>(args, 'target');
  const hyperparams = hyperparamsFromArgs(args);
  if (hyperparams.model === 'mlp') throw new UsageError('option --model: cv runs λ paths for linear and logistic models (mlp is not supported)');
  const foldColumn = getOption<string>(args, 'fold-column');
  const folds = getOption<number>(args, 'folds');
  if (foldColumn !== undefined && folds !== undefined) throw new UsageError('option --folds: give either --folds or --fold-column, not both');
  const lambdasGiven = getOption<number[]>(args, 'lambdas');
  if (lambdasGiven && (getOption(args, 'n-lambda') !== undefined || getOption(args, 'lambda-min-ratio') !== undefined)) {
    throw new UsageError('option --lambdas: give either --lambdas or --n-lambda/--lambda-min-ratio, not both');
  }
  if (getOption<string>(args, 'db') !== undefined) {
    throw new RidgelineError('BAD_OPTIONS', 'storing a cross-validation sweep (--db) is not available in this build yet; run without --db');
  }
  const measure = (getOption<CvMeasure>(args, 'measure') ?? (hyperparams.model === 'logistic' ? 'deviance' : 'mse')) as CvMeasure;
  if (hyperparams.model === 'linear' && measure !== 'mse') throw new UsageError(`option --measure: ${measure} is for logistic models; linear models use mse`);

  const loadStart = performance.now();
  const { design, folds: foldValues } = loadCsvDesign(dataPath, { target, ignore: getOption<string[]>(args, 'ignore'), foldColumn });
  const loadMs = performance.now() - loadStart;
  const options = fitOptionsFrom(hyperparams);

  const fitStart = performance.now();
  const assignment = foldValues
    ? foldsFromColumn(foldValues)
    : (() => {
        const k = folds ?? 10;
        return { folds: hyperparams.model === 'logistic' ? stratifiedFolds(design.y, k, hyperparams.seed) : randomFolds(design.m, k, hyperparams.seed), k };
      })();
  const lambdas = lambdasGiven ?? Array.from(defaultLambdaGrid(design, options, getOption<number>(args, 'n-lambda') ?? 100, getOption<number>(args, 'lambda-min-ratio')));
  const cells = [];
  for (let fold = 0; fold < assignment.k; fold++) {
    cells.push(cvCell(design, assignment.folds, fold, lambdas, options, measure));
    log(`fold ${fold + 1}/${assignment.k} done`);
  }
  const summary = summarizeCv(lambdas, cells, measure === 'auc');
  const full = fitPath(design, options, lambdas);
  const fitMs = performance.now() - fitStart;

  if (getOption<boolean>(args, 'json')) {
    printJson({
      model: hyperparams.model,
      alpha: hyperparams.alpha,
      lambdas,
      cvm: summary.cvm,
      cvsd: summary.cvsd,
      nonzero: full.map((p) => p.nonzero),
      lambdaMin: summary.lambdaMin,
      lambda1se: summary.lambda1se,
      measure,
      folds: assignment.k,
      timings: { loadMs, fitMs },
    });
  } else {
    process.stdout.write(`λ\tcvm\tcvsd\tnonzero\n`);
    lambdas.forEach((l, i) => process.stdout.write(`${l}\t${summary.cvm[i]}\t${summary.cvsd[i]}\t${full[i].nonzero}${i === summary.indexMin ? '\tλ_min' : ''}${i === summary.index1se ? '\tλ_1se' : ''}\n`));
    process.stdout.write(`lambdaMin\t${summary.lambdaMin}\nlambda1se\t${summary.lambda1se}\n`);
  }
  return 0;
}
