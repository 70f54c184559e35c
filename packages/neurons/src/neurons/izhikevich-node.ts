import { BaseNode, SpikeflowError, detach, tf, type NeuronDescriptor, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { baseNodeOptions, describeNode, formatNumber, requireTau, resolveNodeOptions, spikingNodeOptionsShape, type NodeConstructorOptions } from './node-options.js';

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
export class IzhikevichNode extends BaseNode {
  readonly tau: number;
  readonly vC: number;
  readonly a0: number;
  readonly vRest: number;
  readonly wRest: number;
  readonly tauW: number;
  readonly a: number;
  readonly b: number;
  /** Adaptation current after the last single step (single-step mode only). */
  w: Tensor | null = null;

  constructor(options: IzhikevichNodeOptions = {}) {
    super(baseNodeOptions(options));
    this.tau = requireTau('IzhikevichNode', 'tau', options.tau ?? 2);
    this.vC = options.vC ?? 0.8;
    this.a0 = options.a0 ?? 1;
    this.vRest = options.vRest ?? -0.1;
    this.wRest = options.wRest ?? 0;
    this.tauW = options.tauW ?? 2;
    this.a = options.a ?? 0;
    this.b = options.b ?? 0;
    if (!(this.a0 > 0) || !Number.isFinite(this.a0)) throw new SpikeflowError('invalid-options', `IzhikevichNode: a0 must be a finite number > 0, got ${this.a0}`, { option: 'a0' });
    // τ_w = 0 would divide by zero; SpikingJelly only asserts it is a float.
    if (!Number.isFinite(this.tauW) || this.tauW === 0) throw new SpikeflowError('invalid-options', `IzhikevichNode: tauW must be a finite non-zero number, got ${this.tauW}`, { option: 'tauW' });
    for (const [name, value] of [['vC', this.vC], ['vRest', this.vRest], ['wRest', this.wRest], ['a', this.a], ['b', this.b]] as const) {
      if (!Number.isFinite(value)) throw new SpikeflowError('invalid-options', `IzhikevichNode: ${name} must be a finite number, got ${value}`, { option: name });
    }
  }

  /** The membrane charge given the adaptation current `w` (BaseNode's two-argument form uses w = 0). */
  protected neuronalCharge(x: Tensor, v: Tensor, w?: Tensor): Tensor {
    const quadratic = tf.mul(tf.mul(tf.sub(v, this.vRest), tf.sub(v, this.vC)), this.a0);
    const drive = tf.add(x, quadratic);
    return tf.add(v, tf.div(w ? tf.sub(drive, w) : drive, this.tau));
  }

  /** One time step from input `x`, voltage `v` and adaptation `w`: spikes, new voltage and new adaptation. */
  izhikevichStep(x: Tensor, v: Tensor, w: Tensor): { spikes: Tensor; v: Tensor; w: Tensor } {
    const h = this.neuronalCharge(x, v, w);
    const wNext = tf.add(w, tf.div(tf.sub(tf.mul(tf.sub(h, this.vRest), this.a), w), this.tauW));
    const spikes = this.neuronalFire(h);
    const sd = this.detachReset ? detach(spikes) : spikes;
    const vNext = this.vReset === null ? tf.sub(h, tf.mul(sd, this.vThreshold)) : tf.add(tf.mul(tf.sub(1, sd), h), tf.mul(spikes, this.vReset));
    return { spikes, v: vNext, w: this.b === 0 ? wNext : tf.add(wNext, tf.mul(spikes, this.b)) };
  }

  /** BaseNode's one-state step cannot carry `w`; use {@link izhikevichStep} or {@link step}. */
  override singleStep(_x: Tensor, _v: Tensor): { spikes: Tensor; v: Tensor } {
    throw new SpikeflowError('not-supported', 'IzhikevichNode has two state variables (voltage and adaptation w): use izhikevichStep(x, v, w), step(x) or forward(xSeq) instead of singleStep(x, v)');
  }

  /** Multi-step: `[T, B, ...]` input currents to `[T, B, ...]` spikes, from V = V_reset, w = w_rest. */
  override forward(xSeq: Tensor): Tensor {
    if (xSeq.rank < 2) throw new SpikeflowError('shape-mismatch', `${this.describe()} expects a time-first input [T, B, ...], got shape [${xSeq.shape}]`);
    const T = xSeq.shape[0];
    const steps = T === 1 ? [tf.reshape(xSeq, xSeq.shape.slice(1))] : tf.unstack(xSeq, 0);
    let v = this.initialV(steps[0].shape);
    let w: Tensor = tf.fill([...steps[0].shape], this.wRest);
    const out: Tensor[] = [];
    for (const x of steps) {
      const r = this.izhikevichStep(x, v, w);
      out.push(r.spikes);
      v = r.v;
      w = r.w;
    }
    const spikes = T === 1 ? tf.expandDims(out[0], 0) : tf.stack(out, 0);
    this.recordSpikes(spikes);
    return spikes;
  }

  /** Single-step streaming mode: `v` and `w` persist until resetState(). */
  override step(x: Tensor): Tensor {
    const v0 = this.v ?? this.initialV(x.shape);
    const w0 = this.w ?? tf.fill([...x.shape], this.wRest);
    const r = tf.tidy(() => {
      const { spikes, v, w } = this.izhikevichStep(x, v0, w0);
      return [spikes, v, w] as [Tensor, Tensor, Tensor];
    });
    if (this.v) this.v.dispose();
    else v0.dispose();
    if (this.w) this.w.dispose();
    else w0.dispose();
    this.v = tf.keep(r[1]);
    this.w = tf.keep(r[2]);
    this.recordSpikes(r[0]);
    return r[0];
  }

  protected override onResetState(): void {
    super.onResetState();
    this.w?.dispose();
    this.w = null;
  }

  override describe(): string {
    return describeNode('IzhikevichNode', this, [
      `tau=${formatNumber(this.tau)}`, `v_c=${formatNumber(this.vC)}`, `a0=${formatNumber(this.a0)}`, `v_rest=${formatNumber(this.vRest)}`,
      `w_rest=${formatNumber(this.wRest)}`, `tau_w=${formatNumber(this.tauW)}`, `a=${formatNumber(this.a)}`, `b=${formatNumber(this.b)}`,
    ]);
  }
}

const schema = z.object({
  ...spikingNodeOptionsShape,
  tau: z.number().gt(1, 'tau must be greater than 1 (SpikingJelly requires tau > 1)').default(2),
  vC: z.number().default(0.8),
  a0: z.number().gt(0, 'a0 must be greater than 0').default(1),
  vRest: z.number().default(-0.1),
  wRest: z.number().default(0),
  tauW: z.number().refine((t) => t !== 0, 'tauW must be non-zero').default(2),
  a: z.number().default(0),
  b: z.number().default(0),
}).strict();

/** Validated options of the `izhikevich` descriptor. */
export type IzhikevichDescriptorOptions = z.infer<typeof schema>;

/** Registry entry `neurons/izhikevich`. */
export const izhikevichDescriptor: NeuronDescriptor<IzhikevichDescriptorOptions> = {
  id: 'izhikevich',
  description: 'Izhikevich (SpikingJelly IzhikevichNode): QIF membrane minus adaptation w; w += (a·(H − V_rest) − w)/tau_w + b·S',
  options: schema,
  create: (options, context) => new IzhikevichNode({
    ...resolveNodeOptions(options, context), tau: options.tau, vC: options.vC, a0: options.a0, vRest: options.vRest,
    wRest: options.wRest, tauW: options.tauW, a: options.a, b: options.b,
  }),
};
