import type { FromTrainer, ToTrainer } from '../../../shared/protocol/trainer.ts';

/**
 * The one seam between the services and a trainer process: Electron's utilityProcess in the
 * desktop, Node's child_process in serve mode and the CLI. Everything above it is shell-agnostic.
 */
export interface TrainerHost {
  send(message: ToTrainer): void;
  onMessage(listener: (message: FromTrainer) => void): void;
  /** Called once when the process ends, with its exit code and the tail of its stderr. */
  onExit(listener: (code: number | null, stderrTail: string) => void): void;
  kill(): void;
}

export type TrainerLauncher = () => TrainerHost;

/** Keeps the last `limit` characters of a stream, for error reports after a crash. */
export class TailBuffer {
  private text = '';
  constructor(private readonly limit = 4000) {}
  push(chunk: string | Buffer): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }
  toString(): string {
    return this.text.trim();
  }
}
