import type { ApiEvent, AppInfo, ImportSource, RidgelineApi } from '../../../shared/api.ts';
import type { BadCellPolicy, ColumnProfile, CsvPreview, Delimiter, ImportOptions } from '../../../shared/domain/datasetImport.ts';
import type { DatasetSummary } from '../../../shared/domain/datasets.ts';
import { RidgelineError, toErrorInfo, type ErrorInfo } from '../../../shared/errors.ts';
import { uploadFile, type UploadResult } from '../api/upload.ts';
import { badCellProblem, badColumns, describeManyLevels, fixesToSend, manyLevelColumns, type BadColumn, type ManyLevels } from '../lib/importChecks.ts';

export type ImportStep = 'choose' | 'uploading' | 'previewing' | 'preview' | 'importing' | 'done';
export type MissingPolicy = ImportOptions['missing'];

type Uploader = (file: File, onProgress: (fraction: number) => void, signal?: AbortSignal) => Promise<UploadResult>;

/** The user's choices on the preview; kept across a failed import so they can be fixed and retried. */
export interface ImportChoices {
  name: string;
  target: string;
  /** Feature columns ticked (the target is left out when the import starts, whatever is ticked). */
  features: string[];
  /** Columns to one-hot encode. */
  categorical: string[];
  missing: MissingPolicy | null;
  /** Corrections of cells that are not numbers, as typed, by fixKey(column, line). */
  fixes: Record<string, string>;
  /** What to do with cells that are not numbers and have no correction; null until chosen. */
  badCells: BadCellPolicy | null;
  /** The user confirmed one-hot encoding the columns with many levels. */
  confirmLevels: boolean;
}

const emptyChoices = (): ImportChoices => ({ name: '', target: '', features: [], categorical: [], missing: null, fixes: {}, badCells: null, confirmLevels: false });

