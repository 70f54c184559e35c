// What the three parallel spiking neurons share: multi-step as one matrix product over time, and (for
// the causal ones) a single-step mode that keeps the last k inputs.
import { StatefulNeuron, spike, tf, type NeuronTransition, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import { atan } from '../surrogates/atan.js';
import { parallelFire } from './psn-kit.js';

/** The single-step state of a causal PSN: the last k inputs, oldest first, `[k, B, ...]` (zeros before the first step). */
export type PSNHistory = { readonly history: Tensor };

/**
 * A neuron without reset whose charge over a whole sequence is `H = W·X + b` with a `[T, T]` matrix W
 * (SpikingJelly's PSN family): multi-step `forward` runs it as one matrix product. A causal member
 * (H[t] reads X[t − k + 1 .. t]) runs step by step from the last k inputs ({@link causalStep}).
 */
export abstract class ParallelNeuron extends StatefulNeuron<PSNHistory> {
  readonly surrogate: SurrogateFunction;

  constructor(surrogate: SurrogateFunction | undefined) {
    super();
    // SpikingJelly's PSNs default to ATan.
    this.surrogate = surrogate ?? atan();
  }

  /** The per-step bias b (`[T, 1]`, or a scalar shared by every step). */
  abstract readonly bias: Tensor;

  /** The `[T, T]` matrix mixing the inputs of every step into H (differentiable in the weights). */
  protected abstract sequenceWeight(T: number): Tensor;

  protected override multiStep(xSeq: Tensor): Tensor {
    return parallelFire(this.sequenceWeight(xSeq.shape[0]), this.bias, xSeq, this.surrogate);
  }

  /** Keep the last `order` inputs as the single-step state. */
  protected registerHistory(order: number): void {
    this.registerState('history', (shape) => tf.zeros([order, ...shape]));
  }

  /**
   * Step t of a causal PSN of order k: shift `x` into the history and fire
   * `Θ(Σ_i row[i]·history[i] + b)`, `row` `[1, k]` weighting the inputs oldest first.
   */
  protected causalStep(x: Tensor, history: Tensor, row: Tensor, bias: Tensor): NeuronTransition<PSNHistory> {
    const k = history.shape[0];
    const newest = tf.expandDims(x, 0);
    const kept = k === 1 ? newest : tf.concat([tf.slice(history, [1, ...x.shape.map(() => 0)], [k - 1, ...x.shape]), newest], 0);
    const h = tf.add(tf.reshape(tf.matMul(row, tf.reshape(kept, [k, -1])), x.shape), bias);
    return { spikes: spike(h, this.surrogate), state: { history: kept } };
  }
}
