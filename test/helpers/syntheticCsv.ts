import { writeFileSync } from 'node:fs';
import { correlatedDesign } from '../../shared/datasets/generators.ts';

/**
 * Writes glmnet's correlated design (shared/datasets/generators.ts, SNR 3) as CSV with columns x1…xp, y;
 * `binary`: y is the sign of the response, 1 for y > 0, else 0 (a classification target).
 */
export function writeCorrelatedCsv(path: string, m: number, p: number, seed: number, rho = 0.5, binary = false): void {
  const d = correlatedDesign({ m, p, rho, snr: 3, seed });
  const rows: string[] = [[...d.featureNames, 'y'].join(',')];
  for (let i = 0; i < m; i++) rows.push([...d.x.subarray(i * p, (i + 1) * p), binary ? (d.y[i] > 0 ? 1 : 0) : d.y[i]].join(','));
  writeFileSync(path, `${rows.join('\n')}\n`);
}
