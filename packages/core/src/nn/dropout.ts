import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { globalRng } from '../util/seed.js';
import { shapeError } from './init.js';
import { Module } from './module.js';

/**
 * Dropout for multi-step inputs, as SpikingJelly's `layer.Dropout`: one Bernoulli mask per sample
 * (shape `[B, ...]`) is drawn per forward call and shared by all T time steps, so a dropped unit
 * stays silent for the whole sequence instead of flickering (which would inject noise the
 * neurons integrate). Kept units are scaled by `1 / (1 - p)`; eval mode is the identity.
 *
 * The mask's seed is drawn from the global generator, so a seeded run drops the same units.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.5);
 * const y = drop.forward(x); // x [T, B, F]: y[t] = x[t] * mask for every t
 * ```
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new SpikeflowError('invalid-options', `Dropout: p must be in [0, 1], got ${String(p)}`);
  }

  /** In eval mode or with p = 0 this returns `x` itself (no copy), as PyTorch does. */
  override forward(x: Tensor): Tensor {
    if (x.rank < 2) throw shapeError(this.describe(), '[T, B, ...]', x);
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return tf.zerosLike(x);
    const seed = globalRng().nextUint32();
    const mask = tf.tidy(() => {
      const u = tf.randomUniform(x.shape.slice(1), 0, 1, 'float32', seed);
      return tf.div(tf.cast(tf.greaterEqual(u, this.p), 'float32'), 1 - this.p);
    });
    const y = tf.mul(x, mask); // [B, ...] broadcasts over T
    mask.dispose();
    return y;
  }

  override describe(): string {
    return `Dropout(p=${this.p})`;
  }
}
