// Cross-validation against cv.glmnet: every `cv` section of the *_glmnet.json references in
// test/fixtures (glmnet 4.1.6: its λ list, the data's fold column, standardize on).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auc, cvCell, foldsFromColumn, logisticError, measureError, randomFolds, stratifiedFolds, summarizeCv, type CvMeasure } from '../../shared/engine/cv.ts';
import { Pcg64 } from '../../shared/engine/random/pcg64.ts';
import { lambdaMax } from '../../shared/engine/path.ts';
import { DEFAULT_FIT_OPTIONS } from '../../shared/engine/types.ts';
import { mapLimited, runCli, runCliAsync } from '../helpers/cli.ts';
import { fixturePath, readCsvDesign, readJsonFixture, relativeError } from '../helpers/fixtures.ts';

interface GlmnetReference {
  data: string;
  target: string;
  features: string[];
  cases: { model: 'linear' | 'logistic' }[];
  cv: { alpha: number; measure: CvMeasure; nfolds: number; lambda: number[]; cvm: number[]; cvsd: number[]; lambda_min: number; lambda_1se: number };
}

const references = readdirSync(fixturePath('.')).filter((f) => f.endsWith('_glmnet.json'));

describe('cv against cv.glmnet', () => {
  it('has references to check', () => expect(references.length).toBeGreaterThanOrEqual(4));

  for (const file of references) {
    it(`${file}: cvm within 1e-4, cvsd within 1e-3, the same λ_min and λ_1se, λ_max to 1e-10`, () => {
      const ref = readJsonFixture<GlmnetReference>(file);
      const design = readCsvDesign(ref.data, ref.target, ref.features);
      const foldColumn = readCsvDesign(ref.data, 'fold', []).y;
      const { folds, k } = foldsFromColumn(foldColumn);
      expect(k).toBe(ref.cv.nfolds);
      const options = { ...DEFAULT_FIT_OPTIONS, model: ref.cases[0].model, alpha: ref.cv.alpha, standardize: true, tol: 1e-12 };
      const cells = Array.from({ length: k }, (_, fold) => cvCell(design, folds, fold, ref.cv.lambda, options, ref.cv.measure));
      const summary = summarizeCv(ref.cv.lambda, cells);
      ref.cv.cvm.forEach((expected, l) => expect(relativeError(summary.cvm[l], expected), `cvm[${l}]`).toBeLessThan(1e-4));
      ref.cv.cvsd.forEach((expected, l) => expect(relativeError(summary.cvsd[l], expected), `cvsd[${l}]`).toBeLessThan(1e-3));
      expect(summary.lambdaMin).toBe(ref.cv.lambda_min);
      expect(summary.lambda1se).toBe(ref.cv.lambda_1se);
      expect(relativeError(lambdaMax(design, options), ref.cv.lambda[0])).toBeLessThan(1e-10);
    });
  }

  it('`ridgeline cv` gives the same through the CLI for every reference (the acceptance command)', async () => {
    const outputs = await mapLimited(references, 2, async (file) => {
      const ref = readJsonFixture<GlmnetReference>(file);
      const header = readFileSync(fixturePath(ref.data), 'utf8').split('\n')[0].split(',');
      const ignore = header.filter((c) => c !== ref.target && c !== 'fold' && !ref.features.includes(c));
      const args = ['cv', '--data', fixturePath(ref.data), '--target', ref.target, '--model', ref.cases[0].model, '--alpha', String(ref.cv.alpha), '--lambdas', ref.cv.lambda.join(','),
        '--fold-column', 'fold', '--standardize', 'true', '--measure', ref.cv.measure, '--tol', '1e-12', '--json', ...(ignore.length > 0 ? ['--ignore', ignore.join(',')] : [])];
      return { ref, result: await runCliAsync(args) };
    });
    for (const { ref, result } of outputs) {
      expect(result.status, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout);
      ref.cv.cvm.forEach((expected, l) => expect(relativeError(out.cvm[l], expected), `${ref.data} cvm[${l}]`).toBeLessThan(1e-4));
      ref.cv.cvsd.forEach((expected, l) => expect(relativeError(out.cvsd[l], expected), `${ref.data} cvsd[${l}]`).toBeLessThan(1e-3));
      expect(out.lambdaMin).toBe(ref.cv.lambda_min);
      expect(out.lambda1se).toBe(ref.cv.lambda_1se);
    }
  });

  it('`ridgeline cv` details through the CLI (diabetes)', () => {
    const ref = readJsonFixture<GlmnetReference>('diabetes_glmnet.json');
    const { status, stdout, stderr } = runCli([
      'cv', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--alpha', '1', '--lambdas', ref.cv.lambda.join(','),
      '--fold-column', 'fold', '--standardize', 'true', '--measure', 'mse', '--tol', '1e-12', '--json',
    ]);
    expect(status, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ measure: 'mse', folds: 10, lambdaMin: ref.cv.lambda_min, lambda1se: ref.cv.lambda_1se });
    expect(out.lambdas).toEqual(ref.cv.lambda);
    ref.cv.cvm.forEach((expected, l) => expect(relativeError(out.cvm[l], expected)).toBeLessThan(1e-4));
    expect(out.nonzero).toHaveLength(ref.cv.lambda.length);
    // Without --lambdas: glmnet's default grid, whose first λ is glmnet's λ_max.
    const grid = JSON.parse(runCli(['cv', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--alpha', '1', '--fold-column', 'fold', '--standardize', 'true', '--json']).stdout);
    expect(grid.lambdas).toHaveLength(100);
    expect(relativeError(grid.lambdas[0], ref.cv.lambda[0])).toBeLessThan(1e-10);
  });
});

describe('cv definitions', () => {
  it('a logistic fold error from η is measureError of σ(η), bit for bit, for every measure (extreme η clipped alike)', () => {
    const rng = Pcg64.fromSeed(12);
    const m = 257;
    const eta = Float64Array.from({ length: m }, (_, i) => (i < 6 ? [800, -800, 0, 40, -40, 1e-300][i] : rng.normal() * 4));
    const y = Float64Array.from({ length: m }, (_, i) => (i % 3 === 0 ? 1 : rng.normal() > 0 ? 1 : 0));
    for (const measure of ['deviance', 'misclass', 'mse', 'auc'] as CvMeasure[]) {
      const expected = measureError(y, eta.map((e) => 1 / (1 + Math.exp(-e))), true, measure);
      expect(Object.is(logisticError(y, eta, measure), expected), measure).toBe(true);
    }
  });

  it('cvsd is the standard error of the mean over folds (their sample sd over √K), not their sd', () => {
    // Five equal folds with errors 1…5 at one λ: mean 3, sample sd √(10/4) = 1.5811…, SE = 1.5811…/√5 = √0.5.
    const errors = [1, 2, 3, 4, 5];
    const s = summarizeCv([1], errors.map((e, fold) => ({ fold, size: 20, errors: new Float64Array([e]) })));
    const sampleSd = Math.sqrt(errors.reduce((a, e) => a + (e - 3) ** 2, 0) / (errors.length - 1));
    expect(s.cvm[0]).toBe(3);
    expect(s.cvsd[0]).toBeCloseTo(sampleSd / Math.sqrt(5), 15);
    expect(s.cvsd[0]).toBeCloseTo(Math.sqrt(0.5), 15);
    expect(s.cvsd[0]).not.toBeCloseTo(sampleSd, 3);
  });

  it('cvm is the fold-size-weighted mean; cvsd the weighted spread over K − 1; λ_1se the one-SE rule', () => {
    // Two λ, three folds of sizes 1, 1, 2. At λ[0]: errors 1, 3, 2 → cvm = (1 + 3 + 4)/4 = 2,
    // variance = (1·1 + 1·1 + 2·0)/4 = 0.5, cvsd = sqrt(0.5/2) = 0.5. At λ[1]: 1.5 everywhere → cvsd 0.
    const cells = [
      { fold: 0, size: 1, errors: Float64Array.of(1, 1.5) },
      { fold: 1, size: 1, errors: Float64Array.of(3, 1.5) },
      { fold: 2, size: 2, errors: Float64Array.of(2, 1.5) },
    ];
    const s = summarizeCv([10, 1], cells);
    expect(Array.from(s.cvm)).toEqual([2, 1.5]);
    expect(Array.from(s.cvsd)).toEqual([0.5, 0]);
    expect(s.lambdaMin).toBe(1);
    expect(s.lambda1se).toBe(1); // cvm[0] = 2 > 1.5 + 0
    const wide = summarizeCv([10, 1], cells.map((c) => ({ ...c, errors: Float64Array.of(c.errors[0], c.errors[1] + (c.fold - 1)) })));
    expect(wide.lambdaMin).toBe(1);
  });

  it('random and stratified folds are balanced, seeded, and cover every row', () => {
    const folds = randomFolds(103, 5, 42);
    const counts = [0, 0, 0, 0, 0];
    folds.forEach((f) => counts[f]++);
    expect(counts.sort()).toEqual([20, 20, 21, 21, 21]);
    expect(Array.from(randomFolds(103, 5, 42))).toEqual(Array.from(folds));
    expect(Array.from(randomFolds(103, 5, 43))).not.toEqual(Array.from(folds));
    const y = Float64Array.from({ length: 50 }, (_, i) => (i < 10 ? 1 : 0));
    const strat = stratifiedFolds(y, 5, 1);
    for (let f = 0; f < 5; f++) expect(Array.from(strat).filter((v, i) => v === f && y[i] === 1)).toHaveLength(2);
    expect(() => randomFolds(3, 5, 0)).toThrow(/5 folds need at least 5 rows/);
  });

  it('auc by ranks, with ties counted half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(auc([1, 2], [1, 1])).toBeNaN();
  });
});
