import { BaseNode, tf, type NeuronDescriptor, type Tensor, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { fusedMultiStep } from '../fused/multi-step-node.js';
import { fusedByDefault, fusedOptionShape, requireTimeFirst } from '../fused/fused-forward.js';
import { initialThreshold, learnableThresholdOptionShape, thresholdTag, type LearnableThresholdOptions } from './learnable-threshold.js';
import { baseNodeOptions, describeNode, formatNumber, requireTau, resolveNodeOptions, spikingNodeOptionsShape, type NodeConstructorOptions } from './node-options.js';

/** Constructor options of {@link ParametricLIFNode}. */
export type ParametricLIFNodeOptions = NodeConstructorOptions & LearnableThresholdOptions & {
  /** Initial membrane time constant τ₀ > 1 (default 2). */
  readonly initTau?: number;
  /** Whether the input is scaled by 1/τ too (default true). */
  readonly decayInput?: boolean;
  /** Run multi-step `forward` as one fused op (default: where it is faster, see `fusedByDefault`); `false` uses BaseNode's composed tf ops. */
  readonly fused?: boolean;
};

/**
 * SpikingJelly's Parametric LIF (PLIF, Fang et al. 2021): an LIF neuron whose time constant is
 * learned. One scalar parameter `w` per layer gives `1/τ = sigmoid(w)`, initialised to
 * `w₀ = −ln(τ₀ − 1)` so that `τ = τ₀`; the sigmoid keeps τ > 1 whatever w the optimiser reaches.
 * With `decayInput`: `H = V + (X − (V − V_reset))·sigmoid(w)`; without:
 * `H = V − (V − V_reset)·sigmoid(w) + X`; a soft reset leaks towards 0.
 *
 * The parameter is registered as `w`, so state dicts use SpikingJelly's name.
 *
 * With `learnableThreshold: 'layer' | 'channel'` V_th is a trainable parameter (`vThreshold`: a
 * scalar, or one value per channel of the last axis), trained with the weights; forward then runs
 * the composed ops whatever `fused` says, since the fused op has no gradient for V_th.
 *
 * @example
 * ```ts
 * const plif = new ParametricLIFNode({ initTau: 2 });
 * const optimizer = new Adam(plif.namedParameters(), { lr: 1e-3 }); // trains w
 * ```
 */
export class ParametricLIFNode extends BaseNode {
  readonly decayInput: boolean;
  readonly initTau: number;
  /** Whether multi-step `forward` runs as one fused op. */
  /** Fused multi-step op: true/false, or undefined to choose by backend ({@link fusedByDefault}). */
  readonly fused: boolean | undefined;
  /** The learnable scalar w with `1/τ = sigmoid(w)`. */
  readonly w: Variable;

  constructor(options: ParametricLIFNodeOptions = {}) {
    super(baseNodeOptions(options));
    this.initTau = requireTau('ParametricLIFNode', 'initTau', options.initTau ?? 2);
    this.decayInput = options.decayInput ?? true;
    this.fused = options.fused;
    this.w = this.registerParameter('w', tf.scalar(-Math.log(this.initTau - 1)));
    const threshold = initialThreshold('ParametricLIFNode', this.vThreshold, options);
    if (threshold) this.learnThreshold(threshold);
  }

  /** Multi-step: `[T, B, ...]` input currents to `[T, B, ...]` spikes (fused unless `fused: false`). */
  override forward(xSeq: Tensor): Tensor {
    // A learnable threshold takes the composed path: the fused op has no gradient for V_th.
    if (this.threshold || !(this.fused ?? fusedByDefault())) return super.forward(xSeq);
    requireTimeFirst(this, xSeq);
    const spikes = fusedMultiStep(xSeq, {
      model: 'plif', w: this.w, decayInput: this.decayInput,
      vThreshold: this.vThreshold, vReset: this.vReset, detachReset: this.detachReset, surrogate: this.surrogate,
    });
    this.recordSpikes(spikes);
    return spikes;
  }

  /** The current time constant `1/sigmoid(w) = 1 + e^(−w)` (reads the parameter). */
  get tau(): number {
    return 1 + Math.exp(-this.w.dataSync()[0]);
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    const reciprocalTau = tf.sigmoid(this.w);
    const leak = this.vReset === null || this.vReset === 0 ? v : tf.sub(v, this.vReset);
    if (this.decayInput) return tf.add(v, tf.mul(tf.sub(x, leak), reciprocalTau));
    return tf.add(tf.sub(v, tf.mul(leak, reciprocalTau)), x);
  }

  override describe(): string {
    const leading = [`tau=${formatNumber(this.tau)}`];
    if (!this.decayInput) leading.push('decay_input=false');
    leading.push(...thresholdTag(this.threshold));
    return describeNode('ParametricLIFNode', this, leading);
  }
}

const schema = z.object({
  ...spikingNodeOptionsShape,
  initTau: z.number().gt(1, 'initTau must be greater than 1 (SpikingJelly requires init_tau > 1)').default(2),
  decayInput: z.boolean().default(true),
  ...fusedOptionShape,
  ...learnableThresholdOptionShape,
}).strict();

/** Validated options of the `plif` descriptor. */
export type PLIFDescriptorOptions = z.infer<typeof schema>;

/** Registry entry `neurons/plif`. */
export const plifDescriptor: NeuronDescriptor<PLIFDescriptorOptions> = {
  id: 'plif',
  description: 'Parametric LIF neuron (SpikingJelly ParametricLIFNode): learnable 1/tau = sigmoid(w), w0 = −ln(initTau − 1)',
  options: schema,
  create: (options, context) => new ParametricLIFNode({ ...resolveNodeOptions(options, context), initTau: options.initTau, decayInput: options.decayInput, fused: options.fused, learnableThreshold: options.learnableThreshold, channels: options.channels }),
};
