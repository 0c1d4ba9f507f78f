/** The small modules the app touches: `shell` (reported, never opened), `screen` (one 1920×1080 display), `webUtils`. */
import type { Display, Screen, Shell } from 'electron';
import { notify } from './control.ts';

export const shell = {
  async openExternal(url: string): Promise<void> {
    await notify({ notice: 'openExternal', url });
  },
} satisfies Pick<Shell, 'openExternal'>;

const display = {
  id: 1,
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  workArea: { x: 0, y: 0, width: 1920, height: 1040 },
  scaleFactor: 1,
} as Display;

export const screen = {
  getAllDisplays: (): Display[] => [display],
  getPrimaryDisplay: (): Display => display,
} satisfies Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay'>;
