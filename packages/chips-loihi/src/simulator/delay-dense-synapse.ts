import { SpikeflowError } from '@spikeflow/core';
import { DenseSynapse, type DenseSynapseOptions } from './dense-synapse.js';
import { shiftByExponent, toInt32 } from './fixed-point.js';

/** Largest synaptic delay netx builds a DelayDense for (its buffer holds delays 0..62). */
export const MAX_SYNAPTIC_DELAY = 62;

/**
 * Lava's bit-accurate dense synapse with per-synapse integer delays (`PyDelayDenseModelBitAcc`,
 * lava/proc/dense/models.py), the process netx builds for a dense layer with a `delay` dataset.
 * Weights are stored as {@link DenseSynapse} stores them; each step the input is split by delay,
 * every delay bucket is summed and shifted by the weight exponent on its own (so a right shift
 * floors per bucket, not per total), and bucket `d` is added `d` steps further down a buffer.
 *
 * With Lava's ordering — {@link emit} what is due, then {@link receive} this step's input — a
 * spike through a synapse of delay `d` reaches the neuron `d + 1` steps later (delay 0 = Dense).
 *
 * @example
 * ```ts
 * const syn = new DelayDenseSynapse(Int32Array.from([10, 20]), Int32Array.from([0, 2]), 1, 2);
 * syn.emit(); syn.receive([1, 1]); // step 0
 * syn.emit(); // → [10]: the delay-0 synapse, one step later
 * syn.emit(); syn.emit(); // → [0], then [20]
 * ```
 */
export class DelayDenseSynapse {
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly maxDelay: number;
  /** The stored weights and options (sign mode, exponent) of the underlying dense synapse. */
  readonly dense: DenseSynapse;
  /** Per-synapse delays `[out, in]` row-major. */
  readonly delays: Int32Array;
  /** Ring of `maxDelay + 1` slots; slot `head` is emitted next. */
  private readonly ring: Int32Array[];
  private head = 0;
  private readonly acc: Float64Array;

  constructor(weights: ArrayLike<number>, delays: ArrayLike<number>, outFeatures: number, inFeatures: number, options: DenseSynapseOptions = {}) {
    this.dense = new DenseSynapse(weights, outFeatures, inFeatures, options);
    if (delays.length !== weights.length) {
      throw new SpikeflowError('shape-mismatch', `synaptic delays have ${delays.length} entries, expected one per weight (${outFeatures}×${inFeatures} = ${weights.length})`);
    }
    let max = 0;
    for (let i = 0; i < delays.length; i++) {
      const d = delays[i];
      if (!Number.isInteger(d) || d < 0 || d > MAX_SYNAPTIC_DELAY) {
        throw new SpikeflowError(
          'unrepresentable',
          `synaptic delay [${Math.floor(i / inFeatures)}, ${i % inFeatures}] = ${d} must be an integer in [0, ${MAX_SYNAPTIC_DELAY}] steps`,
        );
      }
      if (d > max) max = d;
    }
    this.outFeatures = outFeatures;
    this.inFeatures = inFeatures;
    this.maxDelay = max;
    this.delays = Int32Array.from(delays);
    this.ring = Array.from({ length: max + 1 }, () => new Int32Array(outFeatures));
    this.acc = new Float64Array((max + 1) * outFeatures);
  }

  /** Clear everything in flight (the state at the start of a sample). */
  reset(): void {
    for (const slot of this.ring) slot.fill(0);
    this.head = 0;
  }

  /** What arrives at the neurons this step; advances the buffer by one step. */
  emit(out: Int32Array = new Int32Array(this.outFeatures)): Int32Array {
    const slot = this.ring[this.head];
    out.set(slot);
    slot.fill(0);
    this.head = (this.head + 1) % this.ring.length;
    return out;
  }

  /** Accumulate this step's presynaptic spikes (0/1) or graded payloads into the delay buffer. */
  receive(s: ArrayLike<number>): void {
    if (s.length !== this.inFeatures) throw new SpikeflowError('shape-mismatch', `dense input has ${s.length} entries, expected ${this.inFeatures}`);
    const n = this.outFeatures;
    const w = this.dense.weights;
    const acc = this.acc;
    acc.fill(0);
    for (let i = 0; i < this.inFeatures; i++) {
      const x = s[i];
      if (x === 0) continue;
      for (let o = 0; o < n; o++) {
        const k = o * this.inFeatures + i;
        acc[this.delays[k] * n + o] += w[k] * x;
      }
    }
    const D = this.ring.length;
    for (let d = 0; d < D; d++) {
      const slot = this.ring[(this.head + d) % D];
      for (let o = 0; o < n; o++) {
        const a = acc[d * n + o];
        // Lava shifts each delay bucket before adding it to the (int32) buffer.
        if (a !== 0) slot[o] = toInt32(slot[o] + toInt32(shiftByExponent(a, this.dense.weightExp)));
      }
    }
  }
}
