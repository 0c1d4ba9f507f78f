/**
 * Predictions of a fitted model on new rows (row-major m×p, the original scale of the features, as the
 * result reports its parameters): linear b + Xw; logistic P(y = 1) = σ(b + Xw); MLP the forward pass of
 * its layers (ŷ for regression, P(y = 1) for classification). `spec` is the options the model was fitted
 * with (an MLP's activation and task are not in its result).
 */
import { RidgelineError } from '../errors.ts';
import { sigmoid } from './logistic/logLoss.ts';
import type { FitOptions, FitResult } from './types.ts';

export type PredictSpec = Pick<FitOptions, 'model' | 'activation' | 'task'>;

export function predict(result: FitResult, x: Float64Array, m: number, p: number, spec: PredictSpec): Float64Array {
  if (!Number.isInteger(m) || m < 0 || !Number.isInteger(p) || p < 0 || x.length !== m * p) {
    throw new RidgelineError('BAD_DATA', `x holds ${x.length} values but m×p = ${m}×${p} = ${m * p}`);
  }
  if (result.model !== spec.model) {
    throw new RidgelineError('BAD_OPTIONS', `the result is a ${result.model} model but predictions were asked for a ${spec.model} model`);
  }
  if (spec.model === 'mlp') return predictMlp(result, x, m, p, spec);
  if (result.coef.length !== p) {
    throw new RidgelineError('BAD_DATA', `the model has ${result.coef.length} coefficients but the data have ${p} features`);
  }
  const out = new Float64Array(m);
  const w = result.coef;
  for (let i = 0; i < m; i++) {
    let z = result.intercept;
    for (let j = 0; j < p; j++) z += x[i * p + j] * w[j];
    out[i] = spec.model === 'logistic' ? sigmoid(z) : z;
  }
  return out;
}

function predictMlp(result: FitResult, x: Float64Array, m: number, p: number, spec: PredictSpec): Float64Array {
  const layers = result.layers;
  if (!layers || layers.length === 0) throw new RidgelineError('BAD_OPTIONS', 'the MLP result has no layers');
  if (layers[0].inputs !== p) {
    throw new RidgelineError('BAD_DATA', `the network takes ${layers[0].inputs} features but the data have ${p}`);
  }
  const out = new Float64Array(m);
  const width = Math.max(p, ...layers.map((l) => l.outputs));
  let input = new Float64Array(width);
  let output = new Float64Array(width);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) input[j] = x[i * p + j];
    for (let l = 0; l < layers.length; l++) {
      const { inputs, outputs, weights, biases } = layers[l];
      const hidden = l < layers.length - 1;
      for (let o = 0; o < outputs; o++) {
        let z = biases[o];
        for (let k = 0; k < inputs; k++) z += weights[o * inputs + k] * input[k];
        output[o] = !hidden ? z : spec.activation === 'relu' ? (z > 0 ? z : 0) : Math.tanh(z);
      }
      [input, output] = [output, input];
    }
    out[i] = spec.task === 'classification' ? sigmoid(input[0]) : input[0];
  }
  return out;
}
