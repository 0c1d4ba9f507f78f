/**
 * One client of the load bench, polling serve mode the way the renderer's curves do
 * (renderer/src/state/curves.svelte.ts) for a metric that progress events do not carry: the runs list,
 * and that metric of each run from the first step it does not hold yet (`getRunMetrics` with
 * `fromStep`), appended to a growing typed array. What it assembled is compared with the stored history
 * at the end: an incremental poll that skipped or repeated steps would show there.
 */
import { performance } from 'node:perf_hooks';
import { decodeWire } from '../shared/wire.ts';

export interface Endpoint {
  origin: string;
  token: string;
}

/** The plotted metric: one that progress events do not carry (LIVE_METRICS), so the renderer polls it. */
export const POLLED_METRIC = 'gradNorm';

interface Metrics {
  runId: string;
  firstStep: number;
  count: number;
  columns: { [POLLED_METRIC]?: Float64Array };
}

export async function callApi<T>(endpoint: Endpoint, method: string, input: unknown): Promise<T> {
  const response = await fetch(`${endpoint.origin}/api/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${endpoint.token}` }, body: JSON.stringify(input) });
  const body = decodeWire<{ ok: boolean; value: T; error?: { code: string; message: string } }>(await response.text());
  if (!body.ok) throw new Error(`${method}: ${response.status} ${body.error?.code}: ${body.error?.message}`);
  return body.value;
}

/** A run's curve as the client holds it: steps 0 … length − 1, in a buffer that doubles. */
class Curve {
  values = new Float64Array(1024);
  length = 0;

  append(firstStep: number, values: Float64Array): void {
    if (firstStep !== this.length) throw new Error(`asked for steps from ${this.length}, got them from ${firstStep}`);
    const end = this.length + values.length;
    if (end > this.values.length) {
      let capacity = this.values.length;
      while (capacity < end) capacity *= 2;
      const grown = new Float64Array(capacity);
      grown.set(this.values.subarray(0, this.length));
      this.values = grown;
    }
    this.values.set(values, this.length);
    this.length = end;
  }
}

export class PollingClient {
  private readonly curves: Curve[];

  constructor(
    private readonly endpoint: Endpoint,
    private readonly runIds: readonly string[],
  ) {
    this.curves = runIds.map(() => new Curve());
  }

  listRuns(): Promise<unknown> {
    return callApi(this.endpoint, 'listRuns', {});
  }

  /** Fetches and appends what each curve lacks. */
  async pollCurves(): Promise<void> {
    const results = await callApi<Metrics[]>(this.endpoint, 'getRunMetrics', {
      ids: this.runIds,
      metrics: [POLLED_METRIC],
      fromStep: this.curves.map((curve) => curve.length),
    });
    results.forEach((result, k) => {
      if (result.runId !== this.runIds[k]) throw new Error(`getRunMetrics answered run ${result.runId} in place of ${this.runIds[k]}`);
      const values = result.columns[POLLED_METRIC];
      if (values === undefined || values.length !== result.count) throw new Error(`getRunMetrics: run ${result.runId} came without its ${result.count} ${POLLED_METRIC} values`);
      if (result.count > 0) this.curves[k].append(result.firstStep, values);
    });
  }

  /** Requests alternate between the two kinds until `until`; each one's latency or error is recorded. */
  async pollUntil(until: number, offset: number, latencies: number[], errors: string[]): Promise<void> {
    for (let i = offset; performance.now() < until; i++) {
      const started = performance.now();
      try {
        if (i % 2 === 0) await this.listRuns();
        else await this.pollCurves();
        latencies.push(performance.now() - started);
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  }

  /** Runs whose assembled curve differs from `stored` (length or any bit), described. */
  differences(stored: ReadonlyMap<string, Float64Array>): string[] {
    const found: string[] = [];
    this.runIds.forEach((id, k) => {
      const curve = this.curves[k];
      const expected = stored.get(id);
      if (expected === undefined) return void found.push(`${id}: not stored`);
      if (curve.length !== expected.length) return void found.push(`${id}: assembled ${curve.length} steps, stored ${expected.length}`);
      const held = Buffer.from(curve.values.buffer, 0, curve.length * 8);
      const truth = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
      if (held.equals(truth)) return;
      const at = held.findIndex((byte, i) => byte !== truth[i]);
      found.push(`${id}: step ${Math.floor(at / 8)} differs from the stored value`);
    });
    return found;
  }
}
