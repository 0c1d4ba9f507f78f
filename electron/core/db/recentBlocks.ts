/** A stored metric block as the runs store reads it back: `data` is its columns one after another. */
export interface StoredBlock {
  first_step: number;
  step_count: number;
  data: Buffer;
}

/** How much of a run's newest history is kept: several seconds of the fastest solver's steps. */
const DEFAULT_MAX_BYTES_PER_RUN = 4 * 1024 * 1024;

/**
 * The newest metric blocks of the runs this process is writing, exactly as committed. Clients that follow
 * a run live ask for the steps after the last one they hold; those are answered from here instead of
 * reading back from SQLite every column of blocks just written (20 polling windows made that most of
 * serve mode's reading). Bounded per run, and forgotten when the run ends.
 */
export class RecentBlocks {
  private readonly byRun = new Map<string, StoredBlock[]>();

  constructor(private readonly maxBytesPerRun = DEFAULT_MAX_BYTES_PER_RUN) {}

  add(runId: string, block: StoredBlock): void {
    let blocks = this.byRun.get(runId);
    if (blocks === undefined) {
      blocks = [];
      this.byRun.set(runId, blocks);
    }
    const last = blocks[blocks.length - 1];
    // Only a continuation extends the tail: a history that starts over (a retried cell) starts a new one.
    if (last !== undefined && last.first_step + last.step_count !== block.first_step) blocks.length = 0;
    blocks.push(block);
    let bytes = blocks.reduce((n, b) => n + b.data.byteLength, 0);
    while (bytes > this.maxBytesPerRun && blocks.length > 1) bytes -= blocks.shift()!.data.byteLength;
  }

  /** The blocks holding the steps from `fromStep` on, or null when the kept tail does not reach back that far. */
  from(runId: string, fromStep: number): StoredBlock[] | null {
    const blocks = this.byRun.get(runId);
    if (blocks === undefined || blocks.length === 0 || blocks[0].first_step > fromStep) return null;
    return blocks.filter((b) => b.first_step + b.step_count > fromStep);
  }

  forget(runId: string): void {
    this.byRun.delete(runId);
  }
}
