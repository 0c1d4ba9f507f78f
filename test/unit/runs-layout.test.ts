/**
 * The Runs tab's layout logic (renderer/src/lib): the split between the runs list and the curves (its
 * default shows the list's key columns, its limits, keys and pointer), the runs table's column order, and
 * a refit's name split in two for a narrow column.
 */
import { describe, expect, it } from 'vitest';
import { KEY_AND_J_PX, KEY_COLUMNS, KEY_COLUMNS_PX, LEADING_COLUMNS_PX, RUN_COLUMNS } from '../../renderer/src/lib/runColumns.ts';
import { splitRunName } from '../../renderer/src/lib/runName.ts';
import { clampShare, DEFAULT_RUNS_SHARE, defaultShare, KEY_STEP, MAX_WANTED_SHARE, MIN_CURVES_PX, MIN_RUNS_PX, readShare, shareAfterKey, shareAtPointer } from '../../renderer/src/lib/splitPane.ts';

/** The panels' width at a window width: 2 × 1.25rem of padding and the 12 px separator. */
const panels = (windowWidth: number): number => windowWidth - 40 - 12;

describe('the runs table’s columns', () => {
  it('put name, status, λ, α and validation loss first, then the final J, before data set and model', () => {
    expect(RUN_COLUMNS.slice(0, 6).map((c) => c.key)).toEqual(['name', 'status', 'lambda', 'alpha', 'validationLoss', 'objective']);
    expect(RUN_COLUMNS.map((c) => c.key).indexOf('dataset')).toBeGreaterThan(5);
    expect(KEY_COLUMNS).toEqual(RUN_COLUMNS.slice(0, 5).map((c) => c.key));
    expect(new Set(RUN_COLUMNS.map((c) => c.key)).size).toBe(RUN_COLUMNS.length);
  });

  it('need KEY_COLUMNS_PX: their widths, the checkbox and swatch, the panel’s padding and a scrollbar (and the final J 90 px more)', () => {
    const widths = RUN_COLUMNS.slice(0, 5).reduce((sum, c) => sum + c.width, 0);
    expect(KEY_COLUMNS_PX).toBe(LEADING_COLUMNS_PX + widths + 34 + 16);
    expect(KEY_AND_J_PX).toBe(KEY_COLUMNS_PX + RUN_COLUMNS[5].width);
  });
});

describe('the split between the runs list and the curves', () => {
  it('defaults to half at 1400 px, which holds the key columns and the final J', () => {
    const width = panels(1400);
    const share = defaultShare(width, KEY_COLUMNS_PX, KEY_AND_J_PX);
    expect(share).toBe(MAX_WANTED_SHARE);
    expect(share * width).toBeGreaterThanOrEqual(KEY_AND_J_PX);
  });

  it('defaults to 45 % where that holds all (1600 px), and never widens for the final J beyond half', () => {
    expect(defaultShare(panels(1600), KEY_COLUMNS_PX, KEY_AND_J_PX)).toBe(DEFAULT_RUNS_SHARE);
    expect(DEFAULT_RUNS_SHARE * panels(1600)).toBeGreaterThanOrEqual(KEY_AND_J_PX);
    expect(defaultShare(1200, 500, 900)).toBe(MAX_WANTED_SHARE);
  });

  it('widens the default where half would cut the key columns (1024 px), leaving the curves their minimum', () => {
    const width = panels(1024);
    expect(MAX_WANTED_SHARE * width).toBeLessThan(KEY_COLUMNS_PX);
    const share = defaultShare(width, KEY_COLUMNS_PX, KEY_AND_J_PX);
    expect(share * width).toBeCloseTo(KEY_COLUMNS_PX, 6);
    expect((1 - share) * width).toBeGreaterThanOrEqual(MIN_CURVES_PX);
  });

  it('keeps both sides at their minimum widths, and takes the middle when the width holds neither', () => {
    const width = 1000;
    expect(clampShare(0.05, width)).toBe(MIN_RUNS_PX / width);
    expect(clampShare(0.95, width)).toBe(1 - MIN_CURVES_PX / width);
    expect(clampShare(0.5, width)).toBe(0.5);
    expect(clampShare(0.2, 500)).toBe(0.5);
    expect(clampShare(Number.NaN, width)).toBe(DEFAULT_RUNS_SHARE);
    expect(clampShare(0.3, 0)).toBe(DEFAULT_RUNS_SHARE);
  });

  it('moves with ←/→ by 2 % (Shift: 10 %), Home and End to the limits, and ignores other keys', () => {
    const width = 1348;
    expect(shareAfterKey(0.45, 'ArrowRight', false, width)).toBeCloseTo(0.45 + KEY_STEP, 12);
    expect(shareAfterKey(0.45, 'ArrowLeft', false, width)).toBeCloseTo(0.45 - KEY_STEP, 12);
    expect(shareAfterKey(0.45, 'ArrowRight', true, width)).toBeCloseTo(0.55, 12);
    expect(shareAfterKey(0.45, 'Home', false, width)).toBe(MIN_RUNS_PX / width);
    expect(shareAfterKey(0.45, 'End', false, width)).toBe(1 - MIN_CURVES_PX / width);
    expect(shareAfterKey(1 - MIN_CURVES_PX / width, 'ArrowRight', true, width)).toBe(1 - MIN_CURVES_PX / width);
    for (const key of ['ArrowUp', 'ArrowDown', 'Enter', 'a', 'Tab']) expect(shareAfterKey(0.45, key, false, width)).toBeNull();
  });

  it('follows the pointer from the panels’ left edge, within the limits', () => {
    expect(shareAtPointer(20 + 600, 20, 1200)).toBe(0.5);
    expect(shareAtPointer(0, 20, 1200)).toBe(MIN_RUNS_PX / 1200);
    expect(shareAtPointer(5000, 20, 1200)).toBe(1 - MIN_CURVES_PX / 1200);
  });

  it('reads back only a share strictly between 0 and 1 from storage', () => {
    expect(readShare(0.6)).toBe(0.6);
    for (const bad of [0, 1, -0.2, 1.5, Number.NaN, '0.5', null, undefined, {}]) expect(readShare(bad)).toBeNull();
  });
});

describe('a refit’s name in two parts', () => {
  it('splits the sweep service’s names at “ · refit”, and the parts make the name', () => {
    for (const name of ['diabetes lasso CV · refit at λ_min = 1.58566', 'my sweep · refit at λ_1se = 0.0123457']) {
      const parts = splitRunName(name)!;
      expect(parts.tail).toMatch(/^refit at λ_(min|1se) = /);
      expect(parts.separator).toBe(' · ');
      expect(parts.lead + parts.separator + parts.tail).toBe(name);
    }
    expect(splitRunName('diabetes lasso CV · refit at λ_min = 1.58566')).toEqual({ lead: 'diabetes lasso CV', separator: ' · ', tail: 'refit at λ_min = 1.58566' });
  });

  it('splits “<sweep> refit α=…, λ=…” too, and a sweep name with dots and spaces', () => {
    expect(splitRunName('prostate  refit α=1, λ=0.01')).toEqual({ lead: 'prostate', separator: '  ', tail: 'refit α=1, λ=0.01' });
    expect(splitRunName('v1.2 · wide · refit at λ_min = 3')).toEqual({ lead: 'v1.2 · wide', separator: ' · ', tail: 'refit at λ_min = 3' });
  });

  it('leaves other names whole', () => {
    for (const name of ['refit at λ_min = 3', 'ridge λ=1e-4', 'refitting', 'a refitted model', '', ' · refit x']) expect(splitRunName(name)).toBeNull();
  });
});
