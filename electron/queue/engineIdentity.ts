import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RidgelineError } from '../../shared/errors.ts';
import { ensureWorkerBundle } from '../core/training/workerBundle.ts';

/**
 * What makes two machines' cells bit-identical: the same trainer code and the same V8 (whose Math
 * functions and JIT decide the last bits). A sweep never mixes results from different ones.
 */
export interface EngineIdentity {
  /** SHA-256 (hex) of the trainer bundle: every line of engine code a cell runs. */
  hash: string;
  v8: string;
}

/** This machine's engine, and the trainer entry it names (built on demand, as `cv` builds it). */
export async function localEngine(): Promise<{ identity: EngineIdentity; entry: string }> {
  const entry = await ensureWorkerBundle();
  if (entry === null) throw new RidgelineError('INTERNAL', 'the trainer sources are not here: queue workers and coordinators run from a Ridgeline checkout (npx ridgeline)');
  return { identity: { hash: createHash('sha256').update(readFileSync(entry)).digest('hex'), v8: process.versions.v8 }, entry };
}

export function describeEngine(engine: EngineIdentity): string {
  return `engine ${engine.hash.slice(0, 12)}, V8 ${engine.v8}`;
}

/** Null when `theirs` may be mixed with `mine`, else the one-line reason it may not. */
export function engineMismatch(mine: EngineIdentity, theirs: EngineIdentity, mineIs: string, theirsIs: string): string | null {
  if (mine.hash === theirs.hash && mine.v8 === theirs.v8) return null;
  const what = mine.hash !== theirs.hash ? (mine.v8 !== theirs.v8 ? 'engine build and V8 version' : 'engine build') : 'V8 version';
  return (
    `${theirsIs} runs ${describeEngine(theirs)} but ${mineIs} runs ${describeEngine(mine)}: results of a different ${what} ` +
    'are not mixed into one sweep (they could differ in the last bits); run the same Ridgeline checkout with the same Node on every machine'
  );
}
