/**
 * glmnet anchors for the logistic rows (bench/logistic.ts): the binomial path on glmnet's own λ grid,
 * and cv.glmnet(family = "binomial", type.measure = "deviance") on given folds and λ. As in anchors.ts,
 * only the call is timed (proc.time, elapsed) and a missing R or glmnet yields a note, never a failure.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AnchorResult } from './anchors.ts';

function runR(script: string, what: string): { value: Record<string, unknown> | null; note: string } {
  const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8', maxBuffer: 16 << 20, timeout: 900_000 });
  if (r.error) return { value: null, note: `${what} skipped: Rscript not runnable (${r.error.message})` };
  if (r.status !== 0) return { value: null, note: `${what} skipped: ${((r.stderr || r.stdout).trim().split('\n').pop() ?? '').slice(0, 200)}` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return { value: JSON.parse(line) as Record<string, unknown>, note: '' };
  } catch {
    return { value: null, note: `${what} skipped: unexpected output ${line.slice(0, 120)}` };
  }
}

const readMatrix = (xFile: string, yFile: string, m: number, p: number): string => `
suppressMessages(library(glmnet))
X <- matrix(readBin(${JSON.stringify(xFile)}, 'double', ${m * p}, endian = 'little'), nrow = ${m}, ncol = ${p}, byrow = TRUE)
y <- readBin(${JSON.stringify(yFile)}, 'double', ${m}, endian = 'little')
`;

/** glmnet's own binomial λ sequence (its default grid, stopped early by its deviance rules), written to `out`. */
export function glmnetBinomialGrid(xFile: string, yFile: string, m: number, p: number, thresh: number, out: string): { lambdas: Float64Array | null; note: string } {
  const script = `${readMatrix(xFile, yFile, m, p)}
fit <- suppressWarnings(glmnet(X, y, family = 'binomial', alpha = 1, thresh = ${thresh}, standardize = TRUE))
writeBin(fit$lambda, ${JSON.stringify(out)}, endian = 'little')
cat(sprintf('{"n": %d}\\n', length(fit$lambda)))
`;
  const { value, note } = runR(script, 'glmnet λ grid');
  if (!value) return { lambdas: null, note };
  const bytes = readFileSync(out);
  return { lambdas: new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), note: '' };
}

/** cv.glmnet, binomial deviance, on the same folds (foldid, 1-based) and λ; median of `repeats` calls. */
export function glmnetBinomialCv(xFile: string, yFile: string, foldFile: string, m: number, p: number, lambdasFile: string, folds: number, thresh: number, repeats: number): AnchorResult {
  const script = `${readMatrix(xFile, yFile, m, p)}
foldid <- as.integer(readBin(${JSON.stringify(foldFile)}, 'double', ${m}, endian = 'little'))
lambdas <- readBin(${JSON.stringify(lambdasFile)}, 'double', 1000, endian = 'little')
run <- function() suppressWarnings(cv.glmnet(X, y, family = 'binomial', type.measure = 'deviance', alpha = 1, lambda = lambdas, foldid = foldid, nfolds = ${folds}, thresh = ${thresh}, standardize = TRUE))
times <- numeric(${repeats})
for (k in seq_len(${repeats})) { t0 <- proc.time()[['elapsed']]; cv <- run(); times[k] <- (proc.time()[['elapsed']] - t0) * 1000 }
cat(sprintf('{"ms": %.6f, "version": "%s", "lambdaMin": %.17g, "lambda1se": %.17g}\\n', median(times), as.character(packageVersion('glmnet')), cv$lambda.min, cv$lambda.1se))
`;
  const { value, note } = runR(script, 'cv.glmnet (binomial)');
  return value
    ? { ms: value.ms as number, note: `cv.glmnet (glmnet ${value.version}), binomial deviance: same foldid and λ, thresh ${thresh}, sequential, elapsed time of the call`, extra: value }
    : { ms: null, note };
}

/** sklearn's load_breast_cancer (569 × 30, near-separable) as raw float64 files; null when sklearn is missing. */
export function breastCancer(xFile: string, yFile: string): { m: number; p: number } | null {
  const script = `
from sklearn.datasets import load_breast_cancer
d = load_breast_cancer()
d.data.astype('<f8').tofile(${JSON.stringify(xFile)})
d.target.astype('<f8').tofile(${JSON.stringify(yFile)})
print(d.data.shape[0], d.data.shape[1])
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const [m, p] = r.stdout.trim().split(/\s+/).map(Number);
  return { m, p };
}
