import { BaseNode, tf, type NeuronDescriptor, type Tensor, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { fusedMultiStep } from '../fused/multi-step-node.js';
import { fusedByDefault, fusedOptionShape, requireTimeFirst } from '../fused/fused-forward.js';
import { initialThreshold, learnableThresholdOptionShape, thresholdTag, type LearnableThresholdOptions } from './learnable-threshold.js';
import { baseNodeOptions, describeNode, resolveNodeOptions, spikingNodeOptionsShape, type NodeConstructorOptions } from './node-options.js';

/** Constructor options of {@link IFNode}. */
export type IFNodeOptions = NodeConstructorOptions & LearnableThresholdOptions & {
  /** Run multi-step `forward` as one fused op (default: where it is faster, see `fusedByDefault`); `false` uses BaseNode's composed tf ops. */
  readonly fused?: boolean;
};

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
export class IFNode extends BaseNode {
  /** Whether multi-step `forward` runs as one fused op. */
  /** Fused multi-step op: true/false, or undefined to choose by backend ({@link fusedByDefault}). */
  readonly fused: boolean | undefined;

  constructor(options: IFNodeOptions = {}) {
    super(baseNodeOptions(options));
    this.fused = options.fused;
    const threshold = initialThreshold('IFNode', this.vThreshold, options);
    if (threshold) this.learnThreshold(threshold);
  }

  /** Multi-step: `[T, B, ...]` input currents to `[T, B, ...]` spikes (fused unless `fused: false`). */
  override forward(xSeq: Tensor): Tensor {
    // A learnable threshold takes the composed path: the fused op has no gradient for V_th.
    if (this.threshold || !(this.fused ?? fusedByDefault())) return super.forward(xSeq);
    requireTimeFirst(this, xSeq);
    const spikes = fusedMultiStep(xSeq, { model: 'if', vThreshold: this.vThreshold, vReset: this.vReset, detachReset: this.detachReset, surrogate: this.surrogate });
    this.recordSpikes(spikes);
    return spikes;
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }

  override describe(): string {
    return describeNode('IFNode', this, thresholdTag(this.threshold));
  }
}

const schema = z.object({ ...spikingNodeOptionsShape, ...fusedOptionShape, ...learnableThresholdOptionShape }).strict();

/** Validated options of the `if` descriptor. */
export type IFDescriptorOptions = z.infer<typeof schema>;

/** Registry entry `neurons/if`. */
export const ifDescriptor: NeuronDescriptor<IFDescriptorOptions> = {
  id: 'if',
  description: 'Integrate-and-fire neuron (SpikingJelly IFNode): H = V + X',
  options: schema,
  create: (options, context) => new IFNode({ ...resolveNodeOptions(options, context), fused: options.fused, learnableThreshold: options.learnableThreshold, channels: options.channels }),
};
