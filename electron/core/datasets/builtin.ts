import { SEED_EXAMPLE, seedExampleDesign } from '../../../shared/datasets/seedExample.ts';
import type { DatasetsStore } from '../db/datasetsStore.ts';

/** Puts the built-in data sets in a database that lacks them (idempotent, cheap). */
export function ensureBuiltinDatasets(store: DatasetsStore): void {
  if (store.get(SEED_EXAMPLE.id)) return;
  store.insertOrReuse({
    id: SEED_EXAMPLE.id,
    name: SEED_EXAMPLE.name,
    source: SEED_EXAMPLE.source,
    target: SEED_EXAMPLE.target,
    design: seedExampleDesign(),
    builtin: true,
  });
}
