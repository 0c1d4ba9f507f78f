// Serve mode under load, short form (bench/load.ts; `npm run bench` runs the long one and reports its
// latency): 4 runs and 2 sweeps train while 8 clients poll as the renderer does (getRunMetrics from the
// first step each lacks) and hold the event stream for 8 s. Asserted is what does not depend on the
// machine's speed: no request failed, and nothing was lost (every run stored maxIter + 1 steps, both
// sweeps completed, every client's incrementally assembled curves equal the stored ones bit for bit).
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load.ts';

describe('serve mode under load (short form)', () => {
  it('answers every request and loses nothing', async () => {
    const result = await runLoad({ durationMs: 8_000, clients: 8, runIterations: 20_000, cellIterations: 3_000 });
    console.log(`load: ${result.requests} requests, ${result.errors.length} errors, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.events} events`);
    expect(result.errors).toEqual([]);
    expect(result.events).toBeGreaterThan(0);
    for (const run of result.runs) expect(run).toMatchObject({ status: 'completed', storedSteps: run.expectedSteps });
    expect(result.clientDifferences).toEqual([]);
    for (const sweep of result.sweeps) {
      expect(sweep.status).toBe('completed');
      expect(sweep.cellsDone).toBe(sweep.cellsTotal);
    }
  }, 180_000);
});
