import type { RidgelineApi } from '../../../shared/api.ts';
import type { DatabaseBackup, DatabaseCheck, DatabaseRecovery, DatabaseSwitch } from '../../../shared/domain/database.ts';
import { toErrorInfo } from '../../../shared/errors.ts';

export type DatabaseAction = 'check' | 'backup' | 'recover' | 'open';

/**
 * The database's care in Settings (`ridgeline db check|backup|recover` in the app): the last result of
 * each action, the one in progress, and the last failure in words. Opening the recovered copy is asked
 * for twice (`confirmingOpen`): it closes the database in use and puts the copy in its place.
 */
export class DatabaseCare {
  check = $state.raw<DatabaseCheck | null>(null);
  backup = $state.raw<DatabaseBackup | null>(null);
  recovery = $state.raw<DatabaseRecovery | null>(null);
  switched = $state.raw<DatabaseSwitch | null>(null);
  running = $state<DatabaseAction | null>(null);
  failure = $state<{ action: DatabaseAction; message: string } | null>(null);
  confirmingOpen = $state(false);

  constructor(private readonly api: RidgelineApi) {}

  runCheck = (): Promise<void> =>
    this.act('check', async () => {
      this.check = await this.api.checkDatabase({});
    });

  runBackup = (): Promise<void> =>
    this.act('backup', async () => {
      this.backup = await this.api.backupDatabase({});
    });

  runRecover = (): Promise<void> =>
    this.act('recover', async () => {
      this.switched = null;
      this.confirmingOpen = false;
      this.recovery = await this.api.recoverDatabase({});
    });

  /** First call asks for confirmation; the second opens the recovered copy in the database's place. */
  openRecovered = (): Promise<void> => {
    if (!this.confirmingOpen) {
      this.confirmingOpen = true;
      return Promise.resolve();
    }
    return this.act('open', async () => {
      this.switched = await this.api.openRecoveredDatabase({});
      this.confirmingOpen = false;
      this.recovery = null;
    });
  };

  cancelOpen = (): void => {
    this.confirmingOpen = false;
  };

  private async act(action: DatabaseAction, work: () => Promise<void>): Promise<void> {
    if (this.running !== null) return;
    this.running = action;
    this.failure = null;
    try {
      await work();
    } catch (error) {
      this.failure = { action, message: toErrorInfo(error).message };
    } finally {
      this.running = null;
    }
  }
}
