#!/usr/bin/python3
"""Reference lasso / elastic-net cross-validation on wide data (p >= n per fold), independent of Ridgeline.

Writes test/fixtures/wide_cv_<shape>.csv (features x1..xp, target y, fold 1..5) and
test/fixtures/wide_cv_reference.json (per case: the λ grid, cvm, cvsd, λ_min, λ_1se, KKT residuals).

Definitions (glmnet's / cv.glmnet's):
  * objective per fold, on the fold's training rows T (m = |T|), columns standardized on T:
      J(b, w) = 1/(2m)·‖y − b − X̃w‖² + λ·(α‖w‖₁ + (1−α)/2·‖w‖²),
    X̃ = (X − mean_T) / sd_T with sd_T the 1/m standard deviation on T; coefficients mapped back to the
    original scale (coef = w / sd_T, b = ȳ_T − Σ mean_T·coef).
  * fits: scikit-learn Lasso (α = 1) or ElasticNet (l1_ratio = α) with alpha = λ, fit_intercept=False on
    the centered standardized training rows, tol = 1e-13, max_iter = 10^7, warm-started down the grid;
    each solution is KKT-checked on the standardized problem.
  * fold error: mean squared error of the held-out rows; cvm = fold-size-weighted mean of the fold errors;
    cvsd = sqrt(weighted mean of (error − cvm)² / (K − 1)); λ_min = largest λ with the smallest cvm;
    λ_1se = largest λ with cvm ≤ cvm[min] + cvsd[min].
  * λ grid (glmnet's rule): λ_max = max_j |x̃_jᵀ(y − ȳ)| / (m·α) on the whole data standardized, then
    N_LAMBDA = 30 values log-spaced down to ratio·λ_max, ratio = 0.01 when m < p else 1e-4
    (glmnet's lambda.min.ratio rule, stored per case; at m = p, e.g. 200 × 200, it is 1e-4 where
    Ridgeline's CLI contract would default to 1e-2, so the tests pass the λ list explicitly).
Optional cross-check: when Rscript with glmnet is installed, cv.glmnet (thresh 1e-16, same foldid and
λ grid, standardize = TRUE) is run on each lasso case and its largest relative cvm difference is stored
(not for α < 1: glmnet scales a gaussian y to unit variance per fit, so its ridge part differs). glmnet's
stopping rule (largest step) leaves 1e-6..1e-4 there at thresh 1e-16 on the small-λ end of these paths;
the scikit-learn fits are the reference (KKT residual stored per case).

Run: /usr/bin/python3 scripts/reference/wide_cv.py   (numpy + scikit-learn, e.g. apt-get install python3-sklearn)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import sklearn
from sklearn.linear_model import ElasticNet, Lasso

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, '..', '..', 'test', 'fixtures'))
N_LAMBDA = 30
K = 5
TOL = 1e-13
MAX_ITER = 10_000_000

# name, m, p, seed, log10 scale range of the columns
SHAPES = [
    ('60x200', 60, 200, 1, (-1, 1)),
    ('80x300', 80, 300, 2, (-1, 1)),
    ('120x100', 120, 100, 3, (-1, 1)),
    ('200x200', 200, 200, 4, (-1, 1)),
    ('50x1000', 50, 1000, 5, (-1, 1)),
    ('badscale_70x150', 70, 150, 6, (-3, 3)),
]
# (shape, α): lasso on every shape, and one elastic net
CASES = [(name, 1.0) for name, *_ in SHAPES] + [('60x200', 0.5)]


def generate(m, p, seed, log_scales):
    """Columns of mixed scale and nonzero mean, 8 true coefficients, noise; folds 1..K as a permutation."""
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(log_scales[0], log_scales[1], size=p)
    means = rng.uniform(-3, 3, size=p) * scales
    # Mild correlation: a shared factor in every column.
    z = rng.standard_normal((m, p)) + 0.3 * rng.standard_normal((m, 1))
    x = means + z * scales
    support = rng.choice(p, size=8, replace=False)
    beta = np.zeros(p)
    beta[support] = rng.choice([-1, 1], size=8) * rng.uniform(0.5, 2.0, size=8) / scales[support]
    y = 3.0 + x @ beta + rng.standard_normal(m)
    folds = rng.permutation(np.arange(m) % K) + 1
    return x, y, folds


def write_csv(path, x, y, folds):
    p = x.shape[1]
    with open(path, 'w') as out:
        out.write(','.join([f'x{j + 1}' for j in range(p)] + ['y', 'fold']) + '\n')
        for i in range(x.shape[0]):
            out.write(','.join([f'{v:.6g}' for v in x[i]] + [f'{y[i]:.10g}', str(int(folds[i]))]) + '\n')


def read_csv(path):
    """The numbers exactly as any reader of the CSV gets them (decimal → nearest double)."""
    data = np.loadtxt(path, delimiter=',', skiprows=1)
    return data[:, :-2], data[:, -2], data[:, -1].astype(int)


def standardize(x):
    mu = x.mean(axis=0)
    sd = np.sqrt(((x - mu) ** 2).mean(axis=0))
    return mu, sd


def lambda_grid(x, y, alpha):
    m, p = x.shape
    mu, sd = standardize(x)
    xs = (x - mu) / sd
    lam_max = np.max(np.abs(xs.T @ (y - y.mean()))) / (m * max(alpha, 1e-3))
    ratio = 0.01 if m < p else 1e-4
    return lam_max * np.exp(np.arange(N_LAMBDA) * np.log(ratio) / (N_LAMBDA - 1)), ratio


def kkt_residual(xs, yc, w, lam, alpha):
    """Largest violation of the elastic-net KKT conditions on the standardized problem, relative to λ."""
    m = xs.shape[0]
    g = xs.T @ (yc - xs @ w) / m - lam * (1 - alpha) * w
    l1 = lam * alpha
    nz = w != 0
    worst = 0.0
    if nz.any():
        worst = np.max(np.abs(g[nz] - l1 * np.sign(w[nz])))
    if (~nz).any():
        worst = max(worst, np.max(np.maximum(np.abs(g[~nz]) - l1, 0)))
    return worst / lam


def fold_errors(x, y, folds, grid, alpha):
    errors = np.zeros((K, len(grid)))
    sizes = np.zeros(K)
    worst_kkt = 0.0
    for k in range(1, K + 1):
        train, test = folds != k, folds == k
        xt, yt = x[train], y[train]
        mu, sd = standardize(xt)
        xs = (xt - mu) / sd
        ybar = yt.mean()
        yc = yt - ybar
        model = (Lasso(alpha=grid[0], fit_intercept=False, tol=TOL, max_iter=MAX_ITER, warm_start=True, selection='cyclic') if alpha == 1
                 else ElasticNet(alpha=grid[0], l1_ratio=alpha, fit_intercept=False, tol=TOL, max_iter=MAX_ITER, warm_start=True, selection='cyclic'))
        sizes[k - 1] = test.sum()
        for l, lam in enumerate(grid):
            model.set_params(alpha=lam)
            model.fit(xs, yc)
            w = model.coef_.copy()
            worst_kkt = max(worst_kkt, kkt_residual(xs, yc, w, lam, alpha))
            coef = w / sd
            b = ybar - mu @ coef
            resid = y[test] - b - x[test] @ coef
            errors[k - 1, l] = np.mean(resid ** 2)
    return errors, sizes, worst_kkt


def summarize(grid, errors, sizes):
    weights = sizes / sizes.sum()
    cvm = weights @ errors
    cvsd = np.sqrt((weights @ (errors - cvm) ** 2) / (K - 1))
    i_min = int(np.argmin(cvm))  # first index: the largest λ attaining the minimum
    bound = cvm[i_min] + cvsd[i_min]
    i_1se = int(np.nonzero(cvm <= bound)[0][0])
    return cvm, cvsd, grid[i_min], grid[i_1se]


GLMNET_R = r'''
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); lam <- scan(args[2], quiet = TRUE); alpha <- as.numeric(args[3])
x <- as.matrix(d[, grep("^x", names(d))])
fit <- cv.glmnet(x, d$y, foldid = d$fold, lambda = lam, alpha = alpha, standardize = TRUE, thresh = 1e-16, maxit = 1e8)
cat(sprintf("%.17g", fit$cvm), sep = "\n", file = args[4])
cat(as.character(packageVersion("glmnet")), file = args[5])
'''


def glmnet_cvm(csv, grid, alpha):
    if shutil.which('Rscript') is None:
        return None, None
    with tempfile.TemporaryDirectory() as tmp:
        script, lam, out, version = (os.path.join(tmp, f) for f in ('cv.R', 'lambda.txt', 'cvm.txt', 'version.txt'))
        with open(script, 'w') as f:
            f.write(GLMNET_R)
        np.savetxt(lam, grid, fmt='%.17g')
        done = subprocess.run(['Rscript', script, csv, lam, str(alpha), out, version], capture_output=True, text=True)
        if done.returncode != 0:
            print(f'  glmnet cross-check skipped: {done.stderr.strip()[:200]}', file=sys.stderr)
            return None, None
        return np.loadtxt(out), open(version).read().strip()


def main():
    data = {}
    for name, m, p, seed, scales in SHAPES:
        csv = os.path.join(FIXTURES, f'wide_cv_{name}.csv')
        x, y, folds = generate(m, p, seed, scales)
        write_csv(csv, x, y, folds)
        data[name] = (csv, *read_csv(csv))
    cases = []
    for name, alpha in CASES:
        csv, x, y, folds = data[name]
        m, p = x.shape
        grid, ratio = lambda_grid(x, y, alpha)
        errors, sizes, worst_kkt = fold_errors(x, y, folds, grid, alpha)
        cvm, cvsd, lam_min, lam_1se = summarize(grid, errors, sizes)
        case = {
            'data': os.path.basename(csv), 'target': 'y', 'fold_column': 'fold', 'features': [f'x{j + 1}' for j in range(p)],
            'm': m, 'p': p, 'alpha': alpha, 'lambda_min_ratio': ratio, 'lambda': grid.tolist(),
            'cvm': cvm.tolist(), 'cvsd': cvsd.tolist(), 'lambda_min': float(lam_min), 'lambda_1se': float(lam_1se),
            'fold_sizes': sizes.astype(int).tolist(), 'fold_errors': errors.tolist(), 'max_kkt_residual_over_lambda': worst_kkt,
        }
        # glmnet scales a gaussian y to unit variance per fit, which changes the ridge part's meaning (α < 1).
        g_cvm, g_version = glmnet_cvm(csv, grid, alpha) if alpha == 1 else (None, None)
        if g_cvm is not None:
            case['glmnet_check'] = {'source': f'cv.glmnet {g_version}, thresh=1e-16, same foldid and lambda',
                                    'max_rel_cvm_difference': float(np.max(np.abs(g_cvm - cvm) / cvm))}
        print(f'{name} α={alpha}: λ_min={lam_min:.6g} λ_1se={lam_1se:.6g} KKT/λ={worst_kkt:.2e}'
              + (f" glmnet Δcvm={case['glmnet_check']['max_rel_cvm_difference']:.2e}" if g_cvm is not None else ''))
        if worst_kkt > 1e-7:
            sys.exit(f'{name}: KKT residual {worst_kkt:.3e} too large; the reference did not converge')
        cases.append(case)
    ref = {
        'source': f'scripts/reference/wide_cv.py: scikit-learn {sklearn.__version__} Lasso/ElasticNet tol={TOL}, numpy {np.__version__}',
        'objective': '1/(2m)*RSS + lambda*(alpha*|w|_1 + (1-alpha)/2*|w|_2^2) per fold, columns standardized on the fold training rows (1/m sd), intercept unpenalized',
        'cv': 'cvm = fold-size-weighted mean of held-out MSE; cvsd = sqrt(weighted mean of squared deviations / (K-1)); lambda_min largest lambda at min cvm; lambda_1se largest lambda with cvm <= cvm[min] + cvsd[min]',
        'cases': cases,
    }
    with open(os.path.join(FIXTURES, 'wide_cv_reference.json'), 'w') as out:
        json.dump(ref, out, indent=1)
        out.write('\n')


if __name__ == '__main__':
    main()
