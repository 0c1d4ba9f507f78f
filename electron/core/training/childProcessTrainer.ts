import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FromTrainer } from '../../../shared/protocol/trainer.ts';
import { TailBuffer, type TrainerHost } from './trainerHost.ts';
import { lowerTrainerPriority } from './trainerPriority.ts';

const sourceEntry = fileURLToPath(new URL('../../worker/trainer.ts', import.meta.url));

/** tsx's loader as an absolute URL, so the child finds it whatever its working directory. */
function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/**
 * Runs the trainer entry in a Node child process. From source (the CLI and serve run through tsx),
 * the entry is the TypeScript file loaded with tsx; `entry` overrides it with a built file.
 * Structured-clone serialization carries Float64Arrays without a JSON round trip.
 */
export function forkChildTrainer(entry?: string): TrainerHost {
  const script = entry ?? sourceEntry;
  const execArgv = script.endsWith('.ts') ? ['--import', tsxLoaderUrl()] : [];
  if (!existsSync(script)) throw new Error(`trainer entry not found: ${script}`);
  const child = fork(script, [], { serialization: 'advanced', execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  lowerTrainerPriority(child.pid);
  const stderr = new TailBuffer();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    process.stderr.write(chunk);
  });
  return {
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', (m) => listener(m as FromTrainer)),
    onExit: (listener) => child.once('exit', (code) => listener(code, stderr.toString())),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
