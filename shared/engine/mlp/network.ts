/**
 * A multilayer perceptron as a DifferentiableModel: inputs → 1–3 hidden layers (ReLU or tanh) → one
 * output, linear for regression (squared loss ½(ŷ−y)²) or a sigmoid for binary classification (log-loss,
 * labels 0/1, computed from the logit as softplus(z) − y·z so it never overflows).
 *
 * Parameters live in one flat θ = [W₁ | W₂ | … | W_L | b₁ | … | b_L], each W_l out×in row-major: the
 * weights, which the elastic-net penalty covers, are the contiguous prefix (see stochastic/model.ts), the
 * biases, never penalized, the suffix.
 *
 * Forward and backward passes run over blocks of at most `capacity` rows, with every activation and
 * back-propagated error held in buffers allocated once, so training allocates nothing per batch. Rows are
 * read from X in place through the row order (no copy of a shuffled batch). The output error is
 * ∂loss/∂z = z − y for the squared loss and σ(z) − y for sigmoid + log-loss alike.
 */
import { sigmoid, softplus } from '../logistic/logLoss.ts';
import type { Pcg64 } from '../random/pcg64.ts';
import type { DifferentiableModel } from '../stochastic/model.ts';
import type { Activation, Design, LayerParameters, MlpTask } from '../types.ts';

export interface MlpArchitecture {
  hidden: readonly number[];
  activation: Activation;
  task: MlpTask;
  /** false: every bias is held at 0 (`fitIntercept: false`). */
  fitBiases: boolean;
}

export class MlpNetwork implements DifferentiableModel {
  readonly size: number;
  readonly penalizedCount: number;
  readonly rows: number;
  /** [p, h₁, …, h_k, 1]. */
  readonly widths: readonly number[];
  readonly weightOffsets: readonly number[];
  readonly biasOffsets: readonly number[];
  private readonly layerCount: number;
  private readonly capacity: number;
  private readonly relu: boolean;
  private readonly classification: boolean;
  /** Activations of each hidden layer for a block of rows (row-major, capacity × width). */
  private readonly activations: Float64Array[];
  /** The output logit / prediction per row of the block. */
  private readonly output: Float64Array;
  private deltaCurrent: Float64Array;
  private deltaPrevious: Float64Array;

  constructor(
    private readonly design: Design,
    readonly architecture: MlpArchitecture,
    capacity: number,
  ) {
    this.widths = [design.p, ...architecture.hidden, 1];
    this.layerCount = this.widths.length - 1;
    const weightOffsets: number[] = [];
    let offset = 0;
    for (let l = 0; l < this.layerCount; l++) {
      weightOffsets.push(offset);
      offset += this.widths[l] * this.widths[l + 1];
    }
    this.penalizedCount = offset;
    const biasOffsets: number[] = [];
    for (let l = 0; l < this.layerCount; l++) {
      biasOffsets.push(offset);
      offset += this.widths[l + 1];
    }
    this.size = offset;
    this.weightOffsets = weightOffsets;
    this.biasOffsets = biasOffsets;
    this.rows = design.m;
    this.capacity = Math.max(1, Math.min(capacity, design.m));
    this.relu = architecture.activation === 'relu';
    this.classification = architecture.task === 'classification';
    this.activations = architecture.hidden.map((width) => new Float64Array(this.capacity * width));
    this.output = new Float64Array(this.capacity);
    const widest = Math.max(1, ...this.widths.slice(1));
    this.deltaCurrent = new Float64Array(this.capacity * widest);
    this.deltaPrevious = new Float64Array(this.capacity * widest);
  }

  /**
   * Random weights from the seeded PRNG, biases 0. Hidden layers: He normal N(0, 2/fan_in) for ReLU (keeps
   * the activations' variance constant through ReLU layers, He et al. 2015), Glorot/Xavier normal
   * N(0, 2/(fan_in + fan_out)) for tanh (Glorot & Bengio 2010); the output layer, linear or sigmoid, Glorot.
   * Drawn layer by layer in row-major order. A random start is required: with equal weights (e.g. all 0)
   * every unit of a layer gets the same gradient and they never become different.
   */
  initialize(rng: Pcg64, theta: Float64Array): void {
    theta.fill(0);
    for (let l = 0; l < this.layerCount; l++) {
      const fanIn = this.widths[l];
      const fanOut = this.widths[l + 1];
      const hidden = l < this.layerCount - 1;
      const std = hidden && this.relu ? Math.sqrt(2 / fanIn) : Math.sqrt(2 / (fanIn + fanOut));
      const start = this.weightOffsets[l];
      for (let k = 0; k < fanIn * fanOut; k++) theta[start + k] = std * rng.normal();
    }
  }

  accumulate(theta: Float64Array, order: Uint32Array, start: number, end: number, scale: number, grad: Float64Array): number {
    let loss = 0;
    for (let s = start; s < end; s += this.capacity) {
      const n = Math.min(this.capacity, end - s);
      this.forward(theta, order, s, n);
      loss += this.outputError(order, s, n, scale);
      this.backward(theta, order, s, n, grad);
    }
    return loss;
  }

