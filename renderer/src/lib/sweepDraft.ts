import type { ApiInput } from '../../../shared/api.ts';

export type SweepModel = 'linear' | 'logistic';
export type LambdaMode = 'grid' | 'list';
export type FoldMethod = 'random' | 'stratified';
export type Measure = 'mse' | 'deviance' | 'misclass' | 'auc';

/** The launcher's fields as typed (text), kept in state so switching tabs loses nothing. */
export interface SweepDraft {
  datasetId: string;
  name: string;
  model: SweepModel;
  alphas: string;
  lambdaMode: LambdaMode;
  nLambda: string;
  lambdaMinRatio: string;
  lambdas: string;
  folds: string;
  foldMethod: FoldMethod;
  repeats: string;
  measure: Measure;
  standardize: boolean;
  seed: string;
  poolSize: string;
}

export const DEFAULT_SWEEP_DATASET = 'builtin:diabetes';

export function defaultSweepDraft(): SweepDraft {
  return {
    datasetId: DEFAULT_SWEEP_DATASET,
    name: '',
    model: 'linear',
    alphas: '1',
    lambdaMode: 'grid',
    nLambda: '100',
    lambdaMinRatio: '',
    lambdas: '',
    folds: '10',
    foldMethod: 'random',
    repeats: '1',
    measure: 'mse',
    standardize: true,
    seed: '0',
    poolSize: '',
  };
}

export const MEASURES: Record<SweepModel, readonly { value: Measure; label: string }[]> = {
  linear: [{ value: 'mse', label: 'Mean squared error' }],
  logistic: [
    { value: 'deviance', label: 'Binomial deviance' },
    { value: 'misclass', label: 'Misclassification rate' },
    { value: 'auc', label: 'AUC' },
  ],
};

/** A field the user must correct before the sweep can be described at all. */
export class DraftProblem extends Error {}

function parseNumber(label: string, text: string, integer: boolean): number {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) throw new DraftProblem(`${label}: enter a number (got "${text}").`);
  if (integer && !Number.isInteger(value)) throw new DraftProblem(`${label}: enter a whole number (got "${text}").`);
  return value;
}

function optionalNumber(label: string, text: string, integer: boolean): number | undefined {
  return text.trim() === '' ? undefined : parseNumber(label, text, integer);
}

/** "0, 0.5 1" → [0, 0.5, 1]: commas, spaces or semicolons separate the values. */
export function parseList(label: string, text: string): number[] {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  if (parts.length === 0) throw new DraftProblem(`${label}: enter at least one value.`);
  return parts.map((part) => parseNumber(label, part, false));
}

/** The spec the service validates; throws DraftProblem for text that is not even a number. */
export function draftToSpec(draft: SweepDraft): ApiInput<'startSweep'> {
  const name = draft.name.trim();
  const minRatio = draft.lambdaMode === 'grid' ? optionalNumber('λ min ratio', draft.lambdaMinRatio, false) : undefined;
  const poolSize = optionalNumber('Pool size', draft.poolSize, true);
  return {
    ...(name === '' ? {} : { name }),
    datasetId: draft.datasetId,
    model: draft.model,
    alphas: parseList('α grid', draft.alphas),
    ...(draft.lambdaMode === 'grid'
      ? { nLambda: parseNumber('Number of λ', draft.nLambda, true), ...(minRatio === undefined ? {} : { lambdaMinRatio: minRatio }) }
      : { lambdas: parseList('λ list', draft.lambdas) }),
    folds: parseNumber('Folds', draft.folds, true),
    foldMethod: draft.model === 'logistic' ? draft.foldMethod : 'random',
    repeats: parseNumber('Repeats', draft.repeats, true),
    measure: draft.model === 'logistic' ? draft.measure : 'mse',
    standardize: draft.standardize,
    seed: parseNumber('Seed', draft.seed, true),
    ...(poolSize === undefined ? {} : { poolSize }),
  };
}
