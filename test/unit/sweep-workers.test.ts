// The sweep view's workers: heartbeats as Redis holds them (checked like any input, aged by Redis's own
// clock), the roster merged from the database's counts and the queue's facts, and its words.
import { describe, expect, it } from 'vitest';
import type { SweepWorker } from '../../shared/domain/sweepWorkers.ts';
import { splitWorkerName, workerRoster } from '../../electron/core/sweeps/workerRoster.ts';
import { decodeHeartbeat, encodeHeartbeat } from '../../electron/queue/workerHeartbeat.ts';
import { describeActivity, describeHeartbeat, formatAgo } from '../../renderer/src/lib/sweepWorkers.ts';

const beat = (host: string, pid: number, ageMs: number, stopped = false) => ({ ageMs, intervalMs: 5000, stopped, host, pid });

describe('worker heartbeats', () => {
  it('ages a heartbeat by what is left of its lifetime, and refuses what is not one', () => {
    const text = encodeHeartbeat({ host: 'node-7', pid: 4242, intervalMs: 5000, ttlMs: 900_000, stopped: false });
    expect(decodeHeartbeat(text, 897_500)).toEqual({ ageMs: 2500, intervalMs: 5000, stopped: false, host: 'node-7', pid: 4242 });
    // Rewritten just now (PTTL a hair above the lifetime is impossible, but never a negative age).
    expect(decodeHeartbeat(text, 900_001)?.ageMs).toBe(0);
    expect(decodeHeartbeat(null, -2)).toBeNull();
    expect(decodeHeartbeat(text, -1)).toBeNull();
    for (const bad of ['not json', '{}', JSON.stringify({ v: 2, host: 'h', pid: 1, intervalMs: 1, ttlMs: 1, stopped: false }), JSON.stringify({ v: 1, host: '', pid: 1, intervalMs: 1, ttlMs: 1, stopped: false })]) {
      expect(decodeHeartbeat(bad, 100)).toBeNull();
    }
  });
});

describe('worker roster', () => {
  it('reads host and pid from a worker name', () => {
    expect(splitWorkerName('node-7.cluster:4242')).toEqual({ host: 'node-7.cluster', pid: 4242 });
    expect(splitWorkerName('::1:99')).toEqual({ host: '::1', pid: 99 });
    expect(splitWorkerName('no-pid-here')).toEqual({ host: 'no-pid-here', pid: null });
  });

  it('merges committed cells with cells in hand and heartbeats, by host then pid', () => {
    const counts = new Map<string | null, number>([['b:20', 3], ['a:30', 4], [null, 2], ['a:5', 1], ['gone:1', 1]]);
    const facts = {
      inHand: new Map([['a:30', [7, 9]], ['c:1', [10]]]),
      heartbeats: new Map([['a:30', beat('a', 30, 1000)], ['a:5', beat('a', 5, 2000, true)], ['b:20', beat('b', 20, 16_000)], ['c:1', beat('c', 1, 0)]]),
    };
    const { workers, localCells } = workerRoster(counts, facts);
    expect(localCells).toBe(2);
    expect(workers.map((w) => [w.name, w.cellsDone, w.cellsInHand, w.state, w.heartbeatAgeSeconds])).toEqual([
      ['a:5', 1, [], 'stopped', 2],
      ['a:30', 4, [7, 9], 'training', 1],
      ['b:20', 3, [], 'silent', 16],
      ['c:1', 0, [10], 'training', 0],
      ['gone:1', 1, [], 'silent', null],
    ]);
    // Without the queue's facts: what the database recorded, state unknown.
    const offline = workerRoster(counts, null).workers;
    expect(offline.map((w) => w.name)).toEqual(['a:5', 'a:30', 'b:20', 'gone:1']);
    expect(offline.every((w) => w.state === 'unknown' && w.heartbeatAgeSeconds === null && w.cellsInHand.length === 0)).toBe(true);
    // A heartbeat just within 3 intervals is still a live idle worker.
    expect(workerRoster(new Map([['x:1', 1]]), { inHand: new Map(), heartbeats: new Map([['x:1', beat('x', 1, 15_000)]]) }).workers[0].state).toBe('idle');
  });

  it('says when each worker last beat, ticking between reads', () => {
    const worker = (state: SweepWorker['state'], heartbeatAgeSeconds: number | null, cellsInHand: number[] = []): SweepWorker => ({ name: 'h:1', host: 'h', pid: 1, cellsDone: 0, cellsInHand, heartbeatAgeSeconds, state });
    expect(formatAgo(0.4)).toBe('just now');
    expect(formatAgo(42.9)).toBe('42 s ago');
    expect(formatAgo(600)).toBe('10 min ago');
    expect(formatAgo(3 * 3600)).toBe('3 h ago');
    expect(describeHeartbeat(worker('idle', 2.5), 10)).toBe('12 s ago');
    expect(describeHeartbeat(worker('stopped', 3), 0)).toBe('stopped, 3 s ago');
    expect(describeHeartbeat(worker('silent', null), 5)).toBe('none in the queue');
    expect(describeHeartbeat(worker('unknown', null), 5)).toBe('—');
    expect(describeActivity(worker('training', 1, [4]))).toBe('cell 4');
    expect(describeActivity(worker('training', 1, [4, 8]))).toBe('cells 4, 8');
    expect(describeActivity(worker('silent', 60))).toBe('not responding');
  });
});
