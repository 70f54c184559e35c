import { BaseNode, SpikeflowError, tf, type NeuronDescriptor, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { baseNodeOptions, describeNode, formatNumber, requireTau, resolveNodeOptions, spikingNodeOptionsShape, type NodeConstructorOptions } from './node-options.js';
import { requireRestAndReset } from './qif-node.js';

/** Constructor options of {@link EIFNode}. */
export type EIFNodeOptions = NodeConstructorOptions & {
  /** Membrane time constant τ > 1 (default 2). */
  readonly tau?: number;
  /** Sharpness Δ_T > 0 of the exponential term (default 1). */
  readonly deltaT?: number;
  /** Rheobase threshold θ_rh (default 0.8). */
  readonly thetaRh?: number;
  /** Resting potential V_rest (default 0). */
  readonly vRest?: number;
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
export class EIFNode extends BaseNode {
  readonly tau: number;
  readonly deltaT: number;
  readonly thetaRh: number;
  readonly vRest: number;

  constructor(options: EIFNodeOptions = {}) {
    super(baseNodeOptions({ ...options, vReset: options.vReset === undefined ? -0.1 : options.vReset }));
    this.tau = requireTau('EIFNode', 'tau', options.tau ?? 2);
    this.deltaT = options.deltaT ?? 1;
    this.thetaRh = options.thetaRh ?? 0.8;
    this.vRest = options.vRest ?? 0;
    if (!(this.deltaT > 0) || !Number.isFinite(this.deltaT)) throw new SpikeflowError('invalid-options', `EIFNode: deltaT must be a finite number > 0, got ${this.deltaT}`, { option: 'deltaT' });
    requireRestAndReset('EIFNode', this);
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    const exponential = tf.mul(tf.exp(tf.div(tf.sub(v, this.thetaRh), this.deltaT)), this.deltaT);
    return tf.add(v, tf.div(tf.add(tf.sub(x, tf.sub(v, this.vRest)), exponential), this.tau));
  }

  override describe(): string {
    return describeNode('EIFNode', this, [`tau=${formatNumber(this.tau)}`, `delta_T=${formatNumber(this.deltaT)}`, `theta_rh=${formatNumber(this.thetaRh)}`, `v_rest=${formatNumber(this.vRest)}`]);
  }
}

const schema = z.object({
  ...spikingNodeOptionsShape,
  vReset: z.number().nullable().default(-0.1),
  tau: z.number().gt(1, 'tau must be greater than 1 (SpikingJelly requires tau > 1)').default(2),
  deltaT: z.number().gt(0, 'deltaT must be greater than 0').default(1),
  thetaRh: z.number().default(0.8),
  vRest: z.number().default(0),
}).strict();

/** Validated options of the `eif` descriptor. */
export type EIFDescriptorOptions = z.infer<typeof schema>;

/** Registry entry `neurons/eif`. */
export const eifDescriptor: NeuronDescriptor<EIFDescriptorOptions> = {
  id: 'eif',
  description: 'Exponential IF (SpikingJelly EIFNode): H = V + (X − (V − V_rest) + dT·exp((V − theta_rh)/dT))/tau; V_reset = −0.1',
  options: schema,
  create: (options, context) => new EIFNode({ ...resolveNodeOptions(options, context), tau: options.tau, deltaT: options.deltaT, thetaRh: options.thetaRh, vRest: options.vRest }),
};
