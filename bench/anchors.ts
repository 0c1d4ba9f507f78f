/**
 * The anchors the engine is measured against, each run as a subprocess on the same data (raw float64
 * files written by the runner): numpy/OpenBLAS, scikit-learn, glmnet. Each script times only the
 * computation (median of several repeats, data loading excluded) and prints one JSON line.
 * A missing interpreter or library yields null and a one-line note, never a failure.
 */
import { spawnSync } from 'node:child_process';

export interface AnchorResult {
  ms: number | null;
  note: string;
  extra?: Record<string, unknown>;
}

/**
 * OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this machine (older OpenBLAS builds misbehave on
 * its CPU); they slow a current numpy, so they are unset for the numpy subprocess only.
 */
function pythonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv, what: string): { value: Record<string, unknown> | null; note: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 16 << 20, timeout: 600_000 });
  if (r.error) return { value: null, note: `${what} skipped: ${cmd} not runnable (${r.error.message})` };
  if (r.status !== 0) {
    const last = (r.stderr || r.stdout).trim().split('\n').pop() ?? '';
    return { value: null, note: `${what} skipped: ${last.slice(0, 200)}` };
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return { value: JSON.parse(line) as Record<string, unknown>, note: '' };
  } catch {
    return { value: null, note: `${what} skipped: unexpected output ${line.slice(0, 120)}` };
  }
}

const PY_PRELUDE = `
import json, sys, time, statistics
def median_ms(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)
def blas_info():
    try:
        import threadpoolctl
        info = [d for d in threadpoolctl.threadpool_info() if d.get('user_api') == 'blas']
        return ', '.join(f"{d.get('internal_api')} {d.get('version')} {d.get('architecture')} kernel, {d.get('num_threads')} threads" for d in info) or 'unknown'
    except Exception as e:
        return f'threadpoolctl unavailable ({type(e).__name__})'
`;

/** numpy: 50 iterations of r = X@w + b − y; g = Xᵀr/m; the same update as Ridgeline's gd. */
export function numpyGd(xFile: string, yFile: string, m: number, p: number, iterations: number, eta: number, repeats: number): AnchorResult {
  const script = `${PY_PRELUDE}
import numpy as np
X = np.fromfile(${JSON.stringify(xFile)}, dtype='<f8').reshape(${m}, ${p})
y = np.fromfile(${JSON.stringify(yFile)}, dtype='<f8')
def run():
    w = np.zeros(${p}); b = 0.0
    for _ in range(${iterations}):
        r = X @ w + b - y
        g = X.T @ r / ${m}
        w -= ${eta} * g
        b -= ${eta} * r.mean()
run()
print(json.dumps({'ms': median_ms(run, ${repeats}), 'blas': blas_info(), 'numpy': np.__version__}))
`;
  const { value, note } = runJson('/usr/bin/python3', ['-c', script], pythonEnv(), 'numpy');
  if (!value) return { ms: null, note };
  return { ms: value.ms as number, note: `numpy ${value.numpy}, BLAS: ${value.blas} (OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for numpy)`, extra: value };
}

/** numpy closed-form ridge: centered Gram, solve; the same system Ridgeline's closed solver forms. */
export function numpyRidge(xFile: string, yFile: string, m: number, p: number, lambda: number, repeats: number): AnchorResult {
  const script = `${PY_PRELUDE}
import numpy as np
X = np.fromfile(${JSON.stringify(xFile)}, dtype='<f8').reshape(${m}, ${p})
y = np.fromfile(${JSON.stringify(yFile)}, dtype='<f8')
def run():
    mu = X.mean(axis=0); Xc = X - mu; yc = y - y.mean()
    A = Xc.T @ Xc / ${m} + ${lambda} * np.eye(${p})
    return np.linalg.solve(A, Xc.T @ yc / ${m})
run()
print(json.dumps({'ms': median_ms(run, ${repeats})}))
`;
  const { value, note } = runJson('/usr/bin/python3', ['-c', script], pythonEnv(), 'numpy ridge');
  return value ? { ms: value.ms as number, note: '' } : { ms: null, note };
}

/** scikit-learn lasso_path / enet_path on the standardized design (it does not standardize itself). */
export function sklearnPath(xFile: string, yFile: string, m: number, p: number, lambdasFile: string, alpha: number, tol: number, repeats: number): AnchorResult {
  const script = `${PY_PRELUDE}
import numpy as np
import sklearn
from sklearn.linear_model import enet_path
X = np.fromfile(${JSON.stringify(xFile)}, dtype='<f8').reshape(${m}, ${p})
y = np.fromfile(${JSON.stringify(yFile)}, dtype='<f8')
lambdas = np.fromfile(${JSON.stringify(lambdasFile)}, dtype='<f8')
Xs = (X - X.mean(axis=0)) / X.std(axis=0); yc = y - y.mean()
Xs = np.asfortranarray(Xs)
def run():
    enet_path(Xs, yc, l1_ratio=${alpha}, alphas=lambdas, tol=${tol}, max_iter=100000)
run()
print(json.dumps({'ms': median_ms(run, ${repeats}), 'sklearn': sklearn.__version__}))
`;
  const { value, note } = runJson('/usr/bin/python3', ['-c', script], pythonEnv(), 'scikit-learn');
  return value ? { ms: value.ms as number, note: `scikit-learn ${value.sklearn} enet_path, tol ${tol} (its duality-gap rule), standardized outside the timing` } : { ms: null, note };
}

