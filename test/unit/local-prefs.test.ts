/**
 * The page's small preferences in localStorage (renderer/src/lib/localPrefs.ts): stored as JSON, read
 * back only when the caller accepts the value, and never an error when the store is missing, full,
 * disabled or holds something unreadable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadPref, savePref } from '../../renderer/src/lib/localPrefs.ts';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function install(storage: unknown): void {
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true, writable: true });
}

afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage;
});

describe('preferences in localStorage', () => {
  it('round-trips a value as JSON, and null forgets it', () => {
    const storage = new MemoryStorage();
    install(storage);
    expect(loadPref('k', bool)).toBeNull();
    savePref('k', true);
    expect(storage.items.get('k')).toBe('true');
    expect(loadPref('k', bool)).toBe(true);
    savePref('k', null);
    expect(storage.items.has('k')).toBe(false);
    expect(loadPref('k', bool)).toBeNull();
  });

  it('reads what the caller refuses, or cannot parse, as nothing', () => {
    const storage = new MemoryStorage();
    install(storage);
    storage.setItem('k', '"yes"');
    expect(loadPref('k', bool)).toBeNull();
    storage.setItem('k', '{not json');
    expect(loadPref('k', bool)).toBeNull();
  });

  it('is no error without a store, or with one that throws (disabled, full)', () => {
    expect(loadPref('k', bool)).toBeNull();
    expect(() => savePref('k', true)).not.toThrow();
    install({
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    });
    expect(loadPref('k', bool)).toBeNull();
    expect(() => savePref('k', false)).not.toThrow();
    expect(() => savePref('k', null)).not.toThrow();
  });
});
