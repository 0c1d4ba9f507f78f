import { mount } from 'svelte';
import App from './App.svelte';
import Unavailable from './components/Unavailable.svelte';
import { ApiUnavailableError, getApi } from './api/index.ts';
import { Workbench } from './state/workbench.svelte.ts';
import './styles.css';

const target = document.getElementById('app') ?? document.body;

try {
  const workbench = new Workbench(getApi());
  mount(App, { target, props: { workbench } });
} catch (error) {
  if (!(error instanceof ApiUnavailableError)) console.error(error);
  const message = error instanceof Error ? error.message : String(error);
  mount(Unavailable, { target, props: { message } });
}
