import { tf, type NeuronDynamics, type Tensor } from '@spikeflow/core';
import { fusedOptionShape } from '../fused/fused-forward.js';
import { FusableNode, type FusableNodeOptions } from './fusable-node.js';
import { learnableThresholdOptionShape } from './learnable-threshold.js';
import { lifOptionShape, lifParams, neuronDescriptor, type NeuronDescriptorOptions, requireTau, spikingNodeOptionsShape } from './node-options.js';

/** Constructor options of {@link LIFNode}. */
export type LIFNodeOptions = FusableNodeOptions & {
  /** Membrane time constant τ > 1 (default 2). */
  readonly tau?: number;
  /** Whether the input is divided by τ too (default true). */
  readonly decayInput?: boolean;
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
export class LIFNode extends FusableNode {
  readonly tau: number;
  readonly decayInput: boolean;

  constructor(options: LIFNodeOptions = {}) {
    super(options);
    this.tau = requireTau('LIFNode', 'tau', options.tau ?? 2);
    this.decayInput = options.decayInput ?? true;
    this.setUpThreshold('LIFNode', options);
  }

  protected fusedModel() {
    return { model: 'lif' as const, tau: this.tau, decayInput: this.decayInput };
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

  /** `lif` dynamics: τ, decay_input, the (trained) threshold and the reset. */
  override dynamics(): NeuronDynamics {
    return { kind: 'lif', tau: this.tau, decayInput: this.decayInput, ...this.thresholdDynamics() };
  }

  override describe(): string {
    return this.describeAs('LIFNode', lifParams(this.tau, this.decayInput));
  }
}

/** Registry entry `neurons/lif`. */
export const lifDescriptor = neuronDescriptor('lif', LIFNode, {
  description: 'Leaky integrate-and-fire neuron (SpikingJelly LIFNode): H = V + (X − (V − V_reset))/tau',
  options: {
    ...spikingNodeOptionsShape,
    ...lifOptionShape,
    ...fusedOptionShape,
    ...learnableThresholdOptionShape,
  },
});

/** Validated options of the `lif` descriptor. */
export type LIFDescriptorOptions = NeuronDescriptorOptions<typeof lifDescriptor>;
