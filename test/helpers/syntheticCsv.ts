import { writeFileSync } from 'node:fs';
import { correlatedDesign } from '../../shared/datasets/generators.ts';

/** Writes glmnet's correlated design (shared/datasets/generators.ts, SNR 3) as CSV with columns x1…xp, y. */
export function writeCorrelatedCsv(path: string, m: number, p: number, seed: number, rho = 0.5): void {
  const d = correlatedDesign({ m, p, rho, snr: 3, seed });
  const rows: string[] = [[...d.featureNames, 'y'].join(',')];
  for (let i = 0; i < m; i++) rows.push([...d.x.subarray(i * p, (i + 1) * p), d.y[i]].join(','));
  writeFileSync(path, `${rows.join('\n')}\n`);
}
