import { mount } from 'svelte';
import App from './App.svelte';
import Unavailable from './components/Unavailable.svelte';
import DatabaseDamaged from './components/DatabaseDamaged.svelte';
import { ApiUnavailableError, getApi } from './api/index.ts';
import { Workbench } from './state/workbench.svelte.ts';
import './styles.css';

const target = document.getElementById('app') ?? document.body;

try {
  const api = getApi();
  const openWorkbench = (): void => void mount(App, { target, props: { workbench: new Workbench(api) } });
  // A damaged database (the shell could not open it) gets its check and recovery, not the workbench.
  // If this first call fails, the workbench opens and reports the failure itself.
  api.getAppInfo({}).then((appInfo) => (appInfo.databaseDamage === null ? openWorkbench() : void mount(DatabaseDamaged, { target, props: { api, appInfo } })), openWorkbench);
} catch (error) {
  if (!(error instanceof ApiUnavailableError)) console.error(error);
  const message = error instanceof Error ? error.message : String(error);
  mount(Unavailable, { target, props: { message } });
}
