import { BUILTIN_DATASETS } from '../../../shared/datasets/builtins.ts';
import type { DatasetsStore } from '../db/datasetsStore.ts';

/** Puts the built-in data sets in a database that lacks them (idempotent, cheap once present). */
export function ensureBuiltinDatasets(store: DatasetsStore): void {
  for (const builtin of BUILTIN_DATASETS) {
    if (store.get(builtin.id)) continue;
    store.insertOrReuse({ id: builtin.id, name: builtin.name, source: builtin.source, target: builtin.target, design: builtin.design(), builtin: true });
  }
}