/** File name without its last extension: the default data set name. */
export function baseName(fileName: string): string {
  const base = fileName.replace(/^.*[/\\]/, '');
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * One import, from choosing a file to a stored data set: upload (serve mode) or a local path
 * (desktop), preview, the user's choices, the background import with progress, and its outcome.
 * An upload is consumed by its import, successful or not, so a retry uploads the same File again.
 */
export class ImportFlow {
  step = $state<ImportStep>('choose');
  error = $state.raw<ErrorInfo | null>(null);
  /** The file's name as shown (upload name, or the path's last part). */
  fileName = $state('');
  fileBytes = $state<number | null>(null);
  uploadFraction = $state(0);
  importFraction = $state(0);
  preview = $state.raw<CsvPreview | null>(null);
  choices = $state<ImportChoices>(emptyChoices());
  /** The data set an import produced (on success). */
  result = $state.raw<DatasetSummary | null>(null);
  /** A note for the user that is not an error (e.g. a drop the desktop cannot take). */
  note = $state<string | null>(null);

  private file: File | null = null;
  private source: ImportSource | null = null;
  /** Whether the upload behind `source` was consumed by an import (and must be sent again). */
  private uploadConsumed = false;
  private importId: string | null = null;
  private uploadAbort: AbortController | null = null;
  /** Terminal events that arrived before startImport answered with their id (fast imports). */
  private readonly early = new Map<string, ApiEvent>();

  constructor(
    private readonly api: RidgelineApi,
    private readonly upload: Uploader = uploadFile,
  ) {}

  /** Columns the import would read: the target and the ticked features. */
  get usedColumns(): ColumnProfile[] {
    const preview = this.preview;
    if (preview === null) return [];
    const { target, features } = this.choices;
    return preview.columns.filter((c) => c.name === target || features.includes(c.name));
  }

  get needsMissingPolicy(): boolean {
    return this.usedColumns.some((c) => c.missing > 0);
  }

  /** Numeric columns used that have cells that are not numbers, with the user's corrections. */
  get badColumns(): BadColumn[] {
    return badColumns(this.preview, this.choices);
  }

  /** Whether some bad cell has no correction, so a policy must say what becomes of it. */
  get needsBadCellPolicy(): boolean {
    return this.badColumns.some((b) => b.unresolved > 0);
  }

  /** Features to be one-hot encoded into many columns (the import asks to confirm them). */
  get manyLevels(): ManyLevels[] {
    return manyLevelColumns(this.preview, this.choices);
  }

  get busy(): boolean {
    return this.step === 'uploading' || this.step === 'previewing' || this.step === 'importing';
  }

  /** Back to step 1, forgetting the file and choices (abandons an upload in flight). */
  reset(): void {
    this.uploadAbort?.abort();
    this.uploadAbort = null;
    this.step = 'choose';
    this.error = null;
    this.note = null;
    this.fileName = '';
    this.fileBytes = null;
    this.uploadFraction = 0;
    this.importFraction = 0;
    this.preview = null;
    this.result = null;
    this.file = null;
    this.source = null;
    this.uploadConsumed = false;
    this.importId = null;
  }

  /** Serve mode: upload the file, then preview it. */
  async chooseFile(file: File): Promise<void> {
    this.reset();
    this.file = file;
    this.fileName = file.name;
    this.fileBytes = file.size;
    if (!(await this.sendFile())) return;
    await this.loadPreview(baseName(file.name));
  }

  /** Desktop: a path from the native dialog (null when the user cancelled it). */
  async choosePath(path: string | null): Promise<void> {
    if (path === null) return;
    this.reset();
    this.source = { kind: 'path', path };
    this.fileName = path.replace(/^.*[/\\]/, '');
    await this.loadPreview(baseName(this.fileName));
  }

  async chooseWithDialog(): Promise<void> {
    try {
      const { path } = await this.api.chooseImportFile({});
      await this.choosePath(path);
    } catch (failure) {
      this.error = toErrorInfo(failure);
    }
  }

  /** A drop the shell cannot read by path (the desktop's sandboxed renderer has no file paths). */
  refuseDrop(message: string): void {
    this.note = message;
  }

  private async sendFile(): Promise<boolean> {
    const file = this.file;
    if (file === null) return false;
    this.step = 'uploading';
    this.uploadFraction = 0;
    this.error = null;
    const controller = new AbortController();
    this.uploadAbort = controller;
    try {
      const uploaded = await this.upload(file, (fraction) => (this.uploadFraction = fraction), controller.signal);
      if (controller.signal.aborted) return false;
      this.source = { kind: 'upload', uploadId: uploaded.uploadId };
      this.uploadConsumed = false;
      this.fileBytes = uploaded.bytes;
      return true;
    } catch (failure) {
      if (controller.signal.aborted) {
        if (this.step === 'uploading') this.step = this.preview === null ? 'choose' : 'preview';
        return false;
      }
      this.error = toErrorInfo(failure);
      this.step = this.preview === null ? 'choose' : 'preview';
      return false;
    } finally {
      if (this.uploadAbort === controller) this.uploadAbort = null;
    }
  }

  /** Stops an upload in flight (the file stays chosen). */
  cancelUpload(): void {
    this.uploadAbort?.abort();
  }

  /** Reads the file again with another separator (the choices start over: the columns may differ). */
  async setDelimiter(delimiter: Delimiter): Promise<void> {
    if (this.step !== 'preview' || this.preview?.delimiter === delimiter) return;
    this.error = null;
    // A failed import consumed the upload: send the same file again first.
    if (this.source?.kind === 'upload' && this.uploadConsumed && !(await this.sendFile())) return;
    await this.loadPreview(this.choices.name, delimiter);
  }

  private async loadPreview(defaultName: string, delimiter?: Delimiter): Promise<void> {
    const source = this.source;
    if (source === null) return;
    this.step = 'previewing';
    try {
      const preview = await this.api.previewImport(delimiter === undefined ? { source } : { source, delimiter });
      this.preview = preview;
      const names = preview.columns.map((c) => c.name);
      const target = names[names.length - 1] ?? '';
      this.choices = {
        name: defaultName,
        target,
        features: preview.columns.filter((c) => c.name !== target && c.kind !== 'empty').map((c) => c.name),
        categorical: preview.columns.filter((c) => c.kind === 'categorical').map((c) => c.name),
        missing: null,
        fixes: {},
        badCells: null,
        confirmLevels: false,
      };
      this.step = 'preview';
    } catch (failure) {
      this.error = toErrorInfo(failure);
      this.step = 'choose';
    }
  }

  setTarget(name: string): void {
    const previous = this.choices.target;
    this.choices.target = name;
    // The old target becomes a feature again (unless its column is empty); the new one stops being one.
    const profile = this.preview?.columns.find((c) => c.name === previous);
    const features = this.choices.features.filter((f) => f !== name);
    if (profile && profile.kind !== 'empty' && !features.includes(previous)) features.push(previous);
    const order = this.preview?.columns.map((c) => c.name) ?? [];
    this.choices.features = order.filter((n) => features.includes(n));
  }

  toggle(list: 'features' | 'categorical', name: string, on: boolean): void {
    const current = this.choices[list].filter((n) => n !== name);
    if (on) current.push(name);
    const order = this.preview?.columns.map((c) => c.name) ?? [];
    this.choices[list] = order.filter((n) => current.includes(n));
  }

  /** What is wrong with the choices before asking the service (null when none). */
  problem(): string | null {
    const { name, target, features, missing } = this.choices;
    if (name.trim() === '') return 'Give the data set a name.';
    if (target === '') return 'Choose the target column.';
    if (features.filter((f) => f !== target).length === 0) return 'Tick at least one feature column.';
    if (this.needsMissingPolicy && missing === null) return 'Some of the columns used have missing cells: choose what to do with them.';
    const bad = badCellProblem(this.badColumns, this.choices.badCells);
    if (bad !== null) return bad;
    const many = this.manyLevels;
    if (many.length > 0 && !this.choices.confirmLevels) {
      return `${many.map((m) => describeManyLevels(m, this.preview?.truncated ?? false)).join(' ')} Confirm the encoding, or untick ${many.length === 1 ? 'that column' : 'those columns'} as a feature.`;
    }
    return null;
  }

  options(): ImportOptions {
    const { name, target, features, categorical, missing } = this.choices;
    const used = new Set([target, ...features]);
    return {
      name: name.trim(),
      target,
      features: features.filter((f) => f !== target),
      categorical: categorical.filter((c) => used.has(c)),
      missing: missing ?? 'reject',
      // The separator the preview read the file with, so the import reads it the same way.
      ...(this.preview ? { delimiter: this.preview.delimiter } : {}),
      fixes: fixesToSend(this.badColumns),
      badCells: this.needsBadCellPolicy ? (this.choices.badCells ?? 'reject') : 'reject',
    };
  }

  async start(): Promise<void> {
    if (this.busy) return;
    const problem = this.problem();
    if (problem !== null) {
      this.error = { code: 'BAD_REQUEST', message: problem };
      return;
    }
    this.error = null;
    this.result = null;
    // A failed or cancelled import deleted its upload: send the same file again.
    if (this.source?.kind === 'upload' && this.uploadConsumed) {
      if (!(await this.sendFile())) return;
    }
    const source = this.source;
    if (source === null) return;
    this.step = 'importing';
    this.importFraction = 0;
    try {
      const { importId } = await this.api.startImport({ source, options: this.options() });
      if (source.kind === 'upload') this.uploadConsumed = true;
      this.importId = importId;
      const early = this.early.get(importId);
      this.early.clear();
      if (early) this.handle(early);
    } catch (failure) {
      this.error = toErrorInfo(failure);
      this.step = 'preview';
    }
  }

  async cancel(): Promise<void> {
    if (this.step === 'uploading') {
      this.cancelUpload();
      return;
    }
    if (this.step !== 'importing' || this.importId === null) return;
    try {
      await this.api.cancelImport({ id: this.importId });
    } catch (failure) {
      this.error = toErrorInfo(failure);
    }
  }

  /** Import events from the service; those of other imports are ignored. */
  handle(event: ApiEvent): void {
    if (event.type !== 'importProgress' && event.type !== 'importFinished' && event.type !== 'importFailed') return;
    if (this.importId === null) {
      // startImport has not answered yet: keep what ends an import until it does.
      if (this.step === 'importing' && event.type !== 'importProgress') this.early.set(event.importId, event);
      return;
    }
    if (event.importId !== this.importId) return;
    if (event.type === 'importProgress') {
      this.importFraction = Math.max(this.importFraction, event.fraction);
    } else if (event.type === 'importFailed') {
      this.importId = null;
      this.error = event.error;
      this.step = 'preview';
    } else {
      this.importId = null;
      this.importFraction = 1;
      void this.finish(event.datasetId);
    }
  }

  private async finish(datasetId: string): Promise<void> {
    try {
      const list = await this.api.listDatasets({});
      const dataset = list.find((d) => d.id === datasetId);
      if (!dataset) throw new RidgelineError('NOT_FOUND', `the imported data set ${datasetId} is not in the list`);
      this.result = dataset;
      this.step = 'done';
    } catch (failure) {
      this.error = toErrorInfo(failure);
      this.step = 'preview';
    }
  }

  /** Whether the page's shell takes uploads (serve) or paths (desktop). */
  static mode(info: AppInfo | null): AppInfo['importFrom'] {
    return info?.importFrom ?? (window.ridgeline !== undefined ? 'path' : 'upload');
  }
}

/**
 * A request from the import dialog to the New run form to select a data set. `seq` grows with each
 * request, so choosing the same data set twice still reaches the form.
 */
export interface DatasetPick {
  datasetId: string;
  seq: number;
}
