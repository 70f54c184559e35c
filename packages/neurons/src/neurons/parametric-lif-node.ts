import { tf, type NeuronDynamics, type Tensor, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { fusedOptionShape } from '../fused/fused-forward.js';
import { FusableNode, type FusableNodeOptions } from './fusable-node.js';
import { learnableThresholdOptionShape } from './learnable-threshold.js';
import { decayInputOptionShape, lifParams, neuronDescriptor, type NeuronDescriptorOptions, requireTau, spikingNodeOptionsShape } from './node-options.js';

/** Constructor options of {@link ParametricLIFNode}. */
export type ParametricLIFNodeOptions = FusableNodeOptions & {
  /** Initial membrane time constant τ₀ > 1 (default 2). */
  readonly initTau?: number;
  /** Whether the input is scaled by 1/τ too (default true). */
  readonly decayInput?: boolean;
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
export class ParametricLIFNode extends FusableNode {
  readonly decayInput: boolean;
  readonly initTau: number;
  /** The learnable scalar w with `1/τ = sigmoid(w)`. */
  readonly w: Variable;

  constructor(options: ParametricLIFNodeOptions = {}) {
    super(options);
    this.initTau = requireTau('ParametricLIFNode', 'initTau', options.initTau ?? 2);
    this.decayInput = options.decayInput ?? true;
    this.w = this.registerParameter('w', tf.scalar(-Math.log(this.initTau - 1)));
    this.setUpThreshold('ParametricLIFNode', options);
  }

  protected fusedModel() {
    return { model: 'plif' as const, w: this.w, decayInput: this.decayInput };
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

  /** `lif` dynamics with the learned τ (parameter `w`), the (trained) threshold and the reset. */
  override dynamics(): NeuronDynamics {
    const common = this.thresholdDynamics();
    return { kind: 'lif', tau: this.tau, decayInput: this.decayInput, ...common, learnable: [{ parameter: 'w', role: 'tau', shape: [] }, ...common.learnable] };
  }

  override describe(): string {
    return this.describeAs('ParametricLIFNode', lifParams(this.tau, this.decayInput));
  }
}

/** Registry entry `neurons/plif`. */
export const plifDescriptor = neuronDescriptor('plif', ParametricLIFNode, {
  description: 'Parametric LIF neuron (SpikingJelly ParametricLIFNode): learnable 1/tau = sigmoid(w), w0 = −ln(initTau − 1)',
  options: {
    ...spikingNodeOptionsShape,
    initTau: z.number().gt(1, 'initTau must be greater than 1 (SpikingJelly requires init_tau > 1)').default(2),
    ...decayInputOptionShape,
    ...fusedOptionShape,
    ...learnableThresholdOptionShape,
  },
});

/** Validated options of the `plif` descriptor. */
export type PLIFDescriptorOptions = NeuronDescriptorOptions<typeof plifDescriptor>;
