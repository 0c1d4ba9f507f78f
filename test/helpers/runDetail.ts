/**
 * A finished run's record for the renderer's pure code (Compare, run details): hyperparameters go through
 * the schema so its defaults apply as in the app; the rest are plain defaults a test overrides in `extra`.
 */
import { HyperparamsSchema, type Hyperparams, type RunDetail } from '../../shared/domain/runs.ts';

export type RunHyperparams = Partial<Hyperparams> & Pick<Hyperparams, 'model' | 'lambda' | 'alpha' | 'solver'>;

export function runDetail(hyper: RunHyperparams, extra: Partial<RunDetail> = {}): RunDetail {
  return {
    id: 'run',
    name: 'run',
    status: 'completed',
    datasetId: 'builtin:diabetes',
    datasetName: 'Diabetes',
    hyperparams: HyperparamsSchema.parse(hyper),
    createdAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:01.000Z',
    iterations: 10,
    final: { objective: 1, dataLoss: 1, penalty: 0, optimumObjective: 1, suboptimality: 0, nonzero: null, testLoss: null },
    sweepId: null,
    role: 'run',
    tags: [],
    notes: '',
    archived: false,
    fitMs: 5,
    statusReason: null,
    resolvedSolver: hyper.solver === 'auto' ? 'cd' : hyper.solver,
    seed: hyper.seed ?? 0,
    appVersion: '0.0.0',
    datasetHash: 'hash',
    startedAt: '2025-01-01T00:00:00.000Z',
    timings: { loadMs: 1, fitMs: 5 },
    converged: true,
    maxStableStep: null,
    parameters: [],
    ...extra,
  };
}
