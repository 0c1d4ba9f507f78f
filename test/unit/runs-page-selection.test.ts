/**
 * Changes to a whole selection in one request (RunsPages.edit, the editRuns method) and what a selection
 * holds (RunsPages.summarize, summarizeRuns): the runs table's "select all matching" of 100,000 runs is
 * archived or tagged without a request per run, and its tags editor counts tags without fetching the rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../electron/core/appVersion.ts';
import { openStore, type Store } from '../../electron/core/cliStore.ts';
import { RunsPages } from '../../electron/core/db/runsPage.ts';
import { HyperparamsSchema, MAX_RUN_TAGS } from '../../shared/domain/runs.ts';

let dir: string;
let store: Store;
let pages: RunsPages;
let ids: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-selection-'));
  store = openStore(join(dir, 'runs.db'), 'test');
  pages = new RunsPages(store.db);
  const dataset = store.datasets.list()[0];
  const hyperparams = HyperparamsSchema.parse({ model: 'linear', lambda: 0.1, alpha: 0, solver: 'cd' });
  ids = Array.from({ length: 6 }, (_, i) => store.runs.create({ name: `run ${i}`, datasetId: dataset.id, datasetHash: dataset.hash, hyperparams, appVersion: APP_VERSION, ownerSession: null }));
  // run 0 queued (as created), run 1 running, the others finished.
  store.runs.markRunning(ids[1]);
  for (const id of ids.slice(2)) store.runs.fail(id, 'cancelled', 'made up');
  store.runs.edit({ id: ids[2], tags: ['Baseline', 'keep'] });
  store.runs.edit({ id: ids[3], tags: ['keep'], archived: true });
  store.runs.edit({ id: ids[4], tags: Array.from({ length: MAX_RUN_TAGS }, (_, k) => `t${k}`) });
  store.runs.softDelete([ids[5]]);
});

afterAll(() => {
  store?.close('test done');
  rmSync(dir, { recursive: true, force: true });
});

const tagsOf = (id: string): string[] => store.runs.get(id).tags;

describe('a selection of runs in SQLite', () => {
  it('summarizes what the runs hold: how many exist, archived, active, and each tag with its count', () => {
    const summary = pages.summarize([...ids.slice(0, 4), 'run_missing', ids[5], ids[2]]);
    expect(summary).toEqual({ runs: 4, archived: 1, active: 2, tags: [{ tag: 'Baseline', runs: 1 }, { tag: 'keep', runs: 2 }] });
  });

  it('archives and unarchives every run named at once, deleted and unknown ids left alone', () => {
    expect(pages.edit([ids[0], ids[2], ids[5], 'run_missing'], { archived: true })).toEqual({ runs: 2, tagLimit: 0 });
    expect([ids[0], ids[2], ids[3]].map((id) => store.runs.get(id).archived)).toEqual([true, true, true]);
    expect(store.db.prepare('SELECT archived FROM runs WHERE id = ?').pluck().get(ids[5])).toBe(0);
    pages.edit([ids[0], ids[2]], { archived: false });
    expect([ids[0], ids[2], ids[3]].map((id) => store.runs.get(id).archived)).toEqual([false, false, true]);
  });

  it('adds a tag after the ones a run has, not to a run that has it in another case, nor past the most tags a run may have', () => {
    expect(pages.edit(ids.slice(0, 5), { addTags: ['baseline'] })).toEqual({ runs: 5, tagLimit: 1 });
    expect(ids.slice(0, 4).map(tagsOf)).toEqual([['baseline'], ['baseline'], ['Baseline', 'keep'], ['keep', 'baseline']]);
    expect(tagsOf(ids[4])).toHaveLength(MAX_RUN_TAGS);
    expect(tagsOf(ids[4])).not.toContain('baseline');
    // Tags beyond ASCII, and quotes, are stored as written.
    pages.edit([ids[0]], { addTags: [`Ünï "q" 😀`] });
    expect(tagsOf(ids[0])).toEqual(['baseline', `Ünï "q" 😀`]);
    expect(pages.edit([ids[0]], { addTags: [`üNÏ "Q" 😀`] })).toEqual({ runs: 1, tagLimit: 0 });
    expect(tagsOf(ids[0])).toEqual(['baseline', `Ünï "q" 😀`]);
  });

  it('removes a tag exactly as written, keeping the others in order; a run left without tags has none', () => {
    pages.edit(ids.slice(0, 4), { removeTags: ['baseline', `Ünï "q" 😀`] });
    expect(ids.slice(0, 4).map(tagsOf)).toEqual([[], [], ['Baseline', 'keep'], ['keep']]);
    // What the table's sort and bare-word search read for "no tags".
    expect(store.db.prepare('SELECT tags FROM runs WHERE id = ?').pluck().get(ids[0])).toBe('[]');
    expect(pages.ids({ query: 'tag = baseline', sort: { key: 'created', direction: 'desc' }, showCells: true, showArchived: true })).toEqual([ids[2]]);
  });

  it('takes more ids than SQLite binds parameters (one JSON parameter), as "select all" of 100,000 runs sends', () => {
    const many = [...Array.from({ length: 40_000 }, (_, k) => `run_absent_${k}`), ids[2]];
    expect(pages.summarize(many).runs).toBe(1);
    expect(pages.edit(many, { addTags: ['many'] }).runs).toBe(1);
    expect(tagsOf(ids[2])).toEqual(['Baseline', 'keep', 'many']);
  });
});
