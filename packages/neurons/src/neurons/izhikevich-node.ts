import { BaseNode, SpikeflowError, detach, tf, type NeuronTransition, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import {
  baseNodeOptions,
  describeNode,
  formatParams,
  neuronDescriptor,
  type NeuronDescriptorOptions,
  requireNonZero,
  requirePositive,
  requireTau,
  spikingNodeOptionsShape,
  tauOptionShape,
  type NodeConstructorOptions,
} from './node-options.js';
import { quadraticOptionShape } from './qif-node.js';

/** Constructor options of {@link IzhikevichNode}. */
export type IzhikevichNodeOptions = NodeConstructorOptions & {
  /** Membrane time constant τ > 1 (default 2). */
  readonly tau?: number;
  /** Critical voltage V_c of the quadratic term (default 0.8). */
  readonly vC?: number;
  /** Sharpness a₀ > 0 of the quadratic term (default 1). */
  readonly a0?: number;
  /** Resting potential V_rest (default −0.1). */
  readonly vRest?: number;
  /** Initial adaptation current w_rest (default 0). */
  readonly wRest?: number;
  /** Adaptation time constant τ_w (default 2). */
  readonly tauW?: number;
  /** Subthreshold adaptation coupling a (default 0). */
  readonly a?: number;
  /** Spike-triggered adaptation increment b (default 0). */
  readonly b?: number;
};

/** Izhikevich's state: the membrane potential `v` and the adaptation current `w`. */
type IzhikevichState = { readonly v: Tensor; readonly w: Tensor };

/**
 * SpikingJelly's Izhikevich neuron (`IzhikevichNode`, a QIF membrane with an adaptation current
 * `w`), one explicit Euler step in SpikingJelly's order:
 *
 * ```
 * H[t]  = V[t−1] + (X[t] + a₀·(V[t−1] − V_rest)·(V[t−1] − V_c) − w[t−1])/τ
 * S[t]  = Θ(H[t] − V_th)
 * V[t]  = (1 − S)·H + S·V_reset   (hard)   or   H − S·V_th   (soft, vReset: null)
 * w[t]  = w[t−1] + (a·(H[t] − V_rest) − w[t−1])/τ_w + b·S[t]
 * ```
 *
 * Defaults (SpikingJelly's): τ = 2, V_c = 0.8, a₀ = 1, V_th = 1, V_reset = 0, V_rest = −0.1,
 * w_rest = 0, τ_w = 2, a = 0, b = 0. Each multi-step `forward` starts from `V = V_reset` (0 with a
 * soft reset) and `w = w_rest`; `step()` keeps `v` and `w` until `resetState()`. With
 * `detachReset` the spike is detached in `(1 − S)·H` only, as SpikingJelly (`S·V_reset` and
 * `b·S` keep their gradient).
 *
 * @example
 * ```ts
 * const izh = new IzhikevichNode({ a: 0.5, b: 0.2, tauW: 4 });
 * const spikes = izh.forward(tf.ones([8, 2, 10]));
 * ```
 */
export class IzhikevichNode extends BaseNode<IzhikevichState> {
  readonly tau: number;
  readonly vC: number;
  readonly a0: number;
  readonly vRest: number;
  readonly wRest: number;
  readonly tauW: number;
  readonly a: number;
  readonly b: number;

  constructor(options: IzhikevichNodeOptions = {}) {
    super(baseNodeOptions(options));
    this.tau = requireTau('IzhikevichNode', 'tau', options.tau ?? 2);
    this.vC = options.vC ?? 0.8;
    this.a0 = requirePositive('IzhikevichNode', 'a0', options.a0 ?? 1);
    this.vRest = options.vRest ?? -0.1;
    this.wRest = options.wRest ?? 0;
    // τ_w = 0 would divide by zero; SpikingJelly only asserts it is a float.
    this.tauW = requireNonZero('IzhikevichNode', 'tauW', options.tauW ?? 2);
    this.a = options.a ?? 0;
    this.b = options.b ?? 0;
    for (const [name, value] of [
      ['vC', this.vC],
      ['vRest', this.vRest],
      ['wRest', this.wRest],
      ['a', this.a],
      ['b', this.b],
    ] as const) {
      if (!Number.isFinite(value)) throw new SpikeflowError('invalid-options', `IzhikevichNode: ${name} must be a finite number, got ${value}`, { option: name });
    }
    this.registerState('w', this.wRest);
  }

  /** Adaptation current after the last single step (single-step mode only), else null. */
  get w(): Tensor | null {
    return this.stateOf('w');
  }

  /** The membrane charge given the adaptation current `w` (BaseNode's two-argument form uses w = 0). */
  protected neuronalCharge(x: Tensor, v: Tensor, w?: Tensor): Tensor {
    const quadratic = tf.mul(tf.mul(tf.sub(v, this.vRest), tf.sub(v, this.vC)), this.a0);
    const drive = tf.add(x, quadratic);
    return tf.add(v, tf.div(w ? tf.sub(drive, w) : drive, this.tau));
  }

  /** One time step from input `x`, voltage `v` and adaptation `w`: spikes, new voltage and new adaptation. */
  override transition(x: Tensor, { v, w }: IzhikevichState): NeuronTransition<IzhikevichState> {
    const h = this.neuronalCharge(x, v, w);
    const wNext = tf.add(w, tf.div(tf.sub(tf.mul(tf.sub(h, this.vRest), this.a), w), this.tauW));
    const spikes = this.neuronalFire(h);
    const sd = this.detachReset ? detach(spikes) : spikes;
    const vNext = this.vReset === null ? tf.sub(h, tf.mul(sd, this.vThreshold)) : tf.add(tf.mul(tf.sub(1, sd), h), tf.mul(spikes, this.vReset));
    return { spikes, state: { v: vNext, w: this.b === 0 ? wNext : tf.add(wNext, tf.mul(spikes, this.b)) } };
  }

  /** {@link transition} with the states as arguments. */
  izhikevichStep(x: Tensor, v: Tensor, w: Tensor): { spikes: Tensor; v: Tensor; w: Tensor } {
    const { spikes, state } = this.transition(x, { v, w });
    return { spikes, ...state };
  }

  override describe(): string {
    return describeNode(
      'IzhikevichNode',
      this,
      formatParams({
        tau: this.tau,
        v_c: this.vC,
        a0: this.a0,
        v_rest: this.vRest,
        w_rest: this.wRest,
        tau_w: this.tauW,
        a: this.a,
        b: this.b,
      }),
    );
  }
}

/** Registry entry `neurons/izhikevich`. */
export const izhikevichDescriptor = neuronDescriptor('izhikevich', IzhikevichNode, {
  description: 'Izhikevich (SpikingJelly IzhikevichNode): QIF membrane minus adaptation w; w += (a·(H − V_rest) − w)/tau_w + b·S',
  options: {
    ...spikingNodeOptionsShape,
    ...tauOptionShape,
    ...quadraticOptionShape,
    vRest: z.number().default(-0.1),
    wRest: z.number().default(0),
    tauW: z
      .number()
      .refine((t) => t !== 0, 'tauW must be non-zero')
      .default(2),
    a: z.number().default(0),
    b: z.number().default(0),
  },
});

/** Validated options of the `izhikevich` descriptor. */
export type IzhikevichDescriptorOptions = NeuronDescriptorOptions<typeof izhikevichDescriptor>;
