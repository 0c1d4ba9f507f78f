/** What every benchmark of `npm run bench` shares: its progress log, medians, and the machine line of its report. */
import { cpus } from 'node:os';

/** Progress on stderr (stdout carries the tables). */
export const log = (line: string): void => void process.stderr.write(`${line}\n`);

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/** "2 × AMD EPYC …, Node v20…": where the figures were measured. */
export const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
