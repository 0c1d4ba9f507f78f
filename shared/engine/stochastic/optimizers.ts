/**
 * Mini-batch update rules on a flat θ = [penalized weights | unpenalized rest] (see model.ts), for the
 * objective J = f(θ) + λ(1−α)/2·‖w‖² + λα‖w‖₁:
 * - the ridge part is smooth, so it joins the mini-batch gradient: g = ∇f_B + λ(1−α)·w;
 * - the lasso part is not, so after each update the weights take a proximal step, soft-thresholding
 *   S(w, τ) = sign(w)·max(|w| − τ, 0) with τ = (that coordinate's effective step)·λα. This gives exact
 *   zeros (a subgradient λα·sign(w) only makes weights oscillate around 0), and the fixed points of the
 *   update are exactly the KKT points of J (see each rule for why its τ is the one that achieves that).
 */
import { HeapLayout, type KernelHeap } from '../kernels/heap.ts';
import { adamEntry, type AdamStep } from '../kernels/reference.ts';
import { softThreshold } from '../kkt.ts';

export interface PenaltyWeights {
  /** λ(1−α) */
  l2: number;
  /** λα */
  l1: number;
}

export interface ProximalOptimizer {
  /** One update of θ from the data-loss mini-batch gradient `grad` with step size `learningRate`. */
  update(theta: Float64Array, grad: Float64Array, learningRate: number): void;
}

/**
 * SGD with classical (heavy-ball) momentum, the PyTorch/Keras rule: v ← μv + g, θ ← θ − η·v. μ = 0 is
 * plain SGD. In a steady state v = g/(1−μ), so the effective step is η/(1−μ); the proximal threshold is
 * therefore τ = η·λα/(1−μ), which makes the fixed points satisfy g + λα·∂|w| ∋ 0 exactly (with τ = η·λα
 * they would solve the problem with λα·(1−μ) instead).
 */
export class MomentumSgd implements ProximalOptimizer {
  private readonly velocity: Float64Array;

  constructor(
    size: number,
    private readonly penalizedCount: number,
    private readonly penalty: PenaltyWeights,
    private readonly momentum: number,
  ) {
    this.velocity = new Float64Array(momentum > 0 ? size : 0);
  }

  update(theta: Float64Array, grad: Float64Array, learningRate: number): void {
    const { l1, l2 } = this.penalty;
    const mu = this.momentum;
    const n = this.penalizedCount;
    const tau = (learningRate * l1) / (1 - mu);
    const v = this.velocity;
    for (let j = 0; j < theta.length; j++) {
      let g = grad[j];
      if (j < n) g += l2 * theta[j];
      if (mu > 0) {
        v[j] = mu * v[j] + g;
        g = v[j];
      }
      let t = theta[j] - learningRate * g;
      if (j < n && tau > 0) t = softThreshold(t, tau);
      theta[j] = t;
    }
  }
}

/** Adam's constants, the values of Kingma & Ba (2015) that every framework uses by default. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/**
 * Adam (Kingma & Ba 2015) with bias-corrected moments, the L2 part inside the gradient (Adam on the
 * objective J itself, not AdamW's decoupled decay, so the minimizer is J's), and a proximal step in Adam's
 * own diagonal metric: coordinate j moves by d_j·m̂_j with d_j = η/(√v̂_j + ε), so its threshold is
 * τ_j = d_j·λα. At a fixed point m̂ = g and w_j = S(w_j − d_j·g_j, d_j·λα), i.e. exactly the KKT
 * conditions of J.
 *
 * Per coordinate (kernels/reference.ts adamEntry): g = ∇f_B (+ λ(1−α)·w), m = β₁m + (1−β₁)g,
 * v = β₂v + (1−β₂)g·g, step = η/(√(v·c₂) + ε), w ← w − step·m·c₁ (then soft-thresholded at step·λα).
 * The moments live in a kernel heap and the update runs two coordinates per instruction on the
 * WebAssembly kernel (sqrt and division are correctly rounded there as in JavaScript, so the bits are the
 * TypeScript twin's); an odd coordinate left at the end of the weights or of the biases is done here.
 */
export class Adam implements ProximalOptimizer {
  private readonly heap: KernelHeap;
  private readonly theta: number;
  private readonly grad: number;
  private readonly m1: number;
  private readonly m2: number;
  private beta1Power = 1;
  private beta2Power = 1;

  constructor(
    private readonly size: number,
    private readonly penalizedCount: number,
    private readonly penalty: PenaltyWeights,
  ) {
    const layout = new HeapLayout();
    this.theta = layout.f64(size);
    this.grad = layout.f64(size);
    this.m1 = layout.f64(size);
    this.m2 = layout.f64(size);
    this.heap = layout.create();
  }

  update(theta: Float64Array, grad: Float64Array, learningRate: number): void {
    const { beta1, beta2, epsilon } = ADAM;
    this.beta1Power *= beta1;
    this.beta2Power *= beta2;
    const step: AdamStep = {
      l2: this.penalty.l2,
      l1: this.penalty.l1,
      beta1,
      oneMinusBeta1: 1 - beta1,
      beta2,
      oneMinusBeta2: 1 - beta2,
      c1: 1 / (1 - this.beta1Power),
      c2: 1 / (1 - this.beta2Power),
      learningRate,
      epsilon,
    };
    const { heap, size } = this;
    const h = heap.f64;
    h.set(theta.subarray(0, size), this.theta);
    h.set(grad.subarray(0, size), this.grad);
    const n = this.penalizedCount;
    const penalized = step.l1 > 0 ? 2 : 1;
    for (const [from, to, mode] of [
      [0, n, penalized],
      [n, size, 0],
    ]) {
      const pairs = (to - from) & ~1;
      heap.adam(this.theta + from, this.grad + from, this.m1 + from, this.m2 + from, pairs, mode, step);
      const last = from + pairs;
      if (last < to) adamEntry(h, this.theta + last, this.grad + last, this.m1 + last, this.m2 + last, mode, step);
    }
    theta.set(h.subarray(this.theta, this.theta + size));
  }
}
