import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ImportSource } from '../../../shared/api.ts';
import { ImportOptionsSchema, type CsvPreview, type Delimiter, type ImportOptions } from '../../../shared/domain/datasetImport.ts';
import { RidgelineError, toErrorInfo } from '../../../shared/errors.ts';
import { describeIssues } from '../../../shared/validate.ts';
import type { DatasetsStore } from '../db/datasetsStore.ts';
import type { EventHub } from '../events.ts';
import { importCsv, previewCsv } from './import/csvImport.ts';

/** Progress events are sent at most this often per import. */
const PROGRESS_INTERVAL_MS = 100;

interface Upload {
  path: string;
  name: string;
  bytes: number;
}

/**
 * Imports of CSV files into immutable data sets: a preview first, then a streaming import in the
 * background with progress and cancel. The data set is stored in one transaction at the end, so a
 * failed or cancelled import leaves nothing behind. Files come from uploads (serve mode) or, where
 * the shell allows it (the desktop's file dialog), from paths.
 */
export class ImportService {
  private readonly uploads = new Map<string, Upload>();
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly deps: { datasets: DatasetsStore; events: EventHub; allowPaths: boolean },
  ) {}

  /** Takes ownership of an uploaded temp file. */
  registerUpload(path: string, name: string, bytes: number): { uploadId: string; name: string; bytes: number } {
    const uploadId = `upload_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    this.uploads.set(uploadId, { path, name, bytes });
    return { uploadId, name, bytes };
  }

  /**
   * Reads an uploaded or named file whole for another kind of import (a JSON report), then lets an
   * upload go. Uploads are for one use either way.
   */
  readWhole(source: ImportSource, maxBytes: number): { text: string; label: string } {
    const { path, label } = this.resolve(source);
    try {
      const stats = statSync(path);
      if (!stats.isFile()) throw new RidgelineError('BAD_REQUEST', `${label} is not a regular file`);
      if (stats.size > maxBytes) throw new RidgelineError('BAD_REQUEST', `${label} is ${stats.size} bytes; a report to import may have at most ${maxBytes}`);
      return { text: readFileSync(path, 'utf8'), label };
    } catch (error) {
      if (error instanceof RidgelineError) throw error;
      throw new RidgelineError('BAD_DATA', `cannot read ${label}: ${(error as Error).message}`);
    } finally {
      if (source.kind === 'upload') this.discardUpload(source.uploadId);
    }
  }

  private resolve(source: ImportSource): { path: string; label: string } {
    if (source.kind === 'upload') {
      const upload = this.uploads.get(source.uploadId);
      if (!upload) throw new RidgelineError('NOT_FOUND', `no upload with id ${source.uploadId} (uploads last until they are imported or the server stops)`);
      return { path: upload.path, label: upload.name };
    }
    if (!this.deps.allowPaths) throw new RidgelineError('BAD_REQUEST', 'this shell imports uploaded files only; upload the file instead of naming a path');
    if (!existsSync(source.path)) throw new RidgelineError('NOT_FOUND', `no file at ${source.path}`);
    return { path: source.path, label: basename(source.path) };
  }

  /** The file's columns as read with `delimiter`, or with the separator its first lines show. */
  preview(source: ImportSource, delimiter?: Delimiter): Promise<CsvPreview> {
    const { path, label } = this.resolve(source);
    return previewCsv(path, label, delimiter);
  }

  start(source: ImportSource, input: unknown): { importId: string } {
    const parsed = ImportOptionsSchema.safeParse(input);
    if (!parsed.success) throw new RidgelineError('BAD_REQUEST', `import: ${describeIssues(parsed.error)}`);
    const options = parsed.data;
    const { path, label } = this.resolve(source);
    const importId = `import_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const controller = new AbortController();
    this.running.set(importId, controller);
    void this.run(importId, path, label, options, controller, source);
    return { importId };
  }

  cancel(importId: string): { cancelled: boolean } {
    const controller = this.running.get(importId);
    if (!controller) return { cancelled: false };
    controller.abort();
    return { cancelled: true };
  }

  private async run(importId: string, path: string, label: string, options: ImportOptions, controller: AbortController, source: ImportSource): Promise<void> {
    const { events, datasets } = this.deps;
    let last = 0;
    try {
      const result = await importCsv(
        path,
        options,
        {
          signal: controller.signal,
          onBytes: (read, total) => {
            const now = Date.now();
            if (now - last < PROGRESS_INTERVAL_MS && read < total) return;
            last = now;
            events.emit({ type: 'importProgress', importId, fraction: total > 0 ? read / total : 1 });
          },
        },
        label,
      );
      const dataset = datasets.insertOrReuse({
        name: options.name,
        source: `Imported from ${label}`,
        target: result.target,
        design: result.design,
        columns: result.columns,
        importDetails: {
          fileName: label,
          bytes: source.kind === 'upload' ? (this.uploads.get(source.uploadId)?.bytes ?? 0) : 0,
          rowsRead: result.rowsRead,
          rowsDropped: result.rowsDropped,
          missingPolicy: options.missing,
          positiveLevel: result.positiveLevel,
          delimiter: result.delimiter,
          cellsFixed: result.cellsFixed,
          badCells: result.badCells,
          badCellPolicy: options.badCells,
        },
      });
      events.emit({ type: 'importFinished', importId, datasetId: dataset.id });
    } catch (error) {
      events.emit({ type: 'importFailed', importId, error: toErrorInfo(error) });
    } finally {
      this.running.delete(importId);
      if (source.kind === 'upload') this.discardUpload(source.uploadId);
    }
  }

  private discardUpload(uploadId: string): void {
    const upload = this.uploads.get(uploadId);
    if (!upload) return;
    this.uploads.delete(uploadId);
    rmSync(upload.path, { force: true });
  }

  close(): void {
    for (const controller of this.running.values()) controller.abort();
    for (const id of [...this.uploads.keys()]) this.discardUpload(id);
  }
}
