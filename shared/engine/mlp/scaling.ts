import type { ColumnScaling } from '../design.ts';
import type { LayerParameters } from '../types.ts';

/**
 * With `standardize`, the network is trained on columns x̃_j = (x_j − μ_j)/s_j (the penalty applies to
 * those weights, glmnet's convention). Folding the scaling into the first layer, W'_{oj} = W_{oj}/s_j and
 * b'_o = b_o − Σ_j W'_{oj}·μ_j, gives a network with exactly the same outputs on raw inputs, so the
 * reported layers can be used (and `predict` applied) without the scaling. Constant columns (s_j = 0),
 * which the trained network never saw, get weight 0. The deeper layers are unchanged.
 */
export function unscaleFirstLayer(layers: readonly LayerParameters[], scaling: ColumnScaling): LayerParameters[] {
  if (layers.length === 0) return [];
  const [first, ...rest] = layers;
  const { inputs, outputs } = first;
  const weights = new Float64Array(first.weights.length);
  const biases = Float64Array.from(first.biases);
  for (let o = 0; o < outputs; o++) {
    let shift = 0;
    for (let j = 0; j < inputs; j++) {
      const s = scaling.scales[j];
      const w = s > 0 ? first.weights[o * inputs + j] / s : 0;
      weights[o * inputs + j] = w;
      shift += w * scaling.means[j];
    }
    biases[o] -= shift;
  }
  return [{ inputs, outputs, weights, biases }, ...rest];
}
