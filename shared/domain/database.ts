/** The app's own database, as its Settings see it: `ridgeline db check|backup|recover` in the UI. */

/** SQLite's full integrity check of the database, read-only (safe while the app uses it). */
export interface DatabaseCheck {
  path: string;
  bytes: number;
  ok: boolean;
  /** What SQLite reports, one line each (at most 100); empty when ok. */
  problems: string[];
  schemaVersion: number | null;
}

/** Where a backup went: saved by the desktop where the user chose, or downloaded in serve mode. */
export interface DatabaseBackup {
  fileName: string;
  bytes: number;
  delivered: 'saved' | 'downloaded' | 'cancelled';
  savedTo: string | null;
}

/** What was read out of the database into a new file beside it (the database itself is left as it is). */
export interface DatabaseRecovery {
  out: string;
  bytes: number;
  runs: number;
  datasets: number;
  sweeps: number;
  /** Tables with rows that could not be read (they are missing from the copy); empty when nothing was lost. */
  tablesWithLoss: string[];
}

/** The recovered copy now in use, under the database's own name; the file it replaced is kept beside it. */
export interface DatabaseSwitch {
  databasePath: string;
  previousKeptAt: string | null;
}
