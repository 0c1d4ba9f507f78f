import type { AppInfo, RidgelineApi } from '../../../shared/api.ts';
import { CurvesState } from './curves.svelte.ts';
import { RunDetailState } from './details.svelte.ts';
import { ErrorBanner } from './errors.svelte.ts';
import { RunsState } from './runs.svelte.ts';

/** Everything the workbench shows, built around one API (whichever shell provides it). */
export class Workbench {
  readonly errors = new ErrorBanner();
  readonly runs: RunsState;
  readonly curves: CurvesState;
  readonly details: RunDetailState;
  appInfo = $state.raw<AppInfo | null>(null);

  constructor(readonly api: RidgelineApi) {
    this.runs = new RunsState(api, this.errors.report);
    this.curves = new CurvesState(api, this.errors.report, (id) => this.runs.byId.get(id)?.final.optimumObjective ?? null);
    this.details = new RunDetailState(api);
  }

  /** Loads the first data and listens to events; returns the function that stops listening. */
  start(): () => void {
    const unsubscribe = this.api.subscribe((event) => {
      this.runs.handle(event);
      this.curves.handle(event);
    });
    void this.runs.load();
    this.api.getAppInfo({}).then((info) => {
      this.appInfo = info;
    }, this.errors.report);
    return () => {
      unsubscribe();
      this.curves.dispose();
    };
  }
}
