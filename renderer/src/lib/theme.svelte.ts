/** Follows the system's light/dark preference (canvas colors cannot use CSS variables). */
class Theme {
  dark = $state(false);

  constructor() {
    if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return;
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    this.dark = query.matches;
    query.addEventListener('change', (event) => {
      this.dark = event.matches;
    });
  }
}

export const theme = new Theme();
