import { resolve } from 'node:path';
import { API_METHODS, type ApiHandlers } from '../../shared/api.ts';
import type { DatabaseRecovery, DatabaseSwitch } from '../../shared/domain/database.ts';
import { RidgelineError, toErrorInfo } from '../../shared/errors.ts';
import type { ReportFormat, ReportTarget } from '../../shared/report/types.ts';
import { APP_VERSION } from './appVersion.ts';
import { freshSibling, replaceDatabaseFile } from './db/databaseFiles.ts';
import { backupDatabase, checkDatabase, recoverDatabase } from './db/maintenance.ts';
import { EventHub } from './events.ts';
import type { BuildOptions, BuiltReport } from './reports/build.ts';
import { createServices, type Services, type ServicesOptions } from './services.ts';

export interface HostOptions extends Omit<ServicesOptions, 'events'> {
  /**
   * What a damaged database does on open: 'refuse' throws its DB_CORRUPT, as every CLI command does;
   * 'offer-recovery' serves the app anyway, with nothing but the database's check and recovery.
   */
  onDamage: 'refuse' | 'offer-recovery';
}

/**
 * What a shell serves: the services over its database and its care (Settings: check, back up, recover).
 * A database found damaged on open leaves the services closed and the app offering only that care, until
 * the user opens the recovered copy in its place; then the services open on it. The shell keeps this one
 * object throughout: its handlers and its event hub stay, the services behind them change.
 */
export class ServicesHost {
  readonly events = new EventHub();
  /** One handler per API method; a shell replaces those it delivers itself (dialogs, downloads). */
  readonly handlers: ApiHandlers;
  private services: Services | null = null;
  /** Why the database could not be opened, while it could not. */
  private damage: string | null = null;
  /** The last recovered copy, which openRecoveredDatabase puts in the database's place. */
  private recovered: string | null = null;

  constructor(private readonly options: HostOptions) {
    this.open(options.onDamage);
    const delegated = Object.fromEntries(API_METHODS.map((method) => [method, (input: unknown) => (this.current().handlers[method] as (i: unknown) => unknown)(input)]));
    this.handlers = {
      ...(delegated as ApiHandlers),
      getAppInfo: () => ({ version: APP_VERSION, databasePath: options.dbPath, importFrom: options.importFrom ?? 'upload', databaseDamage: this.damage }),
      checkDatabase: () => checkDatabase(options.dbPath),
      recoverDatabase: () => this.recover(),
      openRecoveredDatabase: () => this.openRecovered(),
      backupDatabase: () => {
        throw new RidgelineError('BAD_REQUEST', 'backupDatabase needs a shell that can save or download the file');
      },
    };
  }

  get databasePath(): string {
    return this.options.dbPath;
  }

  /** True while runs or sweeps are in flight. */
  get busy(): boolean {
    return this.services?.busy ?? false;
  }

  buildReport(target: ReportTarget, format: ReportFormat, options?: BuildOptions): Promise<BuiltReport> {
    return this.current().buildReport(target, format, options);
  }

  registerUpload(path: string, name: string, bytes: number): { uploadId: string; name: string; bytes: number } {
    return this.current().imports.registerUpload(path, name, bytes);
  }

  /**
   * A consistent copy of the open database at `out` (SQLite's online backup, safe while runs write). An
   * existing file there is replaced only when `replace` says the user confirmed it; the database itself
   * never.
   */
  backupTo(out: string, replace = false): Promise<{ out: string; bytes: number }> {
    this.current();
    const target = resolve(out);
    const own = resolve(this.options.dbPath);
    if ([own, `${own}-wal`, `${own}-shm`].includes(target)) {
      throw new RidgelineError('BAD_REQUEST', `a backup cannot go over the database itself (${out}): choose another file`);
    }
    return backupDatabase(this.options.dbPath, out, { replace });
  }

  /** Ends runs and sweeps in flight (recorded as interrupted) and closes the database. */
  close(reason?: string): void {
    this.services?.close(reason);
    this.services = null;
  }

  private open(onDamage: HostOptions['onDamage']): void {
    try {
      this.services = createServices({ ...this.options, events: this.events });
      this.damage = null;
    } catch (error) {
      if (onDamage === 'refuse' || !(error instanceof RidgelineError) || error.code !== 'DB_CORRUPT') throw error;
      this.damage = error.message;
    }
  }

  private current(): Services {
    if (this.services === null) {
      throw new RidgelineError('DB_CORRUPT', `the database cannot be used until it is recovered (Settings → Database): ${this.damage}`);
    }
    return this.services;
  }

  private recover(): DatabaseRecovery {
    const result = recoverDatabase(this.options.dbPath, freshSibling(this.options.dbPath, 'recovered'));
    this.recovered = result.out;
    return result;
  }

  /**
   * Closes the database, moves it aside (kept, with its -wal and -shm) and puts the last recovered copy in
   * its place, then opens the services on it. Refused while runs or sweeps are in flight.
   */
  private openRecovered(): DatabaseSwitch {
    const recovered = this.recovered;
    if (recovered === null) throw new RidgelineError('BAD_REQUEST', 'there is no recovered copy to open: recover the database first');
    if (this.busy) throw new RidgelineError('BAD_REQUEST', 'runs or sweeps are in flight: let them finish or cancel them, then open the recovered copy');
    this.close('the database was replaced by its recovered copy');
    let previousKeptAt: string | null;
    try {
      previousKeptAt = replaceDatabaseFile(this.options.dbPath, recovered);
    } catch (error) {
      this.open('offer-recovery'); // the database as it was, damaged or not
      throw new RidgelineError('INTERNAL', `the recovered copy could not take the database's place (${(error as Error).message}); nothing was changed`);
    }
    this.recovered = null;
    try {
      this.open('refuse');
    } catch (error) {
      // The page then shows this, with the check and recovery, as for a database damaged on open.
      this.damage = `the recovered copy now at ${this.options.dbPath} could not be opened either: ${toErrorInfo(error).message}`;
    }
    // Every window shows what the database now holds.
    this.events.emit({ type: 'runsChanged' });
    this.events.emit({ type: 'datasetsChanged' });
    return { databasePath: this.options.dbPath, previousKeptAt };
  }
}
