import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RidgelineError } from '../../../shared/errors.ts';
import { REPORT_FORMATS, type ReportFormat, type ReportTarget } from '../../../shared/report/types.ts';
import { openStore, type Store } from '../../core/cliStore.ts';
import { resolveDbPath } from '../../core/paths.ts';
import { buildReport } from '../../core/reports/build.ts';
import { chromiumPdf } from '../../core/reports/chromiumPdf.ts';
import { importReportJson } from '../../core/reports/importJson.ts';
import { UsageError, getOption, parseArgs, requireOption } from '../args.ts';
import { log, printJson } from '../output.ts';

/** A run id, a sweep id, or several run ids separated by commas (a selection). */
function targetOf(store: Store, id: string): ReportTarget {
  const ids = id.split(',').map((s) => s.trim());
  if (ids.some((s) => s.length === 0)) throw new UsageError('report: the ID list has an empty entry');
  if (ids.length > 1) return { kind: 'runs', ids };
  if (store.runs.exists(id)) return { kind: 'run', id };
  if (store.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(id) !== undefined) return { kind: 'sweep', id };
  throw new RidgelineError('NOT_FOUND', `no run or sweep with id ${id}`);
}

/** `ridgeline report ID --format html|pdf|csv|json --out FILE [--db PATH]`. */
export async function reportCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { format: { type: 'enum', values: REPORT_FORMATS }, out: { type: 'string' }, db: { type: 'string' }, json: { type: 'flag' } });
  if (args.positionals.length !== 1) throw new UsageError(args.positionals.length === 0 ? 'report: give the run or sweep id (or run ids separated by commas)' : `report: one ID expected, got ${args.positionals.join(' ')}`);
  const format = requireOption<ReportFormat>(args, 'format');
  const out = requireOption<string>(args, 'out');
  const dbPath = resolveDbPath(getOption<string>(args, 'db'));
  const store = openStore(dbPath, 'cli');
  try {
    const started = performance.now();
    const report = await buildReport(store, targetOf(store, args.positionals[0]), format, { pdf: chromiumPdf, databasePath: resolve(dbPath) });
    // Written beside and renamed: a failed export never leaves half a file under the chosen name.
    const partial = `${out}.partial`;
    writeFileSync(partial, report.bytes);
    renameSync(partial, out);
    const ms = performance.now() - started;
    if (getOption<boolean>(args, 'json')) printJson({ out, format, bytes: report.bytes.byteLength, ms });
    else log(`wrote ${out} (${report.bytes.byteLength} bytes, ${format}) in ${Math.round(ms)} ms`);
  } finally {
    store.close('the CLI exited');
  }
  return 0;
}

/** `ridgeline import-report FILE [--db PATH] [--json]`: a JSON report into this database; ids already here are skipped. */
export function importReportCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { db: { type: 'string' }, json: { type: 'flag' } });
  if (args.positionals.length !== 1) throw new UsageError('import-report: give one JSON report file');
  const file = args.positionals[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RidgelineError('NOT_FOUND', `cannot read ${file}: ${(error as Error).message}`);
  }
  const store = openStore(resolveDbPath(getOption<string>(args, 'db')), 'cli');
  try {
    const summary = importReportJson(store, text);
    if (getOption<boolean>(args, 'json')) printJson(summary);
    else {
      const { imported: i, skipped: s } = summary;
      process.stdout.write(`imported ${i.runs.length} runs, ${i.sweeps.length} sweeps, ${i.datasets.length} data sets\n`);
      if (s.runs.length + s.sweeps.length + s.datasets.length > 0) {
        process.stdout.write(`skipped (already present): ${[...s.runs, ...s.sweeps, ...s.datasets].join(', ')}\n`);
      }
    }
  } finally {
    store.close('the CLI exited');
  }
  return 0;
}
