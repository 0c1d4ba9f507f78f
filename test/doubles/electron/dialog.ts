/** `dialog`: native dialogs answer what the test queued (cancelled when nothing is), and are reported. */
import type { Dialog, OpenDialogOptions, OpenDialogReturnValue, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { notify } from './control.ts';
import type { DialogResponse } from './protocol.ts';

const queued: Record<'open' | 'save', DialogResponse[]> = { open: [], save: [] };

export function queueDialog(kind: 'open' | 'save', response: DialogResponse): void {
  queued[kind].push(response);
}

/** The options are the last argument; the parent window, when given, comes first. */
function optionsOf<T>(args: unknown[]): T {
  return args[args.length - 1] as T;
}

export const dialog = {
  async showOpenDialog(...args: [unknown, OpenDialogOptions] | [OpenDialogOptions]): Promise<OpenDialogReturnValue> {
    const options = optionsOf<OpenDialogOptions>(args);
    await notify({ notice: 'dialog', kind: 'open', options });
    const response = queued.open.shift() ?? { canceled: true };
    return { canceled: response.canceled, filePaths: response.filePaths ?? [] };
  },
  async showSaveDialog(...args: [unknown, SaveDialogOptions] | [SaveDialogOptions]): Promise<SaveDialogReturnValue> {
    const options = optionsOf<SaveDialogOptions>(args);
    await notify({ notice: 'dialog', kind: 'save', options });
    const response = queued.save.shift() ?? { canceled: true };
    return { canceled: response.canceled, filePath: response.filePath ?? '' };
  },
  showErrorBox(title: string, content: string): void {
    void notify({ notice: 'dialog', kind: 'error', options: { title, content } });
  },
} satisfies Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showErrorBox'>;
