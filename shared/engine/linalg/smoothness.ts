import type { Design } from '../types.ts';

/**
 * Largest eigenvalue of (1/m)·X̃ᵀX̃, X̃ = [1 X] when the intercept is fitted: the smoothness constant L
 * of the squared loss, so gradient descent is stable for steps below 2/L.
 * Power iteration, because only the top eigenvalue is needed: on the (p+1)² Gram matrix when it is
 * small (one pass over X to form it), matrix-free (two passes per iteration) when p is large.
 */
export function squaredLossSmoothness(design: Design, fitIntercept: boolean): number {
  const { x, m, p } = design;
  const q = p + (fitIntercept ? 1 : 0);
  if (q === 0) return 0;
  const off = fitIntercept ? 1 : 0;
  if (q <= 512) {
    const gram = new Float64Array(q * q);
    const row = new Float64Array(q);
    if (fitIntercept) row[0] = 1;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < p; j++) row[off + j] = x[i * p + j];
      for (let a = 0; a < q; a++) {
        const ra = row[a];
        if (ra === 0) continue;
        for (let b = 0; b <= a; b++) gram[a * q + b] += ra * row[b];
      }
    }
    for (let a = 0; a < q; a++) {
      for (let b = 0; b <= a; b++) {
        const v = gram[a * q + b] / m;
        gram[a * q + b] = v;
        gram[b * q + a] = v;
      }
    }
    return powerIteration(q, (v, out) => {
      for (let a = 0; a < q; a++) {
        let s = 0;
        for (let b = 0; b < q; b++) s += gram[a * q + b] * v[b];
        out[a] = s;
      }
    });
  }
  const xv = new Float64Array(m);
  return powerIteration(q, (v, out) => {
    for (let i = 0; i < m; i++) {
      let s = fitIntercept ? v[0] : 0;
      for (let j = 0; j < p; j++) s += x[i * p + j] * v[off + j];
      xv[i] = s;
    }
    out.fill(0);
    for (let i = 0; i < m; i++) {
      const s = xv[i] / m;
      if (fitIntercept) out[0] += s;
      for (let j = 0; j < p; j++) out[off + j] += x[i * p + j] * s;
    }
  });
}

/** Rayleigh-quotient power iteration from a fixed start (deterministic), to relative change 1e-10. */
function powerIteration(n: number, apply: (v: Float64Array, out: Float64Array) => void, maxIter = 500): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let av = new Float64Array(n);
  let estimate = 0;
  for (let k = 0; k < maxIter; k++) {
    apply(v, av);
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      dot += v[i] * av[i];
      norm += av[i] * av[i];
    }
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    const previous = estimate;
    estimate = dot;
    for (let i = 0; i < n; i++) av[i] /= norm;
    [v, av] = [av, v];
    if (k > 2 && Math.abs(estimate - previous) <= 1e-10 * Math.abs(estimate)) break;
  }
  return estimate;
}
