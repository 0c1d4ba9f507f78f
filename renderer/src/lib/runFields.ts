/**
 * What a run's details show, as text (pure: no DOM, no Svelte): its hyperparameters (only those its
 * solver and model read) and its results, each number formatted as the runs table formats it, with
 * its full value kept for the hover text.
 */
import { hyperparamApplies, type ConditionalHyperparam } from '../../../shared/domain/hyperparamUse.ts';
import type { RunDetail } from '../../../shared/domain/runs.ts';
import { formatMs } from './duration.ts';
import { formatCompact, formatFull, formatInteger } from './format.ts';

export interface DetailField {
  key: string;
  label: string;
  /** As shown. */
  text: string;
  /** Every digit of a number (the hover text); null for text and missing values. */
  full: string | null;
  /** What the field means, for the label's hover text. */
  about?: string;
}

/** A number as the runs table shows it (`digits` significant), with every digit for the hover text. */
export function numberField(key: string, label: string, value: number | null | undefined, digits = 6, about?: string): DetailField {
  const full = value === null || value === undefined ? null : formatFull(value);
  return { key, label, text: formatCompact(value ?? null, digits), full, ...(about ? { about } : {}) };
}

const textField = (key: string, label: string, text: string, about?: string): DetailField => ({ key, label, text, full: null, ...(about ? { about } : {}) });

const SOLVERS_OWN = "solver's own";

/** The hyperparameters of a run that its solver and model read, in the New run form's order. */
export function hyperparamFields(run: RunDetail): DetailField[] {
  const h = run.hyperparams;
  const applies = (key: ConditionalHyperparam): boolean => hyperparamApplies(key, h, run.resolvedSolver);
  const percent = (share: number): string => `${Number((share * 100).toPrecision(6))} %`;
  const fields: DetailField[] = [
    textField('model', 'Model', h.model === 'mlp' ? `MLP (${h.task})` : h.model),
    numberField('lambda', 'λ (lambda)', h.lambda, 4),
    numberField('alpha', 'α (alpha)', h.alpha, 4),
    textField('solver', 'Solver', run.resolvedSolver && run.resolvedSolver !== h.solver ? `${h.solver} → ${run.resolvedSolver}` : h.solver),
  ];
  if (applies('hidden')) fields.push(textField('hidden', 'Hidden layers', h.hidden.join(' × ')), textField('activation', 'Activation', h.activation));
  if (applies('learningRate')) fields.push(h.learningRate === undefined ? textField('learningRate', 'Learning rate', SOLVERS_OWN) : numberField('learningRate', 'Learning rate', h.learningRate, 4));
  if (applies('batchSize')) fields.push(textField('batchSize', 'Batch size', formatInteger(h.batchSize)));
  if (applies('momentum')) fields.push(numberField('momentum', 'Momentum', h.momentum, 4));
  if (applies('lrDecay')) fields.push(numberField('lrDecay', 'Learning-rate decay', h.lrDecay, 4, 'The learning rate is multiplied by this after each epoch'));
  if (applies('maxIter')) fields.push(textField('maxIter', 'Max iterations', h.maxIter === undefined ? SOLVERS_OWN : formatInteger(h.maxIter)));
  if (applies('tol')) fields.push(h.tol === undefined ? textField('tol', 'Tolerance', SOLVERS_OWN) : numberField('tol', 'Tolerance', h.tol, 4));
  fields.push(
    textField('standardize', 'Standardize', h.standardize ? 'yes' : 'no'),
    textField('fitIntercept', 'Fit intercept', h.fitIntercept ? 'yes' : 'no'),
    textField('validationFraction', 'Validation share', h.validationFraction > 0 ? percent(h.validationFraction) : 'none'),
    textField('testFraction', 'Test share', h.testFraction > 0 ? percent(h.testFraction) : 'none'),
    textField('seed', 'Seed', String(h.seed)),
  );
  return fields;
}

/** The run's final numbers: objective, the losses on each part of the rows, the optimum and the times. */
export function resultFields(run: RunDetail): DetailField[] {
  const h = run.hyperparams;
  const f = run.final;
  const share = (s: number): string => `${Number((s * 100).toPrecision(6))} %`;
  const fields: DetailField[] = [
    numberField('objective', 'Final objective J', f.objective, 6, 'J = data loss + λ·penalty, on the training rows'),
    numberField('trainLoss', 'Training loss', f.dataLoss, 6, h.validationFraction > 0 || h.testFraction > 0 ? 'Data loss on the rows trained on (the held-out rows left out)' : 'Data loss on the rows trained on'),
  ];
  if (h.validationFraction > 0) {
    fields.push(numberField('validationLoss', 'Validation loss', f.validationLoss ?? null, 6, `Data loss at the last step on the ${share(h.validationFraction)} of rows held out for validation (seed ${h.seed})`));
  }
  if (h.testFraction > 0) {
    fields.push(numberField('testLoss', 'Test loss', f.testLoss, 6, `Data loss of the final parameters on the ${share(h.testFraction)} of rows held out as a test set (seed ${h.seed})`));
  }
  fields.push(
    numberField('optimum', 'Optimum J*', f.optimumObjective, 6, 'The least objective of this problem, when known (closed form, or coordinate descent to a tight tolerance)'),
    numberField('suboptimality', 'J − J*', f.suboptimality, 3, 'How far the solver stopped from the optimum: its accuracy'),
  );
  if (run.maxStableStep !== null) fields.push(numberField('maxStableStep', 'Max stable step', run.maxStableStep, 6, 'The largest learning rate gradient descent converges with here (2/L)'));
  fields.push(msField('fitMs', 'Fit time', run.timings.fitMs), msField('loadMs', 'Data load', run.timings.loadMs));
  return fields;
}

/** A duration as the runs table shows it, the exact milliseconds for the hover text. */
function msField(key: string, label: string, ms: number | null): DetailField {
  const text = formatMs(ms);
  return { key, label, text, full: ms === null ? null : `${formatInteger(Math.round(ms * 1000) / 1000)} ms` };
}
