/**
 * A multilayer perceptron as a DifferentiableModel: inputs → 1–3 hidden layers (ReLU or tanh) → one
 * output, linear for regression (squared loss ½(ŷ−y)²) or a sigmoid for binary classification (log-loss,
 * labels 0/1, computed from the logit as softplus(z) − y·z so it never overflows).
 *
 * Parameters live in one flat θ = [W₁ | W₂ | … | W_L | b₁ | … | b_L], each W_l out×in row-major: the
 * weights, which the elastic-net penalty covers, are the contiguous prefix (see stochastic/model.ts), the
 * biases, never penalized, the suffix.
 *
 * Forward and backward passes run over blocks of at most `capacity` rows on the kernels of ../kernels/
 * (WebAssembly SIMD where available, their TypeScript twins elsewhere, bit-identical): per layer one
 * matrix product Z = A·Wᵀ + b (affineRows, with Wᵀ laid out once per call), the weight gradient δᵀA
 * (weightGrad) and the back-propagated error δ·W (affineRows with a zero bias). Every activation, error
 * and gradient lives in one heap allocated once, so training allocates nothing per batch. On the fast
 * path a block's rows are copied from X into the heap (the WebAssembly kernels see only their memory);
 * the TypeScript path reads them in place through the row table. The output error is ∂loss/∂z = z − y
 * for the squared loss and σ(z) − y for sigmoid + log-loss alike.
 *
 * Summation order (fixed by the shapes alone, so results are bit-identical across runs and processes):
 * each pre-activation is bias + (Σ_i a_i·W_oi summed in order of i from 0); each weight- and bias-gradient
 * entry adds the block's rows in order to the running gradient; each back-propagated error is
 * 0 + (Σ_o δ_o·W_oi in order of o), times the activation's derivative.
 */
import { HeapLayout, type KernelHeap } from '../kernels/heap.ts';
import { RELU_BACKWARD, RELU_FORWARD, TANH_BACKWARD } from '../kernels/reference.ts';
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

/** Heap offsets of one layer's arrays. */
interface LayerSlots {
  nin: number;
  nout: number;
  /** Wᵀ (nin × nout), the forward pass's right-hand matrix. */
  wt: number;
  /** W (nout × nin): θ's copy, transposed into wt, and the backward pass's δ·W (layers after the first). */
  w: number;
  bias: number;
  /** The layer's output for a block (capacity × nout): activations, or the output logits. */
  out: number;
  /** Row table of `out` (identity), the next layer's input rows. */
  outRows: number;
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
  private readonly heap: KernelHeap;
  private readonly h: Float64Array;
  private readonly slots: LayerSlots[];
  /** A block of rows of X (fast path) and the table of the rows the first layer reads. */
  private readonly xBlock: number;
  private readonly xRows: number;
  private readonly deltaRows: number;
  /** A table whose every row is the single entry 1 (at `one`): the bias gradient's input. */
  private readonly onesRows: number;
  private readonly zeros: number;
  private readonly grad: number;
  private deltaCurrent: number;
  private deltaPrevious: number;

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

