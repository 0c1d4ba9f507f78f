import { APP_VERSION } from '../../electron/core/appVersion.ts';
import type { Store } from '../../electron/core/cliStore.ts';
import type { RunOutcome } from '../../electron/core/db/runsStore.ts';
import { HyperparamsSchema } from '../../shared/domain/runs.ts';

/** The query the seeded table is filtered by in the runs-table test and the explorer benchmark. */
export const SEEDED_FILTER = 'lambda < 0.01 and model = logistic';

/** A finished run's made-up outcome, varied by `i` (final J, nonzeros and fit time cycle). */
export function seededOutcome(i: number, iterations: number, resolvedSolver: string): RunOutcome {
  return {
    status: 'completed',
    statusReason: null,
    resolvedSolver,
    iterations,
    converged: true,
    finalObjective: 1 + (i % 1000) / 1000,
    finalDataLoss: 1,
    finalPenalty: 0,
    finalNonzero: i % 11,
    optimumObjective: 1,
    maxStableStep: null,
    loadMs: 1,
    fitMs: i % 300,
    parameters: [],
  };
}

/**
 * Stores `count` finished runs named "seeded i" on the first data set, in one transaction: every third
 * logistic, λ cycling over 50 log-spaced values from 1e-4, a few diverged. Returns how many match
 * SEEDED_FILTER, counted as they are made.
 */
export function seedTableRuns(store: Store, count: number): { filterMatches: number } {
  const dataset = store.datasets.list()[0];
  let filterMatches = 0;
  store.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const model = i % 3 === 0 ? 'logistic' : 'linear';
      const lambda = 10 ** (-4 + (i % 50) * 0.1);
      if (model === 'logistic' && lambda < 0.01) filterMatches++;
      const id = store.runs.create({
        name: `seeded ${i}`,
        datasetId: dataset.id,
        datasetHash: dataset.hash,
        hyperparams: HyperparamsSchema.parse({ model, lambda, alpha: (i % 5) / 4, solver: 'fista', seed: i }),
        appVersion: APP_VERSION,
        ownerSession: null,
      });
      store.runs.finish(id, { ...seededOutcome(i, 100 + (i % 400), 'fista'), status: i % 97 === 0 ? 'diverged' : 'completed' });
    }
  })();
  return { filterMatches };
}
