import { tf, type Tensor } from '../engine/tf.js';
import type { NeuronDynamicsCommon } from '../contracts/neuron.js';
import type { SurrogateFunction } from '../contracts/surrogate.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { detach, spike } from './spike-fn.js';
import { StatefulNeuron, type NeuronTransition } from './stateful-neuron.js';

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
 * The charge–fire–reset template of SpikingJelly's `BaseNode`: a {@link StatefulNeuron} with the
 * membrane potential `v` as its state (at rest V_reset, or 0 with a soft reset). Subclasses implement
 * {@link neuronalCharge}; this class fires `S = Θ(H − V_th)` with the surrogate gradient and resets
 * hard (`V = S·V_reset + (1 − S)·H`) or soft (`V = H − S·V_th`). A neuron with more state declares
 * it with `registerState` and overrides {@link transition}.
 *
 * Multi-step `forward([T, B, ...])` starts every call from the rest state, so state can never
 * leak between samples; `step(x)` is the single-step streaming mode and keeps `v` until
 * `resetState()`.
 */
export abstract class BaseNode<S extends { readonly v: Tensor } = { readonly v: Tensor }> extends StatefulNeuron<S> {
  readonly vThreshold: number;
  readonly vReset: number | null;
  readonly surrogate: SurrogateFunction;
  readonly detachReset: boolean;
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
    if (this.vReset !== null && !Number.isFinite(this.vReset))
      throw new SpikeflowError('invalid-options', `vReset must be a finite number or null (soft reset), got ${this.vReset}`);
    if (!this.surrogate || typeof this.surrogate.derivative !== 'function') throw new SpikeflowError('invalid-options', 'a neuron needs a surrogate function');
    this.registerState('v', this.vReset ?? 0);
  }

  /** Membrane potential after the last single step (single-step mode only), else null. */
  get v(): Tensor | null {
    return this.stateOf('v');
  }

  /**
   * Make V_th trainable, starting from `initial` (a scalar, or `[C]` for one threshold per channel of
   * the last axis); registered as the parameter `vThreshold`. Firing, the soft reset and the
   * gradients then use it (the surrogate gradient reaches V_th as −g'(H − V_th)).
   */
  protected learnThreshold(initial: Tensor): void {
    if (initial.rank > 1)
      throw new SpikeflowError('invalid-options', `${this.describe()}: a learnable threshold is a scalar or a per-channel vector, got shape [${initial.shape}]`);
    this.threshold = this.registerParameter('vThreshold', initial);
  }

  /** A per-channel threshold `[C]` needs inputs whose last axis is C. */
  protected checkThresholdShape(x: Tensor): void {
    const th = this.threshold;
    if (!th || th.rank === 0) return;
    const c = th.shape[0];
    if (x.rank < 1 || x.shape[x.rank - 1] !== c) {
      throw new SpikeflowError('shape-mismatch', `${this.describe()}: a per-channel threshold of ${c} channels needs inputs whose last axis is ${c}, got shape [${x.shape}]`, {
        expected: c,
        actual: [...x.shape],
      });
    }
  }

  protected override checkSequence(xSeq: Tensor): void {
    this.checkThresholdShape(xSeq);
  }

  protected override checkStep(x: Tensor): void {
    this.checkThresholdShape(x);
  }

  /**
   * The threshold, reset and learnable threshold of a described neuron (its trained values), for
   * subclasses that implement `dynamics()`.
   */
  protected thresholdDynamics(): NeuronDynamicsCommon {
    const th = this.threshold;
    const data = th ? Array.from(th.dataSync()) : [];
    return {
      vThreshold: !th ? this.vThreshold : th.rank === 0 ? data[0] : data,
      reset: this.vReset === null ? { kind: 'soft' } : { kind: 'hard', vReset: this.vReset },
      learnable: th ? [{ parameter: 'vThreshold', role: 'threshold', shape: [...th.shape] }] : [],
    };
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

  /** Charge, fire, reset. A neuron with more state variables than `v` overrides this. */
  transition(x: Tensor, state: S, _t?: number): NeuronTransition<S> {
    const h = this.neuronalCharge(x, state.v);
    const spikes = this.neuronalFire(h);
    return { spikes, state: { v: this.neuronalReset(h, spikes) } as S };
  }

  /**
   * One time step of the membrane alone: the spikes and the new membrane potential. Refused
   * (`not-supported`) for a neuron with more state than `v`, which it would silently drop.
   */
  singleStep(x: Tensor, v: Tensor): { spikes: Tensor; v: Tensor } {
    const others = this.stateNames.filter((n) => n !== 'v');
    if (others.length > 0) {
      throw new SpikeflowError(
        'not-supported',
        `${this.constructor.name} has the state variables ${this.stateNames.join(', ')}: use transition(x, state), step(x) or forward(xSeq) instead of singleStep(x, v)`,
      );
    }
    const r = this.transition(x, { v } as unknown as S);
    return { spikes: r.spikes, v: r.state.v };
  }
}
