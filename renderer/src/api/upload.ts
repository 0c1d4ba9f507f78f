/**
 * Serve mode's file upload: the raw file as the body of `POST /api/upload` (its name URI-encoded in
 * `X-Filename`, the token in the Authorization header, never in the URL). XMLHttpRequest rather than
 * fetch because only it reports upload progress.
 */
import { RidgelineError, isErrorInfo } from '../../../shared/errors.ts';
import { decodeWire } from '../../../shared/wire.ts';
import { serveToken } from './index.ts';

export interface UploadResult {
  uploadId: string;
  name: string;
  bytes: number;
}

export function uploadFile(file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const token = serveToken();
    if (token === null) {
      reject(new RidgelineError('UNAUTHORIZED', 'uploads need the token of “ridgeline serve”; reopen the URL it printed'));
      return;
    }
    if (signal?.aborted) {
      reject(new RidgelineError('CANCELLED', `the upload of ${file.name} was cancelled`));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/upload');
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    const abort = (): void => xhr.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const finish = (): void => signal?.removeEventListener('abort', abort);
    xhr.onload = () => {
      finish();
      let body: unknown = null;
      try {
        body = decodeWire(xhr.responseText);
      } catch {
        body = null;
      }
      if (typeof body === 'object' && body !== null) {
        const record = body as { ok?: unknown; value?: unknown; error?: unknown };
        if (record.ok === true && xhr.status >= 200 && xhr.status < 300) {
          onProgress(1);
          resolve(record.value as UploadResult);
          return;
        }
        if (record.ok === false && isErrorInfo(record.error)) {
          reject(new RidgelineError(record.error.code, record.error.message));
          return;
        }
      }
      reject(new RidgelineError('INTERNAL', `the upload of ${file.name} failed: the server answered HTTP ${xhr.status}`));
    };
    xhr.onerror = () => {
      finish();
      reject(new RidgelineError('INTERNAL', `the upload of ${file.name} failed: the server could not be reached (is “ridgeline serve” still running?)`));
    };
    xhr.onabort = () => {
      finish();
      reject(new RidgelineError('CANCELLED', `the upload of ${file.name} was cancelled`));
    };
    xhr.send(file);
  });
}
