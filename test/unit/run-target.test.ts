// The launcher's "Run on" (renderer/src/lib/runTarget.ts): a password typed into the URL moves out of it,
// is put back percent-encoded for the services, is checked by the CLI's rules, and never reaches storage.
import { describe, expect, it } from 'vitest';
import { parseQueueUrl } from '../../shared/queueUrl.ts';
import { composeQueueUrl, maskedQueueUrl, queueProblem, readRunOn, runOnForStorage, splitPassword, urlWithoutPassword } from '../../renderer/src/lib/runTarget.ts';

describe('run target URL handling', () => {
  it('splits a password off a URL, keeping the rest as typed', () => {
    expect(splitPassword('redis://:s3cret@10.1.2.3:6380/2')).toEqual({ url: 'redis://10.1.2.3:6380/2', password: 's3cret' });
    expect(splitPassword('rediss://worker:p%40ss@queue.example.org')).toEqual({ url: 'rediss://worker@queue.example.org', password: 'p@ss' });
    expect(splitPassword('redis://127.0.0.1:6379')).toEqual({ url: 'redis://127.0.0.1:6379', password: null });
    expect(splitPassword('not a url :pw@')).toEqual({ url: 'not a url :pw@', password: null });
  });

  it('puts any password back so that the services read exactly it', () => {
    for (const password of ['s3cret', 'p@ss:w/rd', '100%', 'with space', 'ünïcode', '#?&=']) {
      const url = composeQueueUrl('redis://10.0.0.5:6379/1', password);
      expect(parseQueueUrl(url).password).toBe(password);
      expect(splitPassword(url)).toEqual({ url: 'redis://10.0.0.5:6379/1', password });
    }
    expect(composeQueueUrl(' redis://127.0.0.1:7000 ', '')).toBe('redis://127.0.0.1:7000');
    expect(maskedQueueUrl('redis://10.0.0.5:6379/1', 'pw')).toBe('redis://:***@10.0.0.5:6379/1');
  });

  it("checks by the CLI's rules, in words, never echoing the password", () => {
    expect(queueProblem('redis://127.0.0.1:6379', '')).toBeNull();
    expect(queueProblem('redis://10.0.0.5:6379', 'pw')).toBeNull();
    expect(queueProblem('', 'pw')).toMatch(/^Enter the queue URL/);
    expect(queueProblem('redis://10.0.0.5:6379', '')).toMatch(/^The queue at redis:\/\/10\.0\.0\.5:6379\/0 needs a password .*only a loopback server may go without one\.$/);
    expect(queueProblem('http://10.0.0.5:6379', 'hunter2')).toMatch(/must start with redis:\/\/ or rediss:\/\//);
    expect(queueProblem('redis://10.0.0.5:6379/x', 'hunter2')).toMatch(/database must be a number/);
    expect(queueProblem('redis://10.0.0.5:6379/x', 'hunter2')).not.toContain('hunter2');
  });

  it('stores the kind and the URL, never a password, and reads back only what it stored', () => {
    const stored = runOnForStorage({ kind: 'queue', url: 'redis://:hunter2@10.0.0.5:6379/0' });
    expect(JSON.parse(stored)).toEqual({ kind: 'queue', url: 'redis://10.0.0.5:6379/0' });
    // Half-typed text that is not a URL yet may hold part of a password: not stored.
    for (const partial of ['redis://:hunt', 'redis://:hunter2@', 'redis://user:hunter2@bad host']) {
      expect(runOnForStorage({ kind: 'queue', url: partial })).not.toContain('hunt');
      expect(urlWithoutPassword(partial)).toBe('');
    }
    expect(readRunOn(stored)).toEqual({ kind: 'queue', url: 'redis://10.0.0.5:6379/0' });
    // A password that got into storage some other way is dropped on reading.
    expect(readRunOn(JSON.stringify({ kind: 'queue', url: 'redis://:hunter2@10.0.0.5:6379/0' }))).toEqual({ kind: 'queue', url: 'redis://10.0.0.5:6379/0' });
    for (const garbage of [null, '', '{', '[]', '"queue"', '{"kind":"cluster","url":"x"}', '{"kind":"queue","url":5}']) {
      const read = readRunOn(garbage);
      expect(read.kind === 'local' || read.url === '').toBe(true);
    }
    expect(readRunOn('{"kind":"queue","url":5}')).toEqual({ kind: 'queue', url: '' });
    expect(readRunOn('{"kind":"cluster"}')).toEqual({ kind: 'local', url: '' });
  });
});
