import { BaseNode, SpikeflowError, detach, spike, tf, type BaseNodeOptions, type Tensor } from '@spikeflow/core';

export interface AdaptiveLIFOptions extends BaseNodeOptions {
  /** Membrane time constant τ_m > 1 (default 2). */
  readonly tauMem?: number;
  /** Adaptation time constant τ_a > 1 (default 10). */
  readonly tauAdapt?: number;
  /** Threshold increase per unit of adaptation β ≥ 0 (default 0.5). */
  readonly beta?: number;
}

/**
 * LIF with an adaptive threshold, two state variables per neuron (membrane v, adaptation a):
 *   H = v + (X − v) / τ_m,   θ = V_th + β·a,   S = Θ(H − θ),
 *   v ← S·V_reset + (1 − S)·H  (hard)  or  H − S·θ  (soft),   a ← a·(1 − 1/τ_a) + S.
 * Multi-step `forward` starts from rest (v = V_reset, a = 0); `step` keeps both until `resetState`.
 */
export class AdaptiveLIFNode extends BaseNode {
  // Not `tau`: chip exporters read a numeric `tau` as plain LIF dynamics (see docs/plugins.md).
  readonly tauMem: number;
  readonly tauAdapt: number;
  readonly beta: number;
  /** Adaptation after the last single step (single-step mode only); `v` is BaseNode's. */
  adaptation: Tensor | null = null;

  constructor(options: AdaptiveLIFOptions) {
    super(options);
    this.tauMem = options.tauMem ?? 2;
    this.tauAdapt = options.tauAdapt ?? 10;
    this.beta = options.beta ?? 0.5;
    if (!(this.tauMem > 1) || !(this.tauAdapt > 1)) throw new SpikeflowError('invalid-options', `AdaptiveLIFNode: tauMem and tauAdapt must be > 1, got ${this.tauMem} and ${this.tauAdapt}`);
    if (!(this.beta >= 0)) throw new SpikeflowError('invalid-options', `AdaptiveLIFNode: beta must be ≥ 0, got ${this.beta}`);
  }

  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, tf.div(tf.sub(x, v), this.tauMem));
  }

  /** One time step of both state variables. */
  transition(x: Tensor, v: Tensor, a: Tensor): { spikes: Tensor; v: Tensor; a: Tensor } {
    const h = this.neuronalCharge(x, v);
    const theta = tf.add(tf.mul(a, this.beta), this.vThreshold);
    // Θ forward, the surrogate's derivative backward: the only place a gradient crosses the threshold.
    const spikes = spike(tf.sub(h, theta), this.surrogate);
    const s = this.detachReset ? detach(spikes) : spikes;
    const vNext = this.vReset === null ? tf.sub(h, tf.mul(s, theta)) : tf.add(tf.mul(s, this.vReset), tf.mul(tf.sub(1, s), h));
    return { spikes, v: vNext, a: tf.add(tf.mul(a, 1 - 1 / this.tauAdapt), spikes) };
  }

  /** BaseNode's one-state step cannot carry `a`. */
  override singleStep(): { spikes: Tensor; v: Tensor } {
    throw new SpikeflowError('not-supported', 'AdaptiveLIFNode has two state variables: use transition(x, v, a), step(x) or forward(xSeq)');
  }

  override forward(xSeq: Tensor): Tensor {
    if (xSeq.rank < 2) throw new SpikeflowError('shape-mismatch', `${this.describe()} expects a time-first input [T, B, ...], got shape [${xSeq.shape}]`);
    const T = xSeq.shape[0];
    const steps = T === 1 ? [tf.reshape(xSeq, xSeq.shape.slice(1))] : tf.unstack(xSeq, 0);
    let v = this.initialV(steps[0].shape);
    let a: Tensor = tf.zeros(steps[0].shape);
    const out: Tensor[] = [];
    for (const x of steps) {
      const r = this.transition(x, v, a);
      out.push(r.spikes);
      ({ v, a } = r);
    }
    const spikes = T === 1 ? tf.expandDims(out[0], 0) : tf.stack(out, 0);
    this.recordSpikes(spikes);
    return spikes;
  }

  override step(x: Tensor): Tensor {
    const v0 = this.v ?? this.initialV(x.shape);
    const a0 = this.adaptation ?? tf.zeros(x.shape);
    const r = tf.tidy(() => {
      const { spikes, v, a } = this.transition(x, v0, a0);
      return [spikes, v, a] as [Tensor, Tensor, Tensor];
    });
    tf.dispose([v0, a0]);
    this.v = tf.keep(r[1]);
    this.adaptation = tf.keep(r[2]);
    this.recordSpikes(r[0]);
    return r[0];
  }

  protected override onResetState(): void {
    super.onResetState();
    this.adaptation?.dispose();
    this.adaptation = null;
  }

  override describe(): string {
    return `AdaptiveLIFNode(tau_mem=${this.tauMem}, tau_adapt=${this.tauAdapt}, beta=${this.beta})`;
  }
}
