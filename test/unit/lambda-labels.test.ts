// Where the sweep plots write "λ_min" and "λ_1se" (issue 15, item 14): beside their dashed lines, on the
// preferred side (λ_min left, λ_1se right) unless the label would be clipped there, as λ_min was near
// the plot's left edge ("_min").
import { describe, expect, it } from 'vitest';
import { labelGoesLeft } from '../../renderer/src/lib/sweepPlots.ts';

const LEFT = 60;
const RIGHT = 660;
const WIDTH = 36;
const GAP = 4;

describe('λ line labels', () => {
  it('go on their preferred side when they fit there', () => {
    expect(labelGoesLeft(300, WIDTH, GAP, LEFT, RIGHT, true)).toBe(true);
    expect(labelGoesLeft(300, WIDTH, GAP, LEFT, RIGHT, false)).toBe(false);
  });

  it('move to the other side rather than be clipped at an edge', () => {
    // λ_min 20 px from the left edge: 36 px of text does not fit to its left.
    expect(labelGoesLeft(LEFT + 20, WIDTH, GAP, LEFT, RIGHT, true)).toBe(false);
    // λ_1se near the right edge.
    expect(labelGoesLeft(RIGHT - 10, WIDTH, GAP, LEFT, RIGHT, false)).toBe(true);
    // Exactly fitting still counts as fitting.
    expect(labelGoesLeft(LEFT + GAP + WIDTH, WIDTH, GAP, LEFT, RIGHT, true)).toBe(true);
  });

  it('keep their preferred side when neither side fits (a plot narrower than the label)', () => {
    expect(labelGoesLeft(80, 200, GAP, 60, 120, true)).toBe(true);
    expect(labelGoesLeft(80, 200, GAP, 60, 120, false)).toBe(false);
  });
});
