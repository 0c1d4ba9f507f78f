/**
 * What the Curves panel draws for a choice of quantity (renderer/src/lib/curveViews.ts): the stored
 * columns behind it, the lines of each run (train and validation loss together, the validation line only
 * for a run that has one), how each line is named and dashed; and the step axis it draws them on.
 */
import { describe, expect, it } from 'vitest';
import { CURVE_METRICS, curveAxisLabel, curveColumns, lineStyle, runLines } from '../../renderer/src/lib/curveViews.ts';
import { stepsUpTo } from '../../renderer/src/lib/stepAxis.ts';

describe('the quantities the curves plot', () => {
  it('read one stored column each, the suboptimality the objective, and train and validation loss two', () => {
    expect(curveColumns('objective')).toEqual(['objective']);
    expect(curveColumns('suboptimality')).toEqual(['objective']);
    expect(curveColumns('validationLoss')).toEqual(['validationLoss']);
    expect(curveColumns('trainValidation')).toEqual(['dataLoss', 'validationLoss']);
    expect(CURVE_METRICS.map((m) => m.value)).toContain('trainValidation');
    expect(curveAxisLabel('trainValidation')).toBe('data loss');
    expect(curveAxisLabel('objective')).toBe('objective J');
  });
});

describe('the lines of a run', () => {
  it('are its train and validation loss when it has a validation split, the train loss alone when not', () => {
    expect(runLines('a', 'trainValidation', [101, 101], false)).toEqual([
      { runId: 'a', column: 'dataLoss', raw: false },
      { runId: 'a', column: 'validationLoss', raw: false },
    ]);
    // No validation rows: the column is NaN from step 0, so it has no steps to draw.
    expect(runLines('b', 'trainValidation', [101, 0], false)).toEqual([{ runId: 'b', column: 'dataLoss', raw: false }]);
  });

  it('put each raw curve just before its smoothed one', () => {
    expect(runLines('a', 'trainValidation', [5, 5], true).map((l) => `${l.column}${l.raw ? ' raw' : ''}`)).toEqual(['dataLoss raw', 'dataLoss', 'validationLoss raw', 'validationLoss']);
  });

  it('keep one line per run for a one-column quantity, even before any step is known', () => {
    expect(runLines('a', 'objective', [0], false)).toEqual([{ runId: 'a', column: 'objective', raw: false }]);
    expect(runLines('a', 'suboptimality', [10], true)).toHaveLength(2);
  });
});

describe('how a line is drawn', () => {
  it('names both losses in the legend, in the run’s colour, the validation one dashed', () => {
    const train = lineStyle({ runId: 'a', column: 'dataLoss', raw: false }, 'trainValidation', 'ridge', '#4e79a7');
    const validation = lineStyle({ runId: 'a', column: 'validationLoss', raw: false }, 'trainValidation', 'ridge', '#4e79a7');
    expect(train).toEqual({ label: 'ridge · train', stroke: '#4e79a7', faint: false });
    expect(validation).toEqual({ label: 'ridge · validation', stroke: '#4e79a7', faint: false, dash: [6, 4] });
    expect(lineStyle({ runId: 'a', column: 'validationLoss', raw: true }, 'trainValidation', 'ridge', '#4e79a7')).toEqual({
      label: 'ridge · validation (raw)',
      stroke: '#4e79a7',
      faint: true,
      dash: [6, 4],
    });
  });

  it('is the run’s name alone, solid, for a one-column quantity (the validation loss alone included)', () => {
    expect(lineStyle({ runId: 'a', column: 'validationLoss', raw: false }, 'validationLoss', 'ridge', '#e15759')).toEqual({ label: 'ridge', stroke: '#e15759', faint: false });
    expect(lineStyle({ runId: 'a', column: 'objective', raw: true }, 'objective', 'ridge', '#e15759')).toEqual({ label: 'ridge (raw)', stroke: '#e15759', faint: true });
  });
});

describe('the step axis', () => {
  it('holds 0, 1, 2, … with room for the steps asked, doubling, and keeps a buffer that is long enough', () => {
    const first = stepsUpTo(new Float64Array(0), 10);
    expect(first.length).toBe(1024);
    first.forEach((v, i) => expect(v).toBe(i));
    expect(stepsUpTo(first, 1024)).toBe(first);
    const grown = stepsUpTo(first, 5000);
    expect(grown.length).toBe(8192);
    expect(grown[1023]).toBe(1023);
    expect(grown[8191]).toBe(8191);
    expect(grown.every((v, i) => v === i)).toBe(true);
  });

  it('grows to millions of steps in well under a second (the old array-like copy took seconds on a loaded machine)', () => {
    const start = performance.now();
    let steps = new Float64Array(0);
    for (let n = 1024; n <= 8_388_608; n *= 2) steps = stepsUpTo(steps, n);
    expect(steps.length).toBe(8_388_608);
    expect(steps[8_388_607]).toBe(8_388_607);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
