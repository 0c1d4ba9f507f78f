/**
 * Small preferences of the page (a panel open, a split's position), kept in localStorage as JSON. A
 * store that is missing, full, disabled or holds something unreadable means the default: a preference
 * is never worth an error.
 */
function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The stored value when `accept` takes it (it returns null for what it refuses), else null. */
export function loadPref<T>(key: string, accept: (value: unknown) => T | null): T | null {
  try {
    const text = storage()?.getItem(key);
    return text === null || text === undefined ? null : accept(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Stores the value (null forgets it). */
export function savePref(key: string, value: unknown): void {
  try {
    if (value === null) storage()?.removeItem(key);
    else storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // Not remembered, still applied.
  }
}
