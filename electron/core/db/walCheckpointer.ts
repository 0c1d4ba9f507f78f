import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './open.ts';
import { nativeBindingOption } from './open.ts';

/** How often the worker moves the write-ahead log into the database file. */
const CHECKPOINT_INTERVAL_MS = 1000;
/**
 * The commit-time checkpoint left on the serving connection, as a backstop should the worker fall behind
 * or die: 16,000 pages (64 MB of log) rather than SQLite's 1,000.
 */
const BACKSTOP_PAGES = 16_000;

// Plain CommonJS: a worker does not inherit the loader (tsx) that runs this process's TypeScript.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path, { fileMustExist: true, ...workerData.binding });
// A checkpoint that finds the database busy does what it can and returns; it never waits.
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failing this time: the next tick tries again, and the backstop still holds.
  }
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  const closed = new Int32Array(workerData.closed);
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
  parentPort.close();
});
`;
/** How long closing waits for the worker to close its connection. */
const STOP_WAIT_MS = 2000;

/**
 * SQLite moves its write-ahead log into the database file from inside a commit, once the log passes
 * ~4 MB: with runs streaming metrics, about one commit in a hundred then took 20–130 ms, on the thread
 * that answers every request. A long-lived process hands that work to a worker thread with its own
 * connection (PASSIVE checkpoints run beside readers and writers); commits on the serving connection then
 * only append to the log. Returns the function that stops the worker; call it before closing `db`.
 */
export function startWalCheckpointer(db: Db, path: string): () => void {
  if (path === ':memory:' || db.pragma('journal_mode', { simple: true }) !== 'wal') return () => undefined;
  const closed = new SharedArrayBuffer(4);
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), path, binding: nativeBindingOption(), intervalMs: CHECKPOINT_INTERVAL_MS, closed },
    });
  } catch {
    return () => undefined; // SQLite's own checkpoints stay as they were.
  }
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  let running = true;
  // A worker that fails leaves the backstop in place; nothing else depends on it.
  worker.on('error', (error) => console.error('the WAL checkpoint worker stopped:', error));
  worker.once('exit', () => (running = false));
  worker.unref();
  return () => {
    if (!running) return;
    running = false;
    worker.postMessage('stop');
    // Waits (briefly) for the worker's connection to close, so that the serving connection is the last
    // one and its own close checkpoints and removes the log, as it did before.
    Atomics.wait(new Int32Array(closed), 0, 0, STOP_WAIT_MS);
  };
}