    const cap = this.capacity;
    const layout = new HeapLayout();
    const planned = [];
    for (let l = 0; l < this.layerCount; l++) {
      const nin = this.widths[l];
      const nout = this.widths[l + 1];
      planned.push({ nin, nout, wt: layout.f64(nin * nout), w: layout.f64(nin * nout), bias: layout.f64(nout), out: layout.f64(cap * nout), outRows: layout.u32(cap) });
    }
    const widest = Math.max(1, ...this.widths);
    this.zeros = layout.f64(widest);
    const one = layout.f64(1);
    this.deltaCurrent = layout.f64(cap * widest);
    this.deltaPrevious = layout.f64(cap * widest);
    this.grad = layout.f64(this.size);
    this.xBlock = layout.f64(cap * design.p);
    const xRows = layout.u32(cap);
    const deltaRows = layout.u32(cap);
    const onesRows = layout.u32(cap);
    this.heap = layout.create();
    this.h = this.heap.f64;
    const base = this.heap.u32Base;
    this.slots = planned.map((slot) => ({ ...slot, outRows: base + slot.outRows }));
    this.xRows = base + xRows;
    this.deltaRows = base + deltaRows;
    this.onesRows = base + onesRows;
    const t = this.heap.u32;
    this.h[one] = 1;
    t.fill(one, this.onesRows, this.onesRows + cap);
    for (const slot of this.slots) for (let r = 0; r < cap; r++) t[slot.outRows + r] = slot.out + r * slot.nout;
    if (this.heap.fast) for (let r = 0; r < cap; r++) t[this.xRows + r] = this.xBlock + r * design.p;
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
    this.loadParameters(theta);
    const h = this.h;
    h.set(grad.subarray(0, this.size), this.grad);
    let loss = 0;
    for (let s = start; s < end; s += this.capacity) {
      const n = Math.min(this.capacity, end - s);
      this.forward(order, s, n);
      loss += this.outputError(order, s, n, scale);
      this.backward(n);
    }
    grad.set(h.subarray(this.grad, this.grad + this.size));
    return loss;
  }

  /** Predictions for the rows order[s .. s+n) into out[0 .. n): ŷ (regression) or P(y = 1) (classification). */
  predictBlock(theta: Float64Array, order: Uint32Array, s: number, n: number, out: Float64Array): void {
    this.loadParameters(theta);
    this.forward(order, s, n);
    const z = this.slots[this.layerCount - 1].out;
    for (let r = 0; r < n; r++) out[r] = this.classification ? sigmoid(this.h[z + r]) : this.h[z + r];
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

  /** θ into the heap: Wᵀ for the forward products, W for the backward ones, the biases. */
  private loadParameters(theta: Float64Array): void {
    const h = this.h;
    for (let l = 0; l < this.layerCount; l++) {
      const { nin, nout, wt, w, bias } = this.slots[l];
      const wOff = this.weightOffsets[l];
      h.set(theta.subarray(wOff, wOff + nin * nout), w);
      this.heap.transpose(w, nout, nin, wt);
      h.set(theta.subarray(this.biasOffsets[l], this.biasOffsets[l] + nout), bias);
    }
  }

  /** Where the first layer reads rows: the heap (fast path: the block's rows copied in) or X in place. */
  private inputRows(order: Uint32Array, s: number, n: number): Float64Array | null {
    const { x, p } = this.design;
    if (this.heap.fast) {
      // An element loop: for rows of a few hundred entries it beats a subarray view and a memcpy per row.
      const h = this.h;
      let to = this.xBlock;
      for (let r = 0; r < n; r++) {
        let from = order[s + r] * p;
        const end = from + p;
        while (from < end) h[to++] = x[from++];
      }
      return null;
    }
    const t = this.heap.u32;
    for (let r = 0; r < n; r++) t[this.xRows + r] = order[s + r] * p;
    return x;
  }

  private forward(order: Uint32Array, s: number, n: number): void {
    const h = this.h;
    const relu = this.relu;
    const src = this.inputRows(order, s, n);
    for (let l = 0; l < this.layerCount; l++) {
      const slot = this.slots[l];
      const rows = l === 0 ? this.xRows : this.slots[l - 1].outRows;
      this.heap.affineRows(l === 0 ? src : null, rows, n, slot.nin, slot.wt, slot.nout, slot.bias, slot.out);
      if (l === this.layerCount - 1) break;
      if (relu) {
        this.heap.activations(slot.out, n * slot.nout, RELU_FORWARD, 0);
      } else {
        const end = slot.out + n * slot.nout;
        for (let k = slot.out; k < end; k++) h[k] = Math.tanh(h[k]);
      }
    }
  }

  /** Σ loss over the block; scale·∂loss/∂z into deltaCurrent. */
  private outputError(order: Uint32Array, s: number, n: number, scale: number): number {
    const y = this.design.y;
    const h = this.h;
    const z0 = this.slots[this.layerCount - 1].out;
    const delta = this.deltaCurrent;
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const z = h[z0 + r];
      const target = y[order[s + r]];
      let d: number;
      if (this.classification) {
        loss += softplus(z) - target * z;
        d = sigmoid(z) - target;
      } else {
        d = z - target;
        loss += 0.5 * d * d;
      }
      h[delta + r] = d * scale;
    }
    return loss;
  }

  private backward(n: number): void {
    const fitBiases = this.architecture.fitBiases;
    const relu = this.relu;
    const src = this.heap.fast ? null : this.design.x;
    for (let l = this.layerCount - 1; l >= 0; l--) {
      const { nin, nout, w } = this.slots[l];
      const delta = this.deltaCurrent;
      const rows = l === 0 ? this.xRows : this.slots[l - 1].outRows;
      this.heap.weightGrad(l === 0 ? src : null, rows, n, nin, delta, nout, this.grad + this.weightOffsets[l]);
      // The bias gradient is the weight gradient of an input that is always 1.
      if (fitBiases) this.heap.weightGrad(null, this.onesRows, n, 1, delta, nout, this.grad + this.biasOffsets[l]);
      if (l === 0) break;
      // Error at the previous layer's output: δ·W, times the activation's derivative there
      // (ReLU: 1 where the unit is active; tanh: 1 − a²).
      const prev = this.deltaPrevious;
      const t = this.heap.u32;
      for (let r = 0; r < n; r++) t[this.deltaRows + r] = delta + r * nout;
      this.heap.affineRows(null, this.deltaRows, n, nout, w, nin, this.zeros, prev);
      this.heap.activations(prev, n * nin, relu ? RELU_BACKWARD : TANH_BACKWARD, this.slots[l - 1].out);
      this.deltaPrevious = delta;
      this.deltaCurrent = prev;
    }
  }
}
