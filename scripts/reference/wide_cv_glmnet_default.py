#!/usr/bin/env python3
"""cv.glmnet at its default thresh (1e-7) on the lasso cases of test/fixtures/wide_cv_reference.json.

Writes test/fixtures/wide_cv_glmnet_thresh1e-7.json: for every α = 1 case, the cvm that cv.glmnet
(standardize = TRUE, the case's foldid and λ, thresh 1e-7, maxit 1e5: glmnet's defaults) reports. At
this thresh glmnet's curve is not the exact one (its step rule stops early on the small-λ end); the file
lets a test check that Ridgeline at the same tol takes glmnet's steps, where it claims to (naive mode).
Needs Rscript with glmnet (Debian: r-cran-glmnet).
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures')
THRESH = 1e-7

GLMNET_R = r'''
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); lam <- scan(args[2], quiet = TRUE); thresh <- as.numeric(args[3])
x <- as.matrix(d[, grep("^x", names(d))])
fit <- cv.glmnet(x, d$y, foldid = d$fold, lambda = lam, alpha = 1, standardize = TRUE, thresh = thresh)
cat(sprintf("%.17g", fit$cvm), sep = "\n", file = args[4])
cat(as.character(packageVersion("glmnet")), file = args[5])
'''


def main():
    reference = json.load(open(os.path.join(FIXTURES, 'wide_cv_reference.json')))
    cases = []
    version = None
    with tempfile.TemporaryDirectory() as tmp:
        script, lam, out, ver = (os.path.join(tmp, f) for f in ('cv.R', 'lambda.txt', 'cvm.txt', 'version.txt'))
        with open(script, 'w') as f:
            f.write(GLMNET_R)
        for case in reference['cases']:
            if case['alpha'] != 1:
                continue
            np.savetxt(lam, np.array(case['lambda']), fmt='%.17g')
            csv = os.path.join(FIXTURES, case['data'])
            done = subprocess.run(['Rscript', script, csv, lam, str(THRESH), out, ver], capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"cv.glmnet failed on {case['data']}: {done.stderr.strip()[:300]}")
            cvm = np.loadtxt(out)
            version = open(ver).read().strip()
            exact = np.array(case['cvm'])
            cases.append({'data': case['data'], 'm': case['m'], 'p': case['p'], 'lambda': case['lambda'], 'cvm': cvm.tolist(),
                          'max_rel_difference_from_exact': float(np.max(np.abs(cvm - exact) / exact))})
            print(f"{case['data']}: cv.glmnet thresh {THRESH} is {cases[-1]['max_rel_difference_from_exact']:.2e} from the exact cvm")
    out_path = os.path.join(FIXTURES, 'wide_cv_glmnet_thresh1e-7.json')
    with open(out_path, 'w') as f:
        json.dump({'source': f'scripts/reference/wide_cv_glmnet_default.py: cv.glmnet {version}, thresh {THRESH} (its default), '
                             'standardize = TRUE, the foldid and lambda of wide_cv_reference.json',
                   'cases': cases}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
