import { METRIC_NAMES } from '../domain/metrics.ts';
import { exactNumber } from './format.ts';
import type { ReportData } from './types.ts';

export const CSV_HEADER = ['run_id', 'run_name', 'step', 'metric', 'value'] as const;

/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Per-step metrics in long format, one row per (run, step, metric): what pandas, R and spreadsheets
 * pivot as they like. Numbers are in the shortest round-trip form (`Number(cell)` gives the stored
 * double back); NaN, a value that does not apply at that step, is an empty cell. A metric that is
 * NaN at every step of a run (does not apply to it at all) has no rows for that run.
 */
export function reportCsv(data: ReportData): string {
  const lines: string[] = [CSV_HEADER.join(',')];
  for (const run of data.runs) {
    const { metrics } = run;
    const names = METRIC_NAMES.filter((name) => {
      const column = metrics.columns[name];
      return column !== undefined && column.some((v) => !Number.isNaN(v));
    });
    if (names.length === 0) continue;
    const prefix = `${csvField(run.detail.id)},${csvField(run.detail.name)},`;
    for (let i = 0; i < metrics.count; i++) {
      const step = metrics.firstStep + i;
      for (const name of names) {
        const v = metrics.columns[name]![i];
        lines.push(`${prefix}${step},${name},${Number.isNaN(v) ? '' : exactNumber(v)}`);
      }
    }
  }
  // A sweep's runs are λ paths without per-step histories; its result is the CV curve, written in the
  // same five columns: run_id is the sweep id, step the index along the λ grid of each configuration.
  const sweep = data.sweep?.detail;
  if (sweep) {
    for (const result of sweep.results) {
      if (!result) continue;
      const prefix = `${csvField(sweep.id)},${csvField(`${sweep.name} · ${result.label}`)},`;
      result.lambdas.forEach((lambda, i) => {
        const row: [string, number][] = [['lambda', lambda], ['cvm', result.cvm[i]], ['cvsd', result.cvsd[i]], ['nonzero', result.nonzero[i]]];
        for (const [name, v] of row) lines.push(`${prefix}${i},${name},${Number.isNaN(v) ? '' : exactNumber(v)}`);
      });
    }
  }
  return `${lines.join('\n')}\n`;
}
