import { SpikeflowError } from '@spikeflow/core';
import {
  ACTIVATION_SHIFT,
  BIAS_MANT_MAX,
  BIAS_MANT_MIN,
  DECAY_UNITY,
  MAX_VTH_MANT,
  THRESHOLD_SHIFT,
  clipVoltage,
  decayTowardsZero,
  requireIntegerIn,
  shiftByExponent,
  toInt32,
  wrapCurrent,
} from './fixed-point.js';

/** Parameters of a population of Loihi CUBA LIF compartments (Lava's `LIF` process, fixed point). */
export interface LoihiLifParams {
  /** Current decay, 12-bit (0..4095); the effective decay is `du + 1` out of 4096. */
  readonly du: number;
  /** Voltage decay, 12-bit (0..4095) out of 4096. */
  readonly dv: number;
  /** Threshold mantissa, unsigned 17-bit; the comparison is `v > vth << 6`. */
  readonly vth: number;
  /** Bias mantissa, signed 13-bit: one value for all neurons or one per neuron. */
  readonly biasMant: number | Int32Array;
  /** Bias exponent (Lava's LIF: 3-bit 0..7; netx uses 6). */
  readonly biasExp: number;
}

/** Check every field against Loihi's register widths; throws `unrepresentable` naming the field. */
export function validateLifParams(p: LoihiLifParams, where = 'LIF'): void {
  // −1 is what netx makes of iDecay 0 (no current decay); Lava's model accepts it.
  requireIntegerIn(`${where} du`, p.du, -1, DECAY_UNITY - 1);
  requireIntegerIn(`${where} dv`, p.dv, 0, DECAY_UNITY - 1);
  requireIntegerIn(`${where} vth`, p.vth, 0, MAX_VTH_MANT);
  requireIntegerIn(`${where} biasExp`, p.biasExp, -8, 8);
  const biases = typeof p.biasMant === 'number' ? [p.biasMant] : p.biasMant;
  for (let i = 0; i < biases.length; i++) requireIntegerIn(`${where} biasMant[${i}]`, biases[i], BIAS_MANT_MIN, BIAS_MANT_MAX);
}

/**
 * A population of Loihi LIF neurons in integer arithmetic, bit-exact with Lava's
 * `PyLifModelBitAcc` (lava/proc/lif/models.py). Per time step and neuron, in this order:
 *
 * 1. `u ← trunc(u · (4096 − (du + 1)) / 4096)` (the +1 lets du = 4095 clear the current),
 * 2. `u ← wrap24(int32(u + int32(a << 6)))`, where `a` is the synaptic input,
 * 3. `v ← clip(trunc(v · (4096 − dv) / 4096) + u + (biasMant << biasExp), ±(2^23 − 1))`,
 * 4. spike when `v > vth << 6`, then `v ← 0` (the current is not reset).
 *
 * @example
 * ```ts
 * const lif = new LoihiLif(2, { du: 4095, dv: 2048, vth: 10, biasMant: 0, biasExp: 6 });
 * lif.step(Int32Array.from([20, 5])); // → Uint8Array [1, 0]: u = 1280 > 640 spikes
 * ```
 */
export class LoihiLif {
  readonly size: number;
  readonly params: LoihiLifParams;
  readonly u: Int32Array;
  readonly v: Int32Array;
  /** How many times the current wrapped around (a sign the weights are scaled too large). */
  wraps = 0;
  private readonly effectiveBias: Int32Array;
  private readonly effectiveVth: number;

  constructor(size: number, params: LoihiLifParams) {
    if (!Number.isInteger(size) || size < 1) throw new SpikeflowError('invalid-options', `a LIF population needs a positive integer size, got ${size}`);
    validateLifParams(params);
    if (typeof params.biasMant !== 'number' && params.biasMant.length !== size) {
      throw new SpikeflowError('shape-mismatch', `biasMant has ${params.biasMant.length} entries but the population has ${size} neurons`);
    }
    this.size = size;
    this.params = params;
    this.u = new Int32Array(size);
    this.v = new Int32Array(size);
    this.effectiveBias = new Int32Array(size);
    for (let i = 0; i < size; i++) this.effectiveBias[i] = shiftByExponent(typeof params.biasMant === 'number' ? params.biasMant : params.biasMant[i], params.biasExp);
    this.effectiveVth = params.vth * 2 ** THRESHOLD_SHIFT;
  }

  /** Zero the current and voltage (the state at the start of a sample). */
  reset(): void {
    this.u.fill(0);
    this.v.fill(0);
  }

  /** One time step with synaptic input `a` (integers, one per neuron); returns the spikes (0/1). */
  step(a: ArrayLike<number>, out: Uint8Array = new Uint8Array(this.size)): Uint8Array {
    if (a.length !== this.size) throw new SpikeflowError('shape-mismatch', `LIF input has ${a.length} entries, expected ${this.size}`);
    const { du, dv } = this.params;
    const u = this.u;
    const v = this.v;
    const bias = this.effectiveBias;
    const vth = this.effectiveVth;
    for (let i = 0; i < this.size; i++) {
      const decayedU = decayTowardsZero(u[i], du + 1);
      // numpy int32: the shift and the sum wrap at 32 bits before the 24-bit wrap.
      const summed = toInt32(decayedU + toInt32(a[i] << ACTIVATION_SHIFT));
      const newU = wrapCurrent(summed);
      if (newU !== summed) this.wraps++;
      u[i] = newU;
      const newV = clipVoltage(decayTowardsZero(v[i], dv) + newU + bias[i]);
      if (newV > vth) {
        out[i] = 1;
        v[i] = 0;
      } else {
        out[i] = 0;
        v[i] = newV;
      }
    }
    return out;
  }
}
