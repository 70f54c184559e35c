import { detach, tf, type Tensor, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { describeNode, lifOptionShape, lifParams, neuronDescriptor, type NeuronDescriptorOptions, requireNonZero, spikingNodeOptionsShape } from './node-options.js';
import { LIFChargeNode, type LIFChargeNodeOptions } from './lif-charge-node.js';

/** Constructor options of {@link KLIFNode}. */
export type KLIFNodeOptions = LIFChargeNodeOptions & {
  /** Reset on the unscaled membrane `F/k` with threshold `V_th/k` (SpikingJelly's `scale_reset`, default false). */
  readonly scaleReset?: boolean;
  /** Initial scaling factor k (default 1, as SpikingJelly). */
  readonly initK?: number;
};

/**
 * KLIF (Jiang & Zhang 2023, "KLIF: An optimized spiking neuron unit for tuning surrogate gradient
 * slope and membrane potential"): an LIF neuron with one learnable scalar `k` (parameter `k`,
 * initialised to 1) that scales the membrane and passes it through a ReLU before the spike, so
 * training tunes the effective slope of the surrogate (`∂S/∂H = k·g'(kH − V_th)` where kH > 0)
 * and clips negative potentials. As SpikingJelly's `KLIFNode`:
 *
 * ```
 * H[t] = V[t−1] + (X[t] − (V[t−1] − V_reset))/τ      (decayInput; else V − (V − V_reset)/τ + X)
 * F[t] = ReLU(k·H[t])
 * S[t] = Θ(F[t] − V_th)
 * V[t] = S·V_reset + (1 − S)·F      hard reset      |  scaleReset: S·V_reset + (1 − S)·F/k
 * V[t] = F − S·V_th                 soft reset      |  scaleReset: (F − S·V_th)/k
 * ```
 *
 * Defaults τ = 2, V_th = 1, V_reset = 0, k₀ = 1, decayInput true, scaleReset false; a soft reset
 * leaks towards 0. No fused kernel: forward runs BaseNode's composed ops.
 *
 * @example
 * ```ts
 * const klif = new KLIFNode({ tau: 2, surrogate: atan() });
 * const optimizer = new Adam(klif.namedParameters(), { lr: 1e-3 }); // trains k
 * ```
 */
export class KLIFNode extends LIFChargeNode {
  readonly scaleReset: boolean;
  /** The learnable scaling factor k. */
  readonly k: Variable;

  constructor(options: KLIFNodeOptions = {}) {
    super('KLIFNode', options);
    this.scaleReset = options.scaleReset ?? false;
    // k = 0 would zero the membrane and make the scaled reset divide by zero.
    const k0 = requireNonZero('KLIFNode', 'initK', options.initK ?? 1);
    this.k = this.registerParameter('k', tf.scalar(k0));
  }

  /** Returns `F = ReLU(k·H)`, the value that fires and is reset. */
  protected override neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.relu(tf.mul(this.k, super.neuronalCharge(x, v)));
  }

  protected override neuronalReset(f: Tensor, s: Tensor): Tensor {
    if (!this.scaleReset) return super.neuronalReset(f, s);
    const sr = this.detachReset ? detach(s) : s;
    if (this.vReset === null) return tf.div(tf.sub(f, tf.mul(sr, this.vThreshold)), this.k);
    return tf.add(tf.mul(sr, this.vReset), tf.mul(tf.sub(1, sr), tf.div(f, this.k)));
  }

  override describe(): string {
    const leading = lifParams(this.tau, this.decayInput, { k: this.k.dataSync()[0] });
    if (this.scaleReset) leading.push('scale_reset=true');
    return describeNode('KLIFNode', this, leading);
  }
}

/** Registry entry `neurons/klif`. */
export const klifDescriptor = neuronDescriptor('klif', KLIFNode, {
  description: 'KLIF (Jiang & Zhang 2023, SpikingJelly KLIFNode): LIF charge, F = ReLU(k·H), S = Θ(F − V_th), learnable k',
  options: {
    ...spikingNodeOptionsShape,
    ...lifOptionShape,
    scaleReset: z.boolean().default(false),
    initK: z
      .number()
      .refine((k) => k !== 0 && Number.isFinite(k), 'initK must be a finite non-zero number')
      .default(1),
  },
});

/** Validated options of the `klif` descriptor. */
export type KLIFDescriptorOptions = NeuronDescriptorOptions<typeof klifDescriptor>;
