import { homedir } from 'node:os';
import { join } from 'node:path';

export const DB_FILE_NAME = 'ridgeline.db';

/**
 * The app's data folder. The desktop app sets Electron's userData to this folder, so the desktop,
 * `ridgeline serve` and the CLI share one database by default: `$XDG_DATA_HOME/ridgeline` (else
 * ~/.local/share/ridgeline) on Linux; Electron's own userData location on macOS and Windows.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Ridgeline');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Ridgeline');
  const xdg = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(xdg, 'ridgeline');
}

/** `--db PATH` first, then RIDGELINE_DB, then the default data folder. */
export function resolveDbPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit && explicit.length > 0) return explicit;
  if (env.RIDGELINE_DB && env.RIDGELINE_DB.length > 0) return env.RIDGELINE_DB;
  return join(defaultDataDir(env), DB_FILE_NAME);
}
