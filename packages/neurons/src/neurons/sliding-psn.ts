import { tf, type NeuronTransition, type SurrogateFunction, type Tensor, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { describeWithSurrogate, neuronDescriptor, type NeuronDescriptorOptions, surrogateOptionShape } from './node-options.js';
import { ParallelNeuron, type PSNHistory } from './parallel-neuron.js';
import { kaimingUniform, requireInt } from './psn-kit.js';

/** Constructor options of {@link SlidingPSN}. */
export interface SlidingPSNOptions {
  /** Order k ≥ 1: the number of shared weights, H[t] reads X[t − k + 1 .. t]. */
  readonly order: number;
  /** Initialise `W_i = 2^−(k−1−i)` (default true, as SpikingJelly's `exp_init`); false = `U(−1/√k, 1/√k)`. */
  readonly expInit?: boolean;
  /** Surrogate gradient (default ATan, α = 2). */
  readonly surrogate?: SurrogateFunction;
}

/**
 * The sliding PSN of order k (Fang et al. 2023), as SpikingJelly's `SlidingPSN`: k weights shared
 * by every time step slide over the input, so it is causal and works for any T:
 *
 * ```
 * H[t] = Σ_{i=0}^{k−1} W_i·X[t − k + 1 + i] + b      (X[τ] = 0 for τ < 0)
 * S[t] = Θ(H[t])
 * ```
 *
 * Parameters `weight` `[k]` (W_{k−1} multiplies the current step) and `bias` (a scalar, −1). The
 * forward pass builds the banded `[T, T]` matrix from the k weights for the input's T and runs one
 * matrix product (SpikingJelly's `gemm` backend); `step(x)` runs it one step at a time from the last
 * k inputs, for as many steps as wanted.
 *
 * @example
 * ```ts
 * const layer = new SlidingPSN({ order: 3 }); // weights [0.25, 0.5, 1]
 * layer.forward(tf.ones([16, 2, 10])); // any T
 * ```
 */
export class SlidingPSN extends ParallelNeuron {
  readonly order: number;
  readonly weight: Variable;
  readonly bias: Variable;

  constructor(options: SlidingPSNOptions) {
    super(options?.surrogate);
    this.order = requireInt('SlidingPSN', 'order', options?.order);
    const k = this.order;
    const init = (options.expInit ?? true) ? tf.tensor1d(Array.from({ length: k }, (_, i) => 2 ** -(k - 1 - i))) : kaimingUniform([k], k);
    this.weight = this.registerParameter('weight', init);
    this.bias = this.registerParameter('bias', tf.scalar(-1));
    this.registerHistory(k);
  }

  /** The `[T, T]` matrix with `W_{k−1−(t−s)}` at `[t][s]` for `0 ≤ t − s < k` (differentiable in W). */
  gemmWeight(T: number): Tensor {
    const k = this.order;
    // bands[i] marks the entries that take W_i: t − s = k − 1 − i.
    const bands = new Float32Array(k * T * T);
    for (let i = 0; i < k; i++)
      for (let t = 0; t < T; t++) {
        const s = t - (k - 1 - i);
        if (s >= 0) bands[i * T * T + t * T + s] = 1;
      }
    return tf.reshape(tf.matMul(tf.reshape(this.weight, [1, k]), tf.tensor2d(bands, [k, T * T])), [T, T]);
  }

  protected sequenceWeight(T: number): Tensor {
    return this.gemmWeight(T);
  }

  /** One step: H[t] = Σ_i W_i·X[t − k + 1 + i] + b over the last k inputs. */
  transition(x: Tensor, { history }: PSNHistory): NeuronTransition<PSNHistory> {
    return this.causalStep(x, history, tf.reshape(this.weight, [1, this.order]), this.bias);
  }

  override describe(): string {
    return describeWithSurrogate('SlidingPSN', [`k=${this.order}`], this.surrogate);
  }
}

/** Registry entry `neurons/sliding-psn`. */
export const slidingPsnDescriptor = neuronDescriptor('sliding-psn', SlidingPSN, {
  description: 'Sliding PSN of order k (Fang et al. 2023): H[t] = Σ W_i·X[t − k + 1 + i] + b with k shared weights; any T',
  options: {
    order: z.number().int().positive(),
    expInit: z.boolean().default(true),
    ...surrogateOptionShape('atan'),
  },
});

/** Validated options of the `sliding-psn` descriptor. */
export type SlidingPSNDescriptorOptions = NeuronDescriptorOptions<typeof slidingPsnDescriptor>;
