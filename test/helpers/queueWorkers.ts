import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { CLI, REPO_ROOT } from './cli.ts';
import { until } from './wait.ts';

/** What `ridgeline cv --json` prints that the queue tests compare (with --db, the sweep's id). */
export interface CvJson {
  lambdas: number[];
  cvm: number[];
  cvsd: number[];
  lambdaMin: number;
  lambda1se: number;
  sweepId: string;
}

export interface CliProcess {
  pid: number;
  /** A worker's name as it gives it (host:pid). */
  name: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  alive(): boolean;
  /** SIGKILLs its process group (its trainer processes with it), thawing it first; waits for the exit. */
  kill(): Promise<void>;
}

/**
 * `ridgeline …` in its own process group, so a signal to the group reaches its trainer processes too.
 * Pushed onto `started`, if given, so that an afterAll can kill every process a file started.
 */
export function startCliProcess(args: readonly string[], started?: CliProcess[]): CliProcess {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  let running = true;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => ((running = false), resolve(code))));
  const pid = child.pid!;
  const proc: CliProcess = {
    pid,
    name: `${hostname()}:${pid}`,
    stdout: () => out,
    stderr: () => err,
    exited,
    alive: () => running,
    kill: async () => {
      if (!running) return;
      try {
        process.kill(-pid, 'SIGCONT');
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
  };
  started?.push(proc);
  return proc;
}

/**
 * `ridgeline worker --queue URL` (one cell at a time, short locks), resolved once it has connected;
 * pushed onto `options.started` as it starts, as with startCliProcess.
 */
export async function startQueueWorker(url: string, options: { lockMs?: number; stalledMs?: number; started?: CliProcess[] } = {}): Promise<CliProcess> {
  const worker = startCliProcess(['worker', '--queue', url, '--concurrency', '1', '--lock-duration', String(options.lockMs ?? 3000), '--stalled-interval', String(options.stalledMs ?? 1000)], options.started);
  await until(() => worker.stderr().includes(`worker ${worker.name} connected to`) || !worker.alive(), 'a worker to connect', 60_000);
  if (!worker.alive()) throw new Error(`the worker exited: ${worker.stderr()}`);
  return worker;
}
