import type { AppInfo, RidgelineApi } from '../../../shared/api.ts';
import { RidgelineError } from '../../../shared/errors.ts';
import { CurvesState } from './curves.svelte.ts';
import { RunDetailState } from './details.svelte.ts';
import { RerunState } from './rerun.svelte.ts';
import { ErrorBanner } from './errors.svelte.ts';
import { FormPanels } from './formPanels.svelte.ts';
import { Navigation } from './navigation.svelte.ts';
import { RunsState } from './runs.svelte.ts';
import { RunsSplit } from './runsSplit.svelte.ts';
import { SweepsState } from './sweeps.svelte.ts';
import { commandForKey, runCommand } from '../lib/commands.ts';

/** Everything the workbench shows, built around one API (whichever shell provides it). */
export class Workbench {
  readonly errors = new ErrorBanner();
  readonly runs: RunsState;
  readonly curves: CurvesState;
  readonly details: RunDetailState;
  readonly reruns: RerunState;
  readonly sweeps: SweepsState;
  readonly nav = new Navigation();
  readonly forms = new FormPanels();
  /** The Runs tab's split between the runs list and the curves. */
  readonly split = new RunsSplit();
  appInfo = $state.raw<AppInfo | null>(null);

  constructor(readonly api: RidgelineApi) {
    this.runs = new RunsState(api, this.errors.report);
    this.curves = new CurvesState(api, this.errors.report, (id) => this.runs.runById(id)?.final.optimumObjective ?? null);
    this.details = new RunDetailState(api);
    this.reruns = new RerunState(api);
    this.sweeps = new SweepsState(api, this.errors.report);
  }

  /** Shows a run (a sweep's refit, say) on the Runs tab, selected with its details. */
  async openRun(id: string): Promise<void> {
    this.nav.show('runs');
    if (!(await this.runs.reveal(id))) this.errors.report(new RidgelineError('NOT_FOUND', `Run ${id} is not in the runs list (it may have been deleted).`));
  }

  /** Loads the first data and listens to events; returns the function that stops listening. */
  start(): () => void {
    const unsubscribe = this.api.subscribe((event) => {
      if (event.type === 'command') {
        runCommand(event.command, this);
        return;
      }
      this.runs.handle(event);
      this.curves.handle(event);
      this.reruns.handle(event);
      this.sweeps.handle(event);
    });
    const stopSweeps = this.sweeps.start();
    const onKey = (event: KeyboardEvent): void => {
      const command = commandForKey(event);
      if (command === null) return;
      event.preventDefault();
      runCommand(command, this);
    };
    window.addEventListener('keydown', onKey);
    void this.runs.load();
    this.api.getAppInfo({}).then((info) => {
      this.appInfo = info;
    }, this.errors.report);
    return () => {
      window.removeEventListener('keydown', onKey);
      unsubscribe();
      stopSweeps();
      this.curves.dispose();
    };
  }
}
