import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { app, screen, type BrowserWindow, type Rectangle } from 'electron';

interface SavedWindow {
  bounds: Rectangle;
  maximized: boolean;
}

const file = (): string => join(app.getPath('userData'), 'window-state.json');

/** The last window bounds, if they still fit on a connected display. */
export function restoredBounds(): SavedWindow | null {
  try {
    const saved = JSON.parse(readFileSync(file(), 'utf8')) as SavedWindow;
    const visible = screen.getAllDisplays().some((d) => {
      const a = d.workArea;
      return saved.bounds.x < a.x + a.width && saved.bounds.x + saved.bounds.width > a.x && saved.bounds.y < a.y + a.height && saved.bounds.y + saved.bounds.height > a.y;
    });
    return visible ? saved : null;
  } catch {
    return null;
  }
}

/** Remembers the window's size, position and maximized state when it closes. */
export function rememberBounds(window: BrowserWindow): void {
  window.on('close', () => {
    const state: SavedWindow = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    try {
      writeFileSync(file(), JSON.stringify(state));
    } catch {
      // Not being able to remember the window is no reason to stop closing it.
    }
  });
}
