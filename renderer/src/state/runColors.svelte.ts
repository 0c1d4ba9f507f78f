import { categoricalColor } from '../../../shared/palette.ts';

/**
 * The colours of the selected runs: the k-th run selected gets the k-th colour of the app's categorical
 * palette (shared/palette.ts), the order an exported report of the selection draws them in too. So a
 * run has one colour in the table, the curves, Compare and the report, and runs shown together never
 * share one (up to the palette's distinct colours). RunsState assigns them whenever the selection changes.
 */
class RunColors {
  private slots = $state.raw<ReadonlyMap<string, number>>(new Map());

  /** The selection, in the order its runs were selected. */
  assign(ids: Iterable<string>): void {
    const slots = new Map<string, number>();
    for (const id of ids) slots.set(id, slots.size);
    this.slots = slots;
  }

  /** A selected run's colour; undefined for a run not selected. */
  of(id: string): string | undefined {
    const k = this.slots.get(id);
    return k === undefined ? undefined : categoricalColor(k);
  }
}

export const runColors = new RunColors();
