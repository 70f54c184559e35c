import { SpikeflowError } from '@spikeflow/core';
import { shiftByExponent, toInt32 } from './fixed-point.js';

/** Sign mode of a Loihi synapse group (Lava's `SignMode`). */
export type SignMode = 'mixed' | 'excitatory' | 'inhibitory';

/** Lava's `determine_sign_mode`: all ≥ 0 excitatory, else all ≤ 0 inhibitory, else mixed. */
export function determineSignMode(weights: ArrayLike<number>): SignMode {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] < min) min = weights[i];
    if (weights[i] > max) max = weights[i];
  }
  if (min >= 0) return 'excitatory';
  if (max <= 0) return 'inhibitory';
  return 'mixed';
}

/**
 * What Loihi stores for a weight: Lava's `clip_weights(…, num_bits=8)` then `truncate_weights`.
 * Mixed sign: clip to [−256, 255], then drop `8 − numWeightBits + 1` low bits (arithmetic shift, so
 * 8-bit mixed weights become even). Excitatory: clip to [0, 255]; inhibitory: [−255, 0] (the
 * magnitude is clipped and truncated).
 */
export function storedWeight(w: number, signMode: SignMode, numWeightBits = 8): number {
  if (!Number.isInteger(w)) throw new SpikeflowError('unrepresentable', `Loihi weights are integers, got ${w}`);
  const mixed = signMode === 'mixed' ? 1 : 0;
  let x = signMode === 'inhibitory' ? -w : w;
  const min = signMode === 'mixed' ? -256 : 0;
  const max = 255;
  x = x < min ? min : x > max ? max : x;
  const drop = 8 - numWeightBits + mixed;
  if (drop > 0) x = Math.floor(x / 2 ** drop) * 2 ** drop;
  return signMode === 'inhibitory' ? -x : x;
}

/** Options of {@link DenseSynapse}. */
export interface DenseSynapseOptions {
  /** Weight exponent: the accumulated input is shifted left (> 0) or arithmetically right (< 0). */
  readonly weightExp?: number;
  /** Weight precision in bits (default 8). */
  readonly numWeightBits?: number;
  /** Sign mode; default determined from the weights as Lava does. */
  readonly signMode?: SignMode;
}

/**
 * Lava's bit-accurate dense synapse (`PyDenseModelBitAcc`, lava/proc/dense/models.py): stored
 * weights are clipped and truncated per sign mode, the input (binary spikes, or graded integer
 * payloads) is accumulated as `a = W · s` and shifted by the weight exponent. Weights are given
 * as `[out, in]` row-major, as Lava and netx store them.
 *
 * Lava's Dense process also delays its output by one time step; {@link LoihiNetwork} models that.
 *
 * @example
 * ```ts
 * const syn = new DenseSynapse(Int32Array.from([3, -4, 10, 7]), 2, 2, { weightExp: 1 });
 * syn.accumulate(Int32Array.from([1, 1])); // → [ (2 − 4) << 1, (10 + 6) << 1 ] = [-4, 32]
 * ```
 */
export class DenseSynapse {
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly weightExp: number;
  readonly numWeightBits: number;
  readonly signMode: SignMode;
  /** Stored (clipped, truncated) weights, `[out, in]` row-major. */
  readonly weights: Int32Array;
  /** The same weights column-major (`[in, out]`) so sparse inputs add whole columns. */
  private readonly columns: Int32Array;

  constructor(weights: ArrayLike<number>, outFeatures: number, inFeatures: number, options: DenseSynapseOptions = {}) {
    if (weights.length !== outFeatures * inFeatures) {
      throw new SpikeflowError('shape-mismatch', `dense weights have ${weights.length} entries, expected ${outFeatures}×${inFeatures} = ${outFeatures * inFeatures}`);
    }
    this.outFeatures = outFeatures;
    this.inFeatures = inFeatures;
    this.weightExp = options.weightExp ?? 0;
    this.numWeightBits = options.numWeightBits ?? 8;
    if (!Number.isInteger(this.weightExp) || Math.abs(this.weightExp) > 16)
      throw new SpikeflowError('unrepresentable', `weight exponent must be an integer in [-16, 16], got ${this.weightExp}`);
    if (!Number.isInteger(this.numWeightBits) || this.numWeightBits < 1 || this.numWeightBits > 9)
      throw new SpikeflowError('unrepresentable', `numWeightBits must be an integer in [1, 9], got ${this.numWeightBits}`);
    this.signMode = options.signMode ?? determineSignMode(weights);
    this.weights = new Int32Array(weights.length);
    this.columns = new Int32Array(weights.length);
    for (let o = 0; o < outFeatures; o++) {
      for (let i = 0; i < inFeatures; i++) {
        const w = storedWeight(weights[o * inFeatures + i], this.signMode, this.numWeightBits);
        this.weights[o * inFeatures + i] = w;
        this.columns[i * outFeatures + o] = w;
      }
    }
  }

  /** `a = (W · s)` shifted by the weight exponent, as int32. `s` holds spikes (0/1) or graded payloads. */
  accumulate(s: ArrayLike<number>, out: Int32Array = new Int32Array(this.outFeatures)): Int32Array {
    if (s.length !== this.inFeatures) throw new SpikeflowError('shape-mismatch', `dense input has ${s.length} entries, expected ${this.inFeatures}`);
    const acc = new Float64Array(this.outFeatures);
    const n = this.outFeatures;
    for (let i = 0; i < this.inFeatures; i++) {
      const x = s[i];
      if (x === 0) continue;
      const base = i * n;
      if (x === 1) for (let o = 0; o < n; o++) acc[o] += this.columns[base + o];
      else for (let o = 0; o < n; o++) acc[o] += this.columns[base + o] * x;
    }
    for (let o = 0; o < n; o++) out[o] = toInt32(shiftByExponent(acc[o], this.weightExp));
    return out;
  }
}
