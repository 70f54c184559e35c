import { Module, SpikeflowError, tf, type NeuronModule, type Tensor } from '@spikeflow/core';

/**
 * A neuron from the user's factory run with an effective firing threshold `threshold` (in units
 * of the neuron's own V_th): it feeds the neuron `x / threshold`.
 *
 * Why: Spikformer's and the Spike-driven Transformer's attention neurons fire at V_th = 0.5, but
 * an architecture only gets a neuron *factory* (the user picks the model, its options hold one
 * threshold for every layer). For every neuron whose dynamics are positively homogeneous — IF,
 * LIF and PLIF with a hard reset to 0 or a soft reset — scaling the input by 1/θ scales the
 * membrane by 1/θ at every step, so the spikes are exactly those of the same neuron with
 * threshold θ·V_th. The one difference is the surrogate gradient: it is evaluated at
 * `(H − θ·V_th)/θ`, i.e. the surrogate is θ times narrower in membrane units and its slope is
 * scaled by 1/θ (for θ = 0.5: a surrogate of width α·2 instead of α, times 2).
 * Neurons that are not homogeneous (a non-zero V_reset) see a different reset level.
 *
 * @example
 * ```ts
 * const attnNeuron = new ThresholdScaledNeuron(factory('attn'), 0.5); // LIF firing at 0.5
 * const s = attnNeuron.forward(x); // x [T, B, ...]
 * ```
 */
export class ThresholdScaledNeuron extends Module {
  readonly neuron: NeuronModule;

  constructor(
    neuron: NeuronModule,
    readonly threshold: number,
  ) {
    super();
    if (!(threshold > 0) || !Number.isFinite(threshold)) {
      throw new SpikeflowError('invalid-options', `ThresholdScaledNeuron: threshold must be a positive finite number, got ${threshold}`);
    }
    this.neuron = this.registerModule('neuron', neuron);
  }

  override forward(x: Tensor): Tensor {
    return this.neuron.forward(this.threshold === 1 ? x : tf.mul(x, 1 / this.threshold));
  }

  override describe(): string {
    return `ThresholdScaledNeuron(threshold=${this.threshold})`;
  }
}
