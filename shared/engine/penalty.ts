/** The elastic-net penalty λ·(α‖w‖₁ + (1−α)/2·‖w‖₂²); the bias is never in `w`. */
export function elasticNetPenalty(w: Float64Array, lambda: number, alpha: number): number {
  if (lambda === 0) return 0;
  let l1 = 0;
  let l2sq = 0;
  for (let j = 0; j < w.length; j++) {
    l1 += Math.abs(w[j]);
    l2sq += w[j] * w[j];
  }
  return lambda * (alpha * l1 + ((1 - alpha) / 2) * l2sq);
}

export interface WeightNorms {
  l1: number;
  l2: number;
  nonzero: number;
}

export function weightNorms(w: Float64Array): WeightNorms {
  let l1 = 0;
  let l2sq = 0;
  let nonzero = 0;
  for (let j = 0; j < w.length; j++) {
    const v = w[j];
    l1 += Math.abs(v);
    l2sq += v * v;
    if (v !== 0) nonzero++;
  }
  return { l1, l2: Math.sqrt(l2sq), nonzero };
}
