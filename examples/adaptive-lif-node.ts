import { BaseNode, SpikeflowError, detach, spike, tf, type BaseNodeOptions, type NeuronTransition, type Tensor } from '@spikeflow/core';

export interface AdaptiveLIFOptions extends BaseNodeOptions {
  /** Membrane time constant τ_m > 1 (default 2). */
  readonly tauMem?: number;
  /** Adaptation time constant τ_a > 1 (default 10). */
  readonly tauAdapt?: number;
  /** Threshold increase per unit of adaptation β ≥ 0 (default 0.5). */
  readonly beta?: number;
}

/** The state each neuron carries from step to step: membrane v and adaptation a. */
type AdaptiveLIFState = { readonly v: Tensor; readonly a: Tensor };

/**
 * LIF with an adaptive threshold, two state variables per neuron (membrane v, adaptation a):
 *   H = v + (X − v) / τ_m,   θ = V_th + β·a,   S = Θ(H − θ),
 *   v ← S·V_reset + (1 − S)·H  (hard)  or  H − S·θ  (soft),   a ← a·(1 − 1/τ_a) + S.
 * Multi-step `forward` starts from rest (v = V_reset, a = 0); `step` keeps both until `resetState`.
 * No `dynamics()`: no chip LIF has an adaptive threshold, so chip exporters refuse this neuron.
 */
export class AdaptiveLIFNode extends BaseNode<AdaptiveLIFState> {
  readonly tauMem: number;
  readonly tauAdapt: number;
  readonly beta: number;

  constructor(options: AdaptiveLIFOptions) {
    super(options);
    this.tauMem = options.tauMem ?? 2;
    this.tauAdapt = options.tauAdapt ?? 10;
    this.beta = options.beta ?? 0.5;
    if (!(this.tauMem > 1) || !(this.tauAdapt > 1))
      throw new SpikeflowError('invalid-options', `AdaptiveLIFNode: tauMem and tauAdapt must be > 1, got ${this.tauMem} and ${this.tauAdapt}`);
    if (!(this.beta >= 0)) throw new SpikeflowError('invalid-options', `AdaptiveLIFNode: beta must be ≥ 0, got ${this.beta}`);
    // BaseNode declares `v` (at rest V_reset); the adaptation is the second state variable.
    this.registerState('a', 0);
  }

  /** Adaptation after the last single step (single-step mode only), else null. */
  get adaptation(): Tensor | null {
    return this.stateOf('a');
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, tf.div(tf.sub(x, v), this.tauMem));
  }

  /** One time step of both state variables; the base runs it over time, step by step and from rest. */
  override transition(x: Tensor, { v, a }: AdaptiveLIFState): NeuronTransition<AdaptiveLIFState> {
    const h = this.neuronalCharge(x, v);
    const theta = tf.add(tf.mul(a, this.beta), this.vThreshold);
    // Θ forward, the surrogate's derivative backward: the only place a gradient crosses the threshold.
    const spikes = spike(tf.sub(h, theta), this.surrogate);
    const s = this.detachReset ? detach(spikes) : spikes;
    const vNext = this.vReset === null ? tf.sub(h, tf.mul(s, theta)) : tf.add(tf.mul(s, this.vReset), tf.mul(tf.sub(1, s), h));
    return { spikes, state: { v: vNext, a: tf.add(tf.mul(a, 1 - 1 / this.tauAdapt), spikes) } };
  }

  override describe(): string {
    return `AdaptiveLIFNode(tau_mem=${this.tauMem}, tau_adapt=${this.tauAdapt}, beta=${this.beta})`;
  }
}
