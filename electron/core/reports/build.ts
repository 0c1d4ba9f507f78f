import { RidgelineError } from '../../../shared/errors.ts';
import { reportCsv } from '../../../shared/report/csv.ts';
import { slug } from '../../../shared/report/format.ts';
import { reportHtml } from '../../../shared/report/html.ts';
import { reportJson } from '../../../shared/report/json.ts';
import type { ReportData, ReportFormat, ReportTarget } from '../../../shared/report/types.ts';
import { gatherReport, type ReportStore } from './gather.ts';

export interface BuiltReport {
  /** A suggested file name (the desktop's save dialog, serve mode's download). */
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

/**
 * Turns report HTML into PDF bytes. Each shell brings its own: the CLI and serve mode headless Chromium
 * (chromiumPdf.ts), the desktop Electron's `webContents.printToPDF`.
 */
export type PdfRenderer = (html: string) => Promise<Uint8Array>;

export interface BuildOptions {
  /** Needed for PDF only: the shell's renderer. */
  pdf?: PdfRenderer;
  /** The time shown in HTML/PDF reports (JSON and CSV carry none: they depend on stored data only). */
  now?: Date;
  /** The database the data come from, named by HTML/PDF reproduce commands (absolute). */
  databasePath?: string;
}

const MIME: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

/** One entry point for every shell: gather the stored data, render the format. */
export async function buildReport(store: ReportStore, target: ReportTarget, format: ReportFormat, options: BuildOptions = {}): Promise<BuiltReport> {
  const data = gatherReport(store, target);
  return renderReport(data, format, options);
}

export async function renderReport(data: ReportData, format: ReportFormat, options: BuildOptions = {}): Promise<BuiltReport> {
  const fileName = `${reportBaseName(data)}.${format}`;
  const htmlOptions = { generatedAt: (options.now ?? new Date()).toISOString(), databasePath: options.databasePath ?? null };
  const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
  switch (format) {
    case 'html':
      return { fileName, mimeType: MIME.html, bytes: text(reportHtml(data, htmlOptions)) };
    case 'pdf': {
      if (!options.pdf) throw new RidgelineError('INTERNAL', 'PDF reports need a PDF renderer, and this shell gave none');
      const html = reportHtml(data, htmlOptions);
      return { fileName, mimeType: MIME.pdf, bytes: await options.pdf(html) };
    }
    case 'csv':
      return { fileName, mimeType: MIME.csv, bytes: text(reportCsv(data)) };
    case 'json':
      return { fileName, mimeType: MIME.json, bytes: text(reportJson(data)) };
    default:
      throw new RidgelineError('BAD_REQUEST', `unknown report format ${String(format)} (html, pdf, csv or json)`);
  }
}

function reportBaseName(data: ReportData): string {
  if (data.sweep) return `ridgeline-sweep-${slug(data.sweep.detail.name, data.sweep.detail.id)}`;
  if (data.runs.length === 1) return `ridgeline-run-${slug(data.runs[0].detail.name, data.runs[0].detail.id)}`;
  return `ridgeline-runs-${data.runs.length}`;
}
