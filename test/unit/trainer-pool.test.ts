// The trainer pool's bookkeeping, with scripted trainer hosts (no processes): one cell can be cancelled
// (a queue worker drops the cell of a cancelled sweep, or hands it back when stopping) without touching
// the others, and a retired process's exit never costs the pool a live one.
import { describe, expect, it } from 'vitest';
import { RidgelineError } from '../../shared/errors.ts';
import type { CellJob, CellOutput, FromTrainer, ToTrainer } from '../../shared/protocol/trainer.ts';
import { TrainerPool } from '../../electron/core/training/trainerPool.ts';
import type { TrainerHost } from '../../electron/core/training/trainerHost.ts';

interface FakeHost extends TrainerHost {
  sent: ToTrainer[];
  killed: boolean;
  reply(message: FromTrainer): void;
  exit(code: number | null): void;
}

function fakeLauncher(): { launch: () => TrainerHost; hosts: FakeHost[] } {
  const hosts: FakeHost[] = [];
  const launch = (): TrainerHost => {
    let onMessage: (message: FromTrainer) => void = () => undefined;
    let onExit: (code: number | null, tail: string) => void = () => undefined;
    const host: FakeHost = {
      sent: [],
      killed: false,
      send: (message) => host.sent.push(message),
      onMessage: (listener) => (onMessage = listener),
      onExit: (listener) => (onExit = listener),
      // A killed process exits a moment later, as a real one does.
      kill: () => {
        host.killed = true;
        queueMicrotask(() => onExit(null, ''));
      },
      reply: (message) => onMessage(message),
      exit: (code) => onExit(code, 'boom'),
    };
    hosts.push(host);
    queueMicrotask(() => onMessage({ type: 'ready' }));
    return host;
  };
  return { launch, hosts };
}

const job = { kind: 'fold', repeat: 0, fold: 0, lambdas: Float64Array.of(1), options: { model: 'linear', alpha: 1, standardize: true, fitIntercept: true }, measure: 'mse' } as CellJob;
const output = (fitMs: number): CellOutput => ({ size: 1, errors: Float64Array.of(fitMs), nonzero: Float64Array.of(0), intercepts: null, coefs: null, iterations: 1, statusReason: null, fitMs });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const cellsSent = (host: FakeHost) => host.sent.filter((m) => m.type === 'cell').map((m) => (m as { id: string }).id);

describe('trainer pool', () => {
  it('cancels one running cell: its process is killed, the others go on, the next cell gets a fresh process', async () => {
    const { launch, hosts } = fakeLauncher();
    const pool = new TrainerPool(launch, 2);
    const a = pool.runCell('a', '/data', job);
    const b = pool.runCell('b', '/data', job);
    const c = pool.runCell('c', '/data', job);
    await settle();
    expect(hosts.map(cellsSent)).toEqual([['a'], ['b']]);

    pool.cancel('a', 'the sweep was cancelled');
    await expect(a).rejects.toEqual(new RidgelineError('CANCELLED', 'the sweep was cancelled'));
    expect(hosts[0].killed).toBe(true);
    await settle();
    // c waits for a fresh process (the pool never runs more than its size)…
    expect(hosts).toHaveLength(3);
    expect(hosts.filter((h) => !h.killed)).toHaveLength(2);
    expect(cellsSent(hosts[2])).toEqual(['c']);
    // …and b, on the process that was not retired, finishes as if nothing happened.
    hosts[1].reply({ type: 'cellDone', id: 'b', output: output(2) });
    hosts[2].reply({ type: 'cellDone', id: 'c', output: output(3) });
    expect((await b).fitMs).toBe(2);
    expect((await c).fitMs).toBe(3);
    pool.close();
  });

  it('a retired process exiting does not drop a live one from the pool; closing cancels every cell in hand', async () => {
    const { launch, hosts } = fakeLauncher();
    const pool = new TrainerPool(launch, 2);
    const a = pool.runCell('a', '/data', job);
    const b = pool.runCell('b', '/data', job);
    await settle();
    pool.cancel('a', 'stop');
    await a.catch(() => undefined);
    await settle();
    hosts[1].reply({ type: 'cellDone', id: 'b', output: output(1) });
    await b;
    // Two more cells: the live process (hosts[1]) takes one, one fresh process the other; never a fourth.
    const d = pool.runCell('d', '/data', job);
    const e = pool.runCell('e', '/data', job);
    await settle();
    expect(hosts).toHaveLength(3);
    expect(cellsSent(hosts[1])).toEqual(['b', 'd']);
    expect(cellsSent(hosts[2])).toEqual(['e']);
    pool.close();
    await expect(d).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(e).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('cancelling a queued cell takes it out of the queue; an unknown id is ignored', async () => {
    const { launch, hosts } = fakeLauncher();
    const pool = new TrainerPool(launch, 1);
    const a = pool.runCell('a', '/data', job);
    const b = pool.runCell('b', '/data', job);
    await settle();
    pool.cancel('b', 'handed back');
    pool.cancel('nope', 'ignored');
    await expect(b).rejects.toMatchObject({ code: 'CANCELLED', message: 'handed back' });
    hosts[0].reply({ type: 'cellDone', id: 'a', output: output(1) });
    expect((await a).fitMs).toBe(1);
    expect(cellsSent(hosts[0])).toEqual(['a']);
    expect(hosts[0].killed).toBe(false);
    pool.close();
  });
});