  /** Predictions for the rows order[s .. s+n) into out[0 .. n): ŷ (regression) or P(y = 1) (classification). */
  predictBlock(theta: Float64Array, order: Uint32Array, s: number, n: number, out: Float64Array): void {
    this.forward(theta, order, s, n);
    for (let r = 0; r < n; r++) out[r] = this.classification ? sigmoid(this.output[r]) : this.output[r];
  }

  /** θ as layers (copies): weights out×in row-major, biases. */
  layers(theta: Float64Array): LayerParameters[] {
    const out: LayerParameters[] = [];
    for (let l = 0; l < this.layerCount; l++) {
      const inputs = this.widths[l];
      const outputs = this.widths[l + 1];
      const w = this.weightOffsets[l];
      const b = this.biasOffsets[l];
      out.push({ inputs, outputs, weights: theta.slice(w, w + inputs * outputs), biases: theta.slice(b, b + outputs) });
    }
    return out;
  }

  private forward(theta: Float64Array, order: Uint32Array, s: number, n: number): void {
    const x = this.design.x;
    const relu = this.relu;
    for (let l = 0; l < this.layerCount; l++) {
      const nin = this.widths[l];
      const nout = this.widths[l + 1];
      const wOff = this.weightOffsets[l];
      const bOff = this.biasOffsets[l];
      const hidden = l < this.layerCount - 1;
      const dst = hidden ? this.activations[l] : this.output;
      const src = l === 0 ? x : this.activations[l - 1];
      for (let r = 0; r < n; r++) {
        const srcRow = l === 0 ? order[s + r] * nin : r * nin;
        const dstRow = r * nout;
        for (let o = 0; o < nout; o++) {
          const wRow = wOff + o * nin;
          // Four partial sums: one running sum is bound by the latency of each add, four keep the
          // multiply-add units busy (≈ 2–3× faster here). The order is fixed, so results stay bit-identical.
          let z0 = 0;
          let z1 = 0;
          let z2 = 0;
          let z3 = 0;
          let i = 0;
          for (; i + 3 < nin; i += 4) {
            z0 += theta[wRow + i] * src[srcRow + i];
            z1 += theta[wRow + i + 1] * src[srcRow + i + 1];
            z2 += theta[wRow + i + 2] * src[srcRow + i + 2];
            z3 += theta[wRow + i + 3] * src[srcRow + i + 3];
          }
          for (; i < nin; i++) z0 += theta[wRow + i] * src[srcRow + i];
          const z = theta[bOff + o] + (z0 + z1 + (z2 + z3));
          dst[dstRow + o] = !hidden ? z : relu ? (z > 0 ? z : 0) : Math.tanh(z);
        }
      }
    }
  }

  /** Σ loss over the block; scale·∂loss/∂z into deltaCurrent. */
  private outputError(order: Uint32Array, s: number, n: number, scale: number): number {
    const y = this.design.y;
    const delta = this.deltaCurrent;
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const z = this.output[r];
      const target = y[order[s + r]];
      let d: number;
      if (this.classification) {
        loss += softplus(z) - target * z;
        d = sigmoid(z) - target;
      } else {
        d = z - target;
        loss += 0.5 * d * d;
      }
      delta[r] = d * scale;
    }
    return loss;
  }

  private backward(theta: Float64Array, order: Uint32Array, s: number, n: number, grad: Float64Array): void {
    const x = this.design.x;
    const fitBiases = this.architecture.fitBiases;
    const relu = this.relu;
    for (let l = this.layerCount - 1; l >= 0; l--) {
      const nin = this.widths[l];
      const nout = this.widths[l + 1];
      const wOff = this.weightOffsets[l];
      const bOff = this.biasOffsets[l];
      const src = l === 0 ? x : this.activations[l - 1];
      const delta = this.deltaCurrent;
      // ∂/∂W_l = δᵀ·A over the block, one output unit at a time: its gradient row stays in cache while
      // the block's rows stream past (row by row would sweep the whole gradient matrix per row).
      for (let o = 0; o < nout; o++) {
        const wRow = wOff + o * nin;
        let biasGrad = 0;
        for (let r = 0; r < n; r++) {
          const d = delta[r * nout + o];
          if (d === 0) continue;
          biasGrad += d;
          const srcRow = l === 0 ? order[s + r] * nin : r * nin;
          for (let i = 0; i < nin; i++) grad[wRow + i] += d * src[srcRow + i];
        }
        if (fitBiases) grad[bOff + o] += biasGrad;
      }
      if (l === 0) break;
      // Error at the previous layer's output: Wᵀδ, times the activation's derivative there
      // (ReLU: 1 where the unit is active; tanh: 1 − a²).
      const prev = this.deltaPrevious;
      const act = this.activations[l - 1];
      for (let r = 0; r < n; r++) {
        const row = r * nin;
        for (let i = 0; i < nin; i++) prev[row + i] = 0;
        for (let o = 0; o < nout; o++) {
          const d = delta[r * nout + o];
          if (d === 0) continue;
          const wRow = wOff + o * nin;
          for (let i = 0; i < nin; i++) prev[row + i] += theta[wRow + i] * d;
        }
        for (let i = 0; i < nin; i++) {
          const a = act[row + i];
          prev[row + i] *= relu ? (a > 0 ? 1 : 0) : 1 - a * a;
        }
      }
      this.deltaPrevious = delta;
      this.deltaCurrent = prev;
    }
  }
}
