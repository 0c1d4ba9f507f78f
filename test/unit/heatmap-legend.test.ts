// The CV heat map's colour-bar ticks (renderer/src/lib/heatmapLegend.ts): "k SE" labels placed at
// t = 1 − log1p(k)/top never overlap (the "3 SE1 SE" of issue 15, item 17), whatever the spread of the
// errors, and the 1 SE tick is kept whenever it fits. Positions are checked against log1p by hand.
import { describe, expect, it } from 'vitest';
import { labelWidth, legendMarks } from '../../renderer/src/lib/heatmapLegend.ts';

/** Each label's [left, right] extent in pixels on a bar `width` wide. */
const extents = (top: number, width: number) => legendMarks(top, width).map((m) => [m.at * width - labelWidth(m.label) / 2, m.at * width + labelWidth(m.label) / 2]);

describe('heat-map legend ticks', () => {
  it('puts k SE at 1 − log1p(k)/top', () => {
    const marks = legendMarks(3, 256);
    expect(marks.map((m) => m.k)).toEqual([1, 3, 10]);
    marks.forEach((m) => expect(m.at).toBeCloseTo(1 - Math.log1p(m.k) / 3, 15));
  });

  it('drops the ticks whose labels would overlap: 1 SE and 3 SE 15 px apart keep only 1 SE', () => {
    // top = 8.5: 1 SE at 0.918 and 3 SE at 0.837 of 192 px, 15.7 px apart, less than a label's width.
    const top = 8.5;
    expect((Math.log1p(3) - Math.log1p(1)) / top * 192).toBeLessThan(labelWidth('1 SE'));
    const ks = legendMarks(top, 192).map((m) => m.k);
    expect(ks[0]).toBe(1);
    expect(ks).not.toContain(3);
  });

  it('never overlaps, keeps every label on the bar, and keeps 1 SE where it fits, over a wide range of spreads', () => {
    for (const width of [120, 192, 256, 400]) {
      for (let top = 0.2; top < 25; top += 0.05) {
        const boxes = extents(top, width);
        for (const [left, right] of boxes) {
          expect(left).toBeGreaterThanOrEqual(0);
          expect(right).toBeLessThanOrEqual(width);
        }
        // Ordered right to left (k grows): each label ends left of where the previous one starts.
        for (let i = 1; i < boxes.length; i++) expect(boxes[i][1], `top ${top}, width ${width}`).toBeLessThan(boxes[i - 1][0]);
        const oneAt = (1 - Math.log1p(1) / top) * width;
        const fits = oneAt - labelWidth('1 SE') / 2 >= 0 && oneAt + labelWidth('1 SE') / 2 <= width;
        expect(legendMarks(top, width)[0]?.k === 1, `top ${top}, width ${width}`).toBe(fits);
      }
    }
  });

  it('draws nothing for a flat map or a bar not laid out', () => {
    expect(legendMarks(0, 192)).toEqual([]);
    expect(legendMarks(Number.NaN, 192)).toEqual([]);
    expect(legendMarks(5, 0)).toEqual([]);
  });
});
