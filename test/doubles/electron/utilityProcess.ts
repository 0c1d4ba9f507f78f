/**
 * `utilityProcess.fork`: a real Node child process running the entry, with `process.parentPort`
 * (Electron's utility-process port: `on('message', ({data}) => …)`, `postMessage`) shimmed over Node's
 * IPC with structured clone, which is how Electron's utility processes carry messages too.
 */
import { EventEmitter } from 'node:events';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ForkOptions, UtilityProcess } from 'electron';

const shim = fileURLToPath(new URL('./parentPortShim.mjs', import.meta.url));

export const utilityProcesses: UtilityProcessDouble[] = [];

type ProcessSurface = Pick<UtilityProcess, 'postMessage' | 'kill' | 'pid' | 'stdout' | 'stderr'>;

export class UtilityProcessDouble extends EventEmitter implements ProcessSurface {
  private readonly child: ChildProcess;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  alive = true;

  constructor(
    readonly entry: string,
    args: string[],
    readonly options: ForkOptions,
  ) {
    super();
    const piped = options.stdio === 'pipe';
    this.child = fork(entry, args, {
      execArgv: ['--import', shim],
      serialization: 'advanced',
      cwd: options.cwd,
      env: (options.env as NodeJS.ProcessEnv | undefined) ?? process.env,
      stdio: piped ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (message) => this.emit('message', message));
    this.child.on('exit', (code, signal) => {
      this.alive = false;
      // Electron reports a killed utility process with a code, never a signal.
      this.emit('exit', code ?? (signal ? 1 : 0));
    });
  }

  get pid(): number | undefined {
    return this.alive ? this.child.pid : undefined;
  }

  postMessage(message: unknown): void {
    if (!this.alive) throw new Error('postMessage: the utility process has exited');
    this.child.send(message as never);
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

export const utilityProcess = {
  fork(modulePath: string, args: string[] = [], options: ForkOptions = {}): UtilityProcessDouble {
    const created = new UtilityProcessDouble(modulePath, args, options);
    utilityProcesses.push(created);
    return created;
  },
};
