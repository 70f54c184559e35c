import { tf, type Tensor } from '../engine/tf.js';
import type { SurrogateFunction } from '../contracts/surrogate.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { NeuronModule } from './neuron-module.js';
import { detach, spike } from './spike-fn.js';

/** Options shared by every charge–fire–reset neuron. */
export interface BaseNodeOptions {
  /** Firing threshold V_th (default 1). */
  readonly vThreshold?: number;
  /** Reset potential for a hard reset (default 0); `null` selects a soft reset (subtract V_th). */
  readonly vReset?: number | null;
  /** Surrogate gradient used by the spike function. */
  readonly surrogate: SurrogateFunction;
  /** Detach the spike in the reset term only (default false). */
  readonly detachReset?: boolean;
}

/**
 * The charge–fire–reset template of SpikingJelly's `BaseNode`. Subclasses implement
 * {@link neuronalCharge}; this class fires `S = Θ(H − V_th)` with the surrogate gradient and resets
 * hard (`V = S·V_reset + (1 − S)·H`) or soft (`V = H − S·V_th`).
 *
 * Multi-step `forward([T, B, ...])` starts every call from the rest state, so state can never
 * leak between samples; `step(x)` is the single-step streaming mode and keeps `v` until
 * {@link resetState}.
 */
export abstract class BaseNode extends NeuronModule {
  readonly vThreshold: number;
  readonly vReset: number | null;
  readonly surrogate: SurrogateFunction;
  readonly detachReset: boolean;
  /** Membrane potential after the last single step (single-step mode only). */
  v: Tensor | null = null;
  /**
   * A learnable threshold (parameter `vThreshold`: a scalar per layer, or `[C]` per channel of the
   * last axis), or null when V_th is the fixed {@link vThreshold}. Set by {@link learnThreshold}.
   */
  threshold: tf.Variable | null = null;

  constructor(options: BaseNodeOptions) {
    super();
    this.vThreshold = options.vThreshold ?? 1;
    this.vReset = options.vReset === undefined ? 0 : options.vReset;
    this.surrogate = options.surrogate;
    this.detachReset = options.detachReset ?? false;
    if (!Number.isFinite(this.vThreshold)) throw new SpikeflowError('invalid-options', `vThreshold must be a finite number, got ${this.vThreshold}`);
    if (this.vReset !== null && !Number.isFinite(this.vReset)) throw new SpikeflowError('invalid-options', `vReset must be a finite number or null (soft reset), got ${this.vReset}`);
    if (!this.surrogate || typeof this.surrogate.derivative !== 'function') throw new SpikeflowError('invalid-options', 'a neuron needs a surrogate function');
  }

  /**
   * Make V_th trainable, starting from `initial` (a scalar, or `[C]` for one threshold per channel of
   * the last axis); registered as the parameter `vThreshold`. Firing, the soft reset and the
   * gradients then use it (the surrogate gradient reaches V_th as −g'(H − V_th)).
   */
  protected learnThreshold(initial: Tensor): void {
    if (initial.rank > 1) throw new SpikeflowError('invalid-options', `${this.describe()}: a learnable threshold is a scalar or a per-channel vector, got shape [${initial.shape}]`);
    this.threshold = this.registerParameter('vThreshold', initial);
  }

  /** A per-channel threshold `[C]` needs inputs whose last axis is C. */
  protected checkThresholdShape(x: Tensor): void {
    const th = this.threshold;
    if (!th || th.rank === 0) return;
    const c = th.shape[0];
    if (x.rank < 1 || x.shape[x.rank - 1] !== c) {
      throw new SpikeflowError('shape-mismatch', `${this.describe()}: a per-channel threshold of ${c} channels needs inputs whose last axis is ${c}, got shape [${x.shape}]`, { expected: c, actual: [...x.shape] });
    }
  }

  /** H[t] from X[t] and V[t-1]. */
  protected abstract neuronalCharge(x: Tensor, v: Tensor): Tensor;

  protected neuronalFire(h: Tensor): Tensor {
    return spike(tf.sub(h, this.threshold ?? this.vThreshold), this.surrogate);
  }

  protected neuronalReset(h: Tensor, s: Tensor): Tensor {
    const sr = this.detachReset ? detach(s) : s;
    if (this.vReset === null) return tf.sub(h, tf.mul(sr, this.threshold ?? this.vThreshold));
    // S·V_reset + (1 − S)·H: exact in float32 when S is 0 or 1 (chip comparisons rely on that).
    return tf.add(tf.mul(sr, this.vReset), tf.mul(tf.sub(1, sr), h));
  }

  /** Resting potential every sequence starts from. */
  protected initialV(shape: readonly number[]): Tensor {
    return tf.fill([...shape], this.vReset ?? 0);
  }

  /** One time step: returns the spikes and the new membrane potential. */
  singleStep(x: Tensor, v: Tensor): { spikes: Tensor; v: Tensor } {
    const h = this.neuronalCharge(x, v);
    const spikes = this.neuronalFire(h);
    return { spikes, v: this.neuronalReset(h, spikes) };
  }

  /** Multi-step: `[T, B, ...]` input currents to `[T, B, ...]` spikes. */
  forward(xSeq: Tensor): Tensor {
    if (xSeq.rank < 2) throw new SpikeflowError('shape-mismatch', `${this.describe()} expects a time-first input [T, B, ...], got shape [${xSeq.shape}]`);
    this.checkThresholdShape(xSeq);
    // tfjs cannot differentiate unstack/stack of a single slice, so T = 1 takes a reshape.
    const T = xSeq.shape[0];
    const steps = T === 1 ? [tf.reshape(xSeq, xSeq.shape.slice(1))] : tf.unstack(xSeq, 0);
    let v = this.initialV(steps[0].shape);
    const out: Tensor[] = [];
    for (const x of steps) {
      const r = this.singleStep(x, v);
      out.push(r.spikes);
      v = r.v;
    }
    const spikes = T === 1 ? tf.expandDims(out[0], 0) : tf.stack(out, 0);
    this.recordSpikes(spikes);
    return spikes;
  }

  /** Single-step streaming mode: `[B, ...]` in, spikes out; `v` persists until resetState(). */
  step(x: Tensor): Tensor {
    this.checkThresholdShape(x);
    const v0 = this.v ?? this.initialV(x.shape);
    const r = tf.tidy(() => {
      const { spikes, v } = this.singleStep(x, v0);
      return [spikes, v] as [Tensor, Tensor];
    });
    if (this.v) this.v.dispose();
    else v0.dispose();
    this.v = tf.keep(r[1]);
    this.recordSpikes(r[0]);
    return r[0];
  }

  protected override onResetState(): void {
    this.v?.dispose();
    this.v = null;
  }
}
