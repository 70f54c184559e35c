import { BaseNode, tf, type NeuronDescriptor, type Tensor, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { fusedMultiStep } from '../fused/multi-step-node.js';
import { fusedByDefault, fusedOptionShape, requireTimeFirst } from '../fused/fused-forward.js';
import { initialThreshold, learnableThresholdOptionShape, thresholdTag, type LearnableThresholdOptions } from './learnable-threshold.js';
import { baseNodeOptions, describeNode, formatNumber, requireTau, resolveNodeOptions, spikingNodeOptionsShape, type NodeConstructorOptions } from './node-options.js';

/** Constructor options of {@link LIFNode}. */
export type LIFNodeOptions = NodeConstructorOptions & LearnableThresholdOptions & {
  /** Membrane time constant τ > 1 (default 2). */
  readonly tau?: number;
  /** Whether the input is divided by τ too (default true). */
  readonly decayInput?: boolean;
  /** Run multi-step `forward` as one fused op (default: where it is faster, see `fusedByDefault`); `false` uses BaseNode's composed tf ops. */
  readonly fused?: boolean;
};

/**
 * SpikingJelly's leaky integrate-and-fire neuron. With `decayInput` (the default)
 * `H[t] = V[t−1] + (X[t] − (V[t−1] − V_reset))/τ`; without it
 * `H[t] = V[t−1] − (V[t−1] − V_reset)/τ + X[t]`. With a soft reset (`vReset: null`) the leak pulls
 * towards 0. Fire and reset as in {@link IFNode}. SpikingJelly requires τ > 1.
 *
 * With `learnableThreshold: 'layer' | 'channel'` V_th is a trainable parameter (`vThreshold`: a
 * scalar, or one value per channel of the last axis), trained with the weights; forward then runs
 * the composed ops whatever `fused` says, since the fused op has no gradient for V_th.
 *
 * @example
 * ```ts
 * const lif = new LIFNode({ tau: 2, surrogate: atan() });
 * lif.describe(); // 'LIFNode(tau=2, v_th=1, v_reset=0, surrogate=atan(alpha=2))'
 * ```
 */
export class LIFNode extends BaseNode {
  readonly tau: number;
  readonly decayInput: boolean;
  /** Whether multi-step `forward` runs as one fused op. */
  /** Fused multi-step op: true/false, or undefined to choose by backend ({@link fusedByDefault}). */
  readonly fused: boolean | undefined;

  constructor(options: LIFNodeOptions = {}) {
    super(baseNodeOptions(options));
    this.tau = requireTau('LIFNode', 'tau', options.tau ?? 2);
    this.decayInput = options.decayInput ?? true;
    this.fused = options.fused;
    const threshold = initialThreshold('LIFNode', this.vThreshold, options);
    if (threshold) this.learnThreshold(threshold);
  }

  /** Multi-step: `[T, B, ...]` input currents to `[T, B, ...]` spikes (fused unless `fused: false`). */
  override forward(xSeq: Tensor): Tensor {
    // A learnable threshold takes the composed path: the fused op has no gradient for V_th.
    if (this.threshold || !(this.fused ?? fusedByDefault())) return super.forward(xSeq);
    requireTimeFirst(this, xSeq);
    const spikes = fusedMultiStep(xSeq, {
      model: 'lif', tau: this.tau, decayInput: this.decayInput,
      vThreshold: this.vThreshold, vReset: this.vReset, detachReset: this.detachReset, surrogate: this.surrogate,
    });
    this.recordSpikes(spikes);
    return spikes;
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    const vReset = this.vReset ?? 0;
    // SpikingJelly uses the shorter forms when the leak target is 0; the same algebra, fewer ops.
    if (this.decayInput) {
      const drive = vReset === 0 ? tf.sub(x, v) : tf.sub(x, tf.sub(v, vReset));
      return tf.add(v, tf.div(drive, this.tau));
    }
    if (vReset === 0) return tf.add(tf.mul(v, 1 - 1 / this.tau), x);
    return tf.add(tf.sub(v, tf.div(tf.sub(v, vReset), this.tau)), x);
  }

  override describe(): string {
    const leading = [`tau=${formatNumber(this.tau)}`];
    if (!this.decayInput) leading.push('decay_input=false');
    leading.push(...thresholdTag(this.threshold));
    return describeNode('LIFNode', this, leading);
  }
}

const schema = z.object({
  ...spikingNodeOptionsShape,
  tau: z.number().gt(1, 'tau must be greater than 1 (SpikingJelly requires tau > 1)').default(2),
  decayInput: z.boolean().default(true),
  ...fusedOptionShape,
  ...learnableThresholdOptionShape,
}).strict();

/** Validated options of the `lif` descriptor. */
export type LIFDescriptorOptions = z.infer<typeof schema>;

/** Registry entry `neurons/lif`. */
export const lifDescriptor: NeuronDescriptor<LIFDescriptorOptions> = {
  id: 'lif',
  description: 'Leaky integrate-and-fire neuron (SpikingJelly LIFNode): H = V + (X − (V − V_reset))/tau',
  options: schema,
  create: (options, context) => new LIFNode({ ...resolveNodeOptions(options, context), tau: options.tau, decayInput: options.decayInput, fused: options.fused, learnableThreshold: options.learnableThreshold, channels: options.channels }),
};
