import { tf, type NeuronDynamics, type Tensor } from '@spikeflow/core';
import { fusedOptionShape } from '../fused/fused-forward.js';
import { FusableNode, type FusableNodeOptions } from './fusable-node.js';
import { learnableThresholdOptionShape } from './learnable-threshold.js';
import { neuronDescriptor, type NeuronDescriptorOptions, spikingNodeOptionsShape } from './node-options.js';

/** Constructor options of {@link IFNode}. */
export type IFNodeOptions = FusableNodeOptions;

/**
 * SpikingJelly's integrate-and-fire neuron: a perfect integrator, `H[t] = V[t−1] + X[t]`, then
 * fire `S = Θ(H − V_th)` and reset hard (`V = S·V_reset + (1 − S)·H`) or soft (`V = H − S·V_th`).
 *
 * With `learnableThreshold: 'layer' | 'channel'` V_th is a trainable parameter (`vThreshold`: a
 * scalar, or one value per channel of the last axis), trained with the weights; forward then runs
 * the composed ops whatever `fused` says, since the fused op has no gradient for V_th.
 *
 * @example
 * ```ts
 * const node = new IFNode({ vReset: null }); // soft reset, sigmoid surrogate
 * const spikes = node.forward(tf.ones([4, 2])); // [T=4, B=2]
 * ```
 */
export class IFNode extends FusableNode {
  constructor(options: IFNodeOptions = {}) {
    super(options);
    this.setUpThreshold('IFNode', options);
  }

  protected fusedModel() {
    return { model: 'if' as const };
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }

  /** `if` dynamics with the (trained) threshold and the reset. */
  override dynamics(): NeuronDynamics {
    return { kind: 'if', ...this.thresholdDynamics() };
  }

  override describe(): string {
    return this.describeAs('IFNode');
  }
}

/** Registry entry `neurons/if`. */
export const ifDescriptor = neuronDescriptor('if', IFNode, {
  description: 'Integrate-and-fire neuron (SpikingJelly IFNode): H = V + X',
  options: {
    ...spikingNodeOptionsShape,
    ...fusedOptionShape,
    ...learnableThresholdOptionShape,
  },
});

/** Validated options of the `if` descriptor. */
export type IFDescriptorOptions = NeuronDescriptorOptions<typeof ifDescriptor>;
