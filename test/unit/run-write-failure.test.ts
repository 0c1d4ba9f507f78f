// A write that fails while a run reports progress (a full disk; here a database made read-only) ends that
// run, saying why, and leaves the process serving: before, the error escaped the trainer's message
// handler and took the whole server down.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '../../shared/api.ts';
import { emptyMetricColumns } from '../../shared/domain/metrics.ts';
import { parseApiInput } from '../../shared/validate.ts';
import type { FromTrainer } from '../../shared/protocol/trainer.ts';
import { chromiumPdf } from '../../electron/core/reports/chromiumPdf.ts';
import { createServices, type Services } from '../../electron/core/services.ts';
import type { TrainerHost } from '../../electron/core/training/trainerHost.ts';

/** A trainer the test speaks for: what it would report is delivered by `report`. */
function scriptedTrainer(): { launch: () => TrainerHost; report: (message: FromTrainer) => void; killed: () => boolean } {
  let listener: (message: FromTrainer) => void = () => undefined;
  let killed = false;
  return {
    launch: () => ({
      send: () => undefined,
      onMessage: (l) => (listener = l),
      onExit: () => undefined,
      kill: () => void (killed = true),
    }),
    report: (message) => listener(message),
    killed: () => killed,
  };
}

const open: Services[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  vi.restoreAllMocks();
});

describe('a run whose writes fail', () => {
  it('fails with the reason in words, and the services go on', async () => {
    const trainer = scriptedTrainer();
    const s = createServices({ dbPath: join(mkdtempSync(join(tmpdir(), 'ridgeline-writefail-')), 'w.db'), launchTrainer: trainer.launch, kind: 'test', pdf: chromiumPdf });
    open.push(s);
    const events: ApiEvent[] = [];
    s.events.subscribe((event) => events.push(event));
    const spec = { datasetId: 'builtin:seed', hyperparams: { model: 'linear', lambda: 1e-4, alpha: 0, solver: 'gd', learningRate: 0.01, maxIter: 10, tol: 0 } };
    const { runId } = await s.handlers.startRun(parseApiInput('startRun', spec));
    trainer.report({ type: 'ready' });

    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    s.db.pragma('query_only = ON');
    const columns = emptyMetricColumns(3);
    // Delivered as the trainer process would: an error escaping here would be uncaught in the server.
    expect(() => trainer.report({ type: 'progress', id: runId, batch: { firstStep: 0, count: 3, columns } })).not.toThrow();
    const ended = events.find((e): e is Extract<ApiEvent, { type: 'runStatus' }> => e.type === 'runStatus' && e.runId === runId && e.status === 'failed');
    expect(ended?.statusReason).toMatch(/readonly/);
    expect(trainer.killed()).toBe(true);
    // Its end could not be written either: said on stderr, not thrown.
    expect(logged.mock.calls.some(([line]) => String(line).includes(`run ${runId}: could not record its end`))).toBe(true);

    // Until it can be written, getRun shows the end (not a run that reads as running), saying it is not saved.
    const shown = await s.handlers.getRun({ id: runId });
    expect(shown.status).toBe('failed');
    expect(shown.statusReason).toMatch(/readonly.*not saved yet/);

    s.db.pragma('query_only = OFF');
    expect((await s.handlers.listRuns({})).some((r) => r.id === runId)).toBe(true);
    const next = await s.handlers.startRun(parseApiInput('startRun', spec));
    expect(next.runId).not.toBe(runId);
    // Once there is room, the end is written within a second or so: the stored row says failed, and why.
    const storedRow = () => s.db.prepare('SELECT status, status_reason AS reason FROM runs WHERE id = ?').get(runId) as { status: string; reason: string | null };
    let stored = storedRow();
    expect(stored.status).toBe('running');
    for (let k = 0; k < 60 && stored.status !== 'failed'; k++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stored = storedRow();
    }
    expect(stored.status).toBe('failed');
    expect(stored.reason).toMatch(/readonly/);
    expect((await s.handlers.getRun({ id: runId })).statusReason).not.toMatch(/not saved yet/);
  });
});
