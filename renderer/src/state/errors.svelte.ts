import { toErrorInfo, type ErrorInfo } from '../../../shared/errors.ts';

/** The one error shown in the banner: the latest that no form or panel showed itself. */
export class ErrorBanner {
  current = $state<ErrorInfo | null>(null);

  report = (error: unknown): void => {
    const info = toErrorInfo(error);
    this.current = { code: info.code, message: info.message };
    console.error(`Ridgeline ${info.code}: ${info.message}`);
  };

  dismiss = (): void => {
    this.current = null;
  };
}
