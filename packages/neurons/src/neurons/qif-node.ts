import { BaseNode, SpikeflowError, tf, type NeuronDescriptor, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { baseNodeOptions, describeNode, formatNumber, requireTau, resolveNodeOptions, spikingNodeOptionsShape, type NodeConstructorOptions } from './node-options.js';

/** Constructor options of {@link QIFNode}. */
export type QIFNodeOptions = NodeConstructorOptions & {
  /** Membrane time constant τ > 1 (default 2). */
  readonly tau?: number;
  /** Critical voltage V_c above which the quadratic term drives the membrane up (default 0.8). */
  readonly vC?: number;
  /** Sharpness a₀ > 0 of the quadratic term (default 1). */
  readonly a0?: number;
  /** Resting potential V_rest (default 0). */
  readonly vRest?: number;
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
export class QIFNode extends BaseNode {
  readonly tau: number;
  readonly vC: number;
  readonly a0: number;
  readonly vRest: number;

  constructor(options: QIFNodeOptions = {}) {
    super(baseNodeOptions({ ...options, vReset: options.vReset === undefined ? -0.1 : options.vReset }));
    this.tau = requireTau('QIFNode', 'tau', options.tau ?? 2);
    this.vC = options.vC ?? 0.8;
    this.a0 = options.a0 ?? 1;
    this.vRest = options.vRest ?? 0;
    if (!(this.a0 > 0) || !Number.isFinite(this.a0)) throw new SpikeflowError('invalid-options', `QIFNode: a0 must be a finite number > 0, got ${this.a0}`, { option: 'a0' });
    requireRestAndReset('QIFNode', this);
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    const quadratic = tf.mul(tf.mul(tf.sub(v, this.vRest), tf.sub(v, this.vC)), this.a0);
    return tf.add(v, tf.div(tf.add(x, quadratic), this.tau));
  }

  override describe(): string {
    return describeNode('QIFNode', this, [`tau=${formatNumber(this.tau)}`, `v_c=${formatNumber(this.vC)}`, `a0=${formatNumber(this.a0)}`, `v_rest=${formatNumber(this.vRest)}`]);
  }
}

/** SpikingJelly's checks for the nonlinear IF neurons: with a hard reset, V_th > V_reset and V_rest ≥ V_reset. */
export function requireRestAndReset(owner: string, node: { vThreshold: number; vReset: number | null; vRest: number }): void {
  if (!Number.isFinite(node.vRest)) throw new SpikeflowError('invalid-options', `${owner}: vRest must be a finite number, got ${node.vRest}`, { option: 'vRest' });
  if (node.vReset === null) return;
  if (!(node.vThreshold > node.vReset)) throw new SpikeflowError('invalid-options', `${owner}: vThreshold (${node.vThreshold}) must be greater than vReset (${node.vReset})`, { option: 'vThreshold' });
  if (!(node.vRest >= node.vReset)) throw new SpikeflowError('invalid-options', `${owner}: vRest (${node.vRest}) must be ≥ vReset (${node.vReset})`, { option: 'vRest' });
}

const schema = z.object({
  ...spikingNodeOptionsShape,
  vReset: z.number().nullable().default(-0.1),
  tau: z.number().gt(1, 'tau must be greater than 1 (SpikingJelly requires tau > 1)').default(2),
  vC: z.number().default(0.8),
  a0: z.number().gt(0, 'a0 must be greater than 0').default(1),
  vRest: z.number().default(0),
}).strict();

/** Validated options of the `qif` descriptor. */
export type QIFDescriptorOptions = z.infer<typeof schema>;

/** Registry entry `neurons/qif`. */
export const qifDescriptor: NeuronDescriptor<QIFDescriptorOptions> = {
  id: 'qif',
  description: 'Quadratic IF (SpikingJelly QIFNode): H = V + (X + a0·(V − V_rest)·(V − V_c))/tau; V_reset = −0.1',
  options: schema,
  create: (options, context) => new QIFNode({ ...resolveNodeOptions(options, context), tau: options.tau, vC: options.vC, a0: options.a0, vRest: options.vRest }),
};
