import { tf, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { describeNode, formatParams, neuronDescriptor, type NeuronDescriptorOptions, requirePositive } from './node-options.js';
import { NonlinearIFNode, nonlinearIFOptionShape, type NonlinearIFNodeOptions } from './nonlinear-if-node.js';

/** Constructor options of {@link QIFNode}. */
export type QIFNodeOptions = NonlinearIFNodeOptions & {
  /** Critical voltage V_c above which the quadratic term drives the membrane up (default 0.8). */
  readonly vC?: number;
  /** Sharpness a₀ > 0 of the quadratic term (default 1). */
  readonly a0?: number;
};

/**
 * SpikingJelly's quadratic integrate-and-fire neuron (`QIFNode`), one explicit Euler step:
 *
 * ```
 * H[t] = V[t−1] + (X[t] + a₀·(V[t−1] − V_rest)·(V[t−1] − V_c))/τ
 * S[t] = Θ(H[t] − V_th),   V[t] = S·V_reset + (1 − S)·H  (hard)  or  H − S·V_th  (soft)
 * ```
 *
 * SpikingJelly's defaults: τ = 2, V_c = 0.8, a₀ = 1, V_th = 1, V_rest = 0, **V_reset = −0.1**; the
 * membrane starts at V_reset (0 with a soft reset). As there, τ > 1, a₀ > 0 and, with a hard reset,
 * V_th > V_reset and V_rest ≥ V_reset are required.
 *
 * @example
 * ```ts
 * const qif = new QIFNode({ tau: 2, vC: 0.8, a0: 1, vReset: -0.1 });
 * const spikes = qif.forward(tf.ones([8, 2, 10]));
 * ```
 */
export class QIFNode extends NonlinearIFNode {
  readonly vC: number;
  readonly a0: number;

  constructor(options: QIFNodeOptions = {}) {
    super('QIFNode', options);
    this.vC = options.vC ?? 0.8;
    this.a0 = requirePositive('QIFNode', 'a0', options.a0 ?? 1);
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    const quadratic = tf.mul(tf.mul(tf.sub(v, this.vRest), tf.sub(v, this.vC)), this.a0);
    return tf.add(v, tf.div(tf.add(x, quadratic), this.tau));
  }

  override describe(): string {
    return describeNode('QIFNode', this, formatParams({ tau: this.tau, v_c: this.vC, a0: this.a0, v_rest: this.vRest }));
  }
}

/** The options of QIF's quadratic term `a₀·(V − V_rest)·(V − V_c)`, which Izhikevich's membrane shares: V_c = 0.8, a₀ > 0 = 1. */
export const quadraticOptionShape = {
  vC: z.number().default(0.8),
  a0: z.number().gt(0, 'a0 must be greater than 0').default(1),
};

/** Registry entry `neurons/qif`. */
export const qifDescriptor = neuronDescriptor('qif', QIFNode, {
  description: 'Quadratic IF (SpikingJelly QIFNode): H = V + (X + a0·(V − V_rest)·(V − V_c))/tau; V_reset = −0.1',
  options: {
    ...nonlinearIFOptionShape,
    ...quadraticOptionShape,
  },
});

/** Validated options of the `qif` descriptor. */
export type QIFDescriptorOptions = NeuronDescriptorOptions<typeof qifDescriptor>;
