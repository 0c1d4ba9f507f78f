import { BrowserWindow, dialog, session } from 'electron';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RidgelineError } from '../../shared/errors.ts';
import type { ApiHandlers } from '../../shared/api.ts';
import type { ReportFormat } from '../../shared/report/types.ts';
import type { PdfRenderer } from '../core/reports/build.ts';
import type { ServicesHost } from '../core/servicesHost.ts';

const FILTERS: Record<ReportFormat, { name: string; extensions: string[] }> = {
  html: { name: 'HTML report', extensions: ['html'] },
  pdf: { name: 'PDF report', extensions: ['pdf'] },
  csv: { name: 'CSV metrics', extensions: ['csv'] },
  json: { name: 'JSON export', extensions: ['json'] },
};

/**
 * PDF through Electron's own Chromium (`webContents.printToPDF`): the report's HTML in a hidden window
 * of its own session, JavaScript off, every network request refused (a report loads nothing from
 * elsewhere; this keeps it so even for a bad one). The HTML goes through a temp file: data: URLs are
 * capped in size.
 */
export const electronPdf: PdfRenderer = async (html) => {
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-report-'));
  let window: BrowserWindow | null = null;
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const own = pathToFileURL(file).href;
    const reportSession = session.fromPartition('ridgeline-report-pdf');
    // The report's own file and nothing else (it references nothing; this keeps it so).
    reportSession.webRequest.onBeforeRequest((details, callback) => callback({ cancel: details.url !== own }));
    window = new BrowserWindow({ show: false, webPreferences: { session: reportSession, javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick' } });
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    window.webContents.on('will-navigate', (event) => event.preventDefault());
    await window.loadFile(file);
    const pdf = await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4', preferCSSPageSize: true });
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    window?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * The desktop's exportReport: builds the report (PDF by printToPDF), asks where to save it with the
 * native dialog, and writes it beside the chosen name first, then renames, so a failed export never
 * leaves half a file under that name.
 */
export function desktopExportReport(services: Pick<ServicesHost, 'buildReport'>, parentWindow: () => BrowserWindow | null): ApiHandlers['exportReport'] {
  return async ({ target, format }) => {
    const report = await services.buildReport(target, format);
    const options = { title: 'Export report', defaultPath: report.fileName, filters: [FILTERS[format]] };
    const parent = parentWindow();
    const choice = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { fileName: report.fileName, bytes: report.bytes.byteLength, delivered: 'cancelled', savedTo: null };
    // A name of its own beside the target (never someone's file), removed if anything fails.
    const partial = join(dirname(choice.filePath), `.${basename(choice.filePath)}.${randomBytes(6).toString('hex')}.partial`);
    try {
      writeFileSync(partial, report.bytes, { flag: 'wx' });
      renameSync(partial, choice.filePath);
    } catch (error) {
      rmSync(partial, { force: true });
      throw new RidgelineError('BAD_REQUEST', `could not save ${choice.filePath}: ${(error as Error).message}`);
    }
    return { fileName: report.fileName, bytes: report.bytes.byteLength, delivered: 'saved', savedTo: choice.filePath };
  };
}
