export const TABS = [
  { id: 'runs', label: 'Runs' },
  { id: 'sweeps', label: 'Sweeps' },
  { id: 'settings', label: 'Settings' },
] as const;
export type Tab = (typeof TABS)[number]['id'];

const TAB_KEY = 'ridgeline.tab';

/** Which view the workbench shows; remembered for this window's session (a reload keeps it). */
export class Navigation {
  tab = $state<Tab>(readTab());

  show = (tab: Tab): void => {
    this.tab = tab;
    try {
      sessionStorage.setItem(TAB_KEY, tab);
    } catch {
      // Storage can be unavailable (privacy settings): the tab still switches, it is just not remembered.
    }
  };
}

function readTab(): Tab {
  try {
    const stored = sessionStorage.getItem(TAB_KEY);
    return TABS.find((t) => t.id === stored)?.id ?? 'runs';
  } catch {
    return 'runs';
  }
}
