import { utilityProcess } from 'electron';
import type { FromTrainer } from '../../shared/protocol/trainer.ts';
import { TailBuffer, type TrainerHost } from '../core/training/trainerHost.ts';
import { lowerTrainerPriority } from '../core/training/trainerPriority.ts';

/** The desktop's trainer: an Electron utility process running the built trainer entry. */
export function forkUtilityTrainer(entry: string): TrainerHost {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Ridgeline trainer', stdio: 'pipe' });
  // The pid exists once the process has spawned.
  child.once('spawn', () => lowerTrainerPriority(child.pid));
  const stderr = new TailBuffer();
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  let exited = false;
  return {
    send: (message) => {
      if (!exited) child.postMessage(message);
    },
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message as FromTrainer)),
    onExit: (listener) =>
      child.once('exit', (code) => {
        exited = true;
        listener(code, stderr.toString());
      }),
    kill: () => {
      if (!exited) child.kill();
    },
  };
}
