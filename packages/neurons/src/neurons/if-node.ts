import { BaseNode, tf, type NeuronDescriptor, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { baseNodeOptions, describeNode, resolveNodeOptions, spikingNodeOptionsShape, type NodeConstructorOptions } from './node-options.js';

/** Constructor options of {@link IFNode}. */
export type IFNodeOptions = NodeConstructorOptions;

/**
 * SpikingJelly's integrate-and-fire neuron: a perfect integrator, `H[t] = V[t−1] + X[t]`, then
 * fire `S = Θ(H − V_th)` and reset hard (`V = S·V_reset + (1 − S)·H`) or soft (`V = H − S·V_th`).
 *
 * @example
 * ```ts
 * const node = new IFNode({ vReset: null }); // soft reset, sigmoid surrogate
 * const spikes = node.forward(tf.ones([4, 2])); // [T=4, B=2]
 * ```
 */
export class IFNode extends BaseNode {
  constructor(options: IFNodeOptions = {}) {
    super(baseNodeOptions(options));
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }

  override describe(): string {
    return describeNode('IFNode', this);
  }
}

const schema = z.object(spikingNodeOptionsShape).strict();

/** Validated options of the `if` descriptor. */
export type IFDescriptorOptions = z.infer<typeof schema>;

/** Registry entry `neurons/if`. */
export const ifDescriptor: NeuronDescriptor<IFDescriptorOptions> = {
  id: 'if',
  description: 'Integrate-and-fire neuron (SpikingJelly IFNode): H = V + X',
  options: schema,
  create: (options, context) => new IFNode(resolveNodeOptions(options, context)),
};
