import { tf, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { describeNode, formatParams, neuronDescriptor, type NeuronDescriptorOptions, requirePositive } from './node-options.js';
import { NonlinearIFNode, nonlinearIFOptionShape, type NonlinearIFNodeOptions } from './nonlinear-if-node.js';

/** Constructor options of {@link EIFNode}. */
export type EIFNodeOptions = NonlinearIFNodeOptions & {
  /** Sharpness Δ_T > 0 of the exponential term (default 1). */
  readonly deltaT?: number;
  /** Rheobase threshold θ_rh (default 0.8). */
  readonly thetaRh?: number;
};

/**
 * SpikingJelly's exponential integrate-and-fire neuron (`EIFNode`), one explicit Euler step:
 *
 * ```
 * H[t] = V[t−1] + (X[t] − (V[t−1] − V_rest) + Δ_T·exp((V[t−1] − θ_rh)/Δ_T))/τ
 * S[t] = Θ(H[t] − V_th),   V[t] = S·V_reset + (1 − S)·H  (hard)  or  H − S·V_th  (soft)
 * ```
 *
 * SpikingJelly's defaults: τ = 2, Δ_T = 1, θ_rh = 0.8, V_th = 1, V_rest = 0, **V_reset = −0.1**;
 * the membrane starts at V_reset (0 with a soft reset). Requires τ > 1, Δ_T > 0 and, with a hard
 * reset, V_th > V_reset and V_rest ≥ V_reset.
 *
 * @example
 * ```ts
 * const eif = new EIFNode({ deltaT: 1, thetaRh: 0.8 });
 * const spikes = eif.forward(tf.ones([8, 2, 10]));
 * ```
 */
export class EIFNode extends NonlinearIFNode {
  readonly deltaT: number;
  readonly thetaRh: number;

  constructor(options: EIFNodeOptions = {}) {
    super('EIFNode', options);
    this.deltaT = requirePositive('EIFNode', 'deltaT', options.deltaT ?? 1);
    this.thetaRh = options.thetaRh ?? 0.8;
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    const exponential = tf.mul(tf.exp(tf.div(tf.sub(v, this.thetaRh), this.deltaT)), this.deltaT);
    return tf.add(v, tf.div(tf.add(tf.sub(x, tf.sub(v, this.vRest)), exponential), this.tau));
  }

  override describe(): string {
    return describeNode('EIFNode', this, formatParams({ tau: this.tau, delta_T: this.deltaT, theta_rh: this.thetaRh, v_rest: this.vRest }));
  }
}

/** Registry entry `neurons/eif`. */
export const eifDescriptor = neuronDescriptor('eif', EIFNode, {
  description: 'Exponential IF (SpikingJelly EIFNode): H = V + (X − (V − V_rest) + dT·exp((V − theta_rh)/dT))/tau; V_reset = −0.1',
  options: {
    ...nonlinearIFOptionShape,
    deltaT: z.number().gt(0, 'deltaT must be greater than 0').default(1),
    thetaRh: z.number().default(0.8),
  },
});

/** Validated options of the `eif` descriptor. */
export type EIFDescriptorOptions = NeuronDescriptorOptions<typeof eifDescriptor>;
