import { basename, resolve } from 'node:path';
import type { Design } from '../../../shared/engine/types.ts';
import type { Store } from '../../core/cliStore.ts';
import { loadCsvDesign } from '../../core/datasets/csvDesign.ts';
import { MIN_HASH_PREFIX, checkDatasetHash, isBuiltinId, isHashPrefix, openNamedDataset } from '../../core/datasets/namedDataset.ts';
import { hashDesign } from '../../core/db/datasetsStore.ts';
import { UsageError, getOption, type OptionSpec, type ParsedArgs } from '../args.ts';

/** `--data CSV` or `--dataset ID` (a built-in, or one stored in --db), and an optional hash to check. */
export const DATA_SOURCE_SPEC: OptionSpec = {
  data: { type: 'string' },
  dataset: { type: 'string' },
  'dataset-hash': { type: 'string' },
};

export interface CliData {
  design: Design;
  target: string;
  /** The fold column's values when --fold-column named one (CSV only). */
  folds: Float64Array | null;
  /** Stores the data in `store` when they are not there yet; returns the stored data set's id and hash. */
  storeIn(store: Store): { id: string; hash: string };
}

/** Which data a command reads, from its options; refuses the combinations that mean nothing. */
export function readDataSource(args: ParsedArgs, store: Store | null): CliData {
  const path = getOption<string>(args, 'data');
  const id = getOption<string>(args, 'dataset');
  const target = getOption<string>(args, 'target');
  const expectedHash = getOption<string>(args, 'dataset-hash');
  if (path !== undefined && id !== undefined) throw new UsageError('option --dataset: give either --data or --dataset, not both');
  if (path === undefined && id === undefined) throw new UsageError('option --data is required (or --dataset ID for a built-in or stored data set)');
  if (expectedHash !== undefined && !isHashPrefix(expectedHash)) {
    throw new UsageError(`option --dataset-hash: must be ${MIN_HASH_PREFIX} to 64 hexadecimal digits (got "${expectedHash}")`);
  }
  let data: CliData;
  let hash: () => string;
  if (id !== undefined) {
    for (const csvOnly of ['ignore', 'fold-column']) {
      if (getOption(args, csvOnly) !== undefined) throw new UsageError(`option --${csvOnly}: applies to --data only (a data set's columns are fixed)`);
    }
    if (!isBuiltinId(id) && store === null) throw new UsageError(`option --dataset: ${id} is not a built-in data set (builtin:…); a stored one needs --db PATH`);
    const named = openNamedDataset(id, store?.datasets ?? null);
    if (target !== undefined && target !== named.target) throw new UsageError(`option --target: data set ${id} has the target "${named.target}", not "${target}"`);
    hash = () => named.hash;
    data = {
      design: named.design,
      target: named.target,
      folds: null,
      // The data set is in every database already: built-ins are added on open, stored ones were looked up there.
      storeIn: (into) => ({ id: named.id, hash: into.datasets.get(named.id)?.hash ?? named.hash }),
    };
  } else {
    if (target === undefined) throw new UsageError('option --target is required with --data');
    const { design, folds } = loadCsvDesign(path!, { target, ignore: getOption<string[]>(args, 'ignore'), foldColumn: getOption<string>(args, 'fold-column') });
    hash = () => hashDesign(target, design);
    data = {
      design,
      target,
      folds,
      storeIn: (into) => into.datasets.insertOrReuse({ name: basename(path!), source: `Imported by the CLI from ${resolve(path!)}`, target, design }),
    };
  }
  if (expectedHash !== undefined) checkDatasetHash(hash(), expectedHash, id ?? path!);
  return data;
}