/** glmnet(): only the call is timed (proc.time), the same λ grid, standardize = TRUE. */
export function glmnetPath(xFile: string, yFile: string, m: number, p: number, lambdasFile: string, alpha: number, thresh: number, family: 'gaussian' | 'binomial', repeats: number): AnchorResult {
  const script = `
suppressMessages(library(glmnet))
X <- matrix(readBin(${JSON.stringify(xFile)}, 'double', ${m * p}, endian = 'little'), nrow = ${m}, ncol = ${p}, byrow = TRUE)
y <- readBin(${JSON.stringify(yFile)}, 'double', ${m}, endian = 'little')
lambdas <- readBin(${JSON.stringify(lambdasFile)}, 'double', 1000, endian = 'little')
fit1 <- function() glmnet(X, y, family = '${family}', alpha = ${alpha}, lambda = lambdas, thresh = ${thresh}, standardize = TRUE)
invisible(fit1())
times <- numeric(${repeats})
for (k in seq_len(${repeats})) { t0 <- proc.time()[['elapsed']]; for (r in 1:5) invisible(fit1()); times[k] <- (proc.time()[['elapsed']] - t0) * 1000 / 5 }
cat(sprintf('{"ms": %.6f, "version": "%s"}\\n', median(times), as.character(packageVersion('glmnet'))))
`;
  const { value, note } = runJson('Rscript', ['-e', script], process.env, 'glmnet');
  return value ? { ms: value.ms as number, note: `glmnet ${value.version}, thresh ${thresh} (each sample: 5 calls / 5, proc.time)` } : { ms: null, note };
}

/**
 * cv.glmnet on the same folds (foldid, 1-based) and λ grid, nfolds = K, standardize = TRUE: only the call
 * is timed (proc.time, elapsed), as the Ridgeline CV is timed from its data in memory.
 */
export function glmnetCv(xFile: string, yFile: string, foldFile: string, m: number, p: number, lambdasFile: string, folds: number, thresh: number, repeats: number): AnchorResult {
  const script = `
suppressMessages(library(glmnet))
X <- matrix(readBin(${JSON.stringify(xFile)}, 'double', ${m * p}, endian = 'little'), nrow = ${m}, ncol = ${p}, byrow = TRUE)
y <- readBin(${JSON.stringify(yFile)}, 'double', ${m}, endian = 'little')
foldid <- as.integer(readBin(${JSON.stringify(foldFile)}, 'double', ${m}, endian = 'little'))
lambdas <- readBin(${JSON.stringify(lambdasFile)}, 'double', 1000, endian = 'little')
run <- function() cv.glmnet(X, y, family = 'gaussian', alpha = 1, lambda = lambdas, foldid = foldid, nfolds = ${folds}, thresh = ${thresh}, standardize = TRUE)
times <- numeric(${repeats})
for (k in seq_len(${repeats})) { t0 <- proc.time()[['elapsed']]; invisible(run()); times[k] <- (proc.time()[['elapsed']] - t0) * 1000 }
cat(sprintf('{"ms": %.6f, "version": "%s"}\\n', median(times), as.character(packageVersion('glmnet'))))
`;
  const { value, note } = runJson('Rscript', ['-e', script], process.env, 'cv.glmnet');
  return value ? { ms: value.ms as number, note: `cv.glmnet (glmnet ${value.version}): same foldid and λ grid, thresh ${thresh}, sequential (parallel = FALSE), elapsed time of the call` } : { ms: null, note };
}

/**
 * scikit-learn LassoCV with the same folds (PredefinedSplit) and λ grid (alphas = the 100 values). It does
 * not standardize: X is standardized once outside the timing (per-fold standardization, as glmnet does,
 * would only add work), so this is a lower bound on its time for glmnet's problem.
 */
export function sklearnLassoCv(xFile: string, yFile: string, foldFile: string, m: number, p: number, lambdasFile: string, tol: number, repeats: number): AnchorResult {
  const script = `${PY_PRELUDE}
import numpy as np
import sklearn
from sklearn.linear_model import LassoCV
from sklearn.model_selection import PredefinedSplit
X = np.fromfile(${JSON.stringify(xFile)}, dtype='<f8').reshape(${m}, ${p})
y = np.fromfile(${JSON.stringify(yFile)}, dtype='<f8')
fold = np.fromfile(${JSON.stringify(foldFile)}, dtype='<f8').astype(int)
lambdas = np.fromfile(${JSON.stringify(lambdasFile)}, dtype='<f8')
Xs = np.asfortranarray((X - X.mean(axis=0)) / X.std(axis=0))
def run():
    LassoCV(alphas=lambdas, cv=PredefinedSplit(fold), tol=${tol}, max_iter=100000).fit(Xs, y)
print(json.dumps({'ms': median_ms(run, ${repeats}), 'sklearn': sklearn.__version__}))
`;
  const { value, note } = runJson('/usr/bin/python3', ['-c', script], pythonEnv(), 'scikit-learn LassoCV');
  return value ? { ms: value.ms as number, note: `scikit-learn ${value.sklearn} LassoCV: PredefinedSplit on the same folds, alphas = the same 100 λ, tol ${tol}, X standardized outside the timing, n_jobs = None` } : { ms: null, note };
}
