import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Module } from '../nn/module.js';

/** Options of {@link NonSpikingLIF}. */
export interface NonSpikingLIFOptions {
  /** Membrane time constant τ > 1 (default 2). */
  readonly tau?: number;
  /** Divide the input by τ as well (default true, as LIF's `decay_input`). */
  readonly decayInput?: boolean;
}

/**
 * A leaky integrator that never fires: its output is the membrane potential `V [T, B, ...]` —
 * SpikingJelly's `NonSpikingLIFNode`, and the output layer snnTorch decodes by default. Put it after
 * the last Linear and train with the `ce-membrane` or `mse-membrane` loss.
 * `V[t] = V[t−1] + (X[t] − V[t−1]) / τ` (decay_input) or `V[t] = V[t−1]·(1 − 1/τ) + X[t]`, from V = 0.
 *
 * @example
 * ```ts
 * const net = new Sequential(new Flatten(), new Linear(784, 256), lif(), new Linear(256, 10), new NonSpikingLIF({ tau: 2 }));
 * const v = net.forward(x); // [T, B, 10] membrane potentials
 * ```
 */
export class NonSpikingLIF extends Module {
  readonly tau: number;
  readonly decayInput: boolean;
  /** Membrane potential after the last single step (single-step mode only). */
  v: Tensor | null = null;

  constructor(options: NonSpikingLIFOptions = {}) {
    super();
    this.tau = options.tau ?? 2;
    this.decayInput = options.decayInput ?? true;
    if (!(Number.isFinite(this.tau) && this.tau > 1)) throw new SpikeflowError('invalid-options', `NonSpikingLIF: tau must be a finite number greater than 1, got ${this.tau}`);
  }

  private charge(x: Tensor, v: Tensor): Tensor {
    return this.decayInput ? tf.add(v, tf.div(tf.sub(x, v), this.tau)) : tf.add(tf.mul(v, 1 - 1 / this.tau), x);
  }

  /** Multi-step: `[T, B, ...]` input currents to `[T, B, ...]` membrane potentials, from rest. */
  forward(xSeq: Tensor): Tensor {
    if (xSeq.rank < 2) throw new SpikeflowError('shape-mismatch', `${this.describe()} expects a time-first input [T, B, ...], got shape [${xSeq.shape}]`);
    const T = xSeq.shape[0];
    const steps = T === 1 ? [tf.reshape(xSeq, xSeq.shape.slice(1))] : tf.unstack(xSeq, 0);
    let v: Tensor = tf.zerosLike(steps[0]);
    const out: Tensor[] = [];
    for (const x of steps) {
      v = this.charge(x, v);
      out.push(v);
    }
    return T === 1 ? tf.expandDims(out[0], 0) : tf.stack(out, 0);
  }

  /** Single step: `[B, ...]` in, the new membrane potential out; `v` persists until resetState(). */
  step(x: Tensor): Tensor {
    const v0 = this.v ?? tf.zerosLike(x);
    const v = tf.keep(tf.tidy(() => this.charge(x, v0)));
    v0.dispose();
    this.v = v;
    // A copy, so that the caller disposing the output leaves the state intact.
    return v.clone();
  }

  protected override onResetState(): void {
    this.v?.dispose();
    this.v = null;
  }

  override describe(): string {
    return `NonSpikingLIF(tau=${this.tau}${this.decayInput ? '' : ', decay_input=false'})`;
  }
}
