// How sPyNNaker turns float weights into the 16-bit values of its synaptic rows. Each target
// population gets, per synapse type (excitatory, inhibitory), a left shift s that moves a ring
// buffer entry into s16.15; a weight w is stored as round(|w|·2^(15−s)), so the smallest non-zero
// weight is 2^(s−15) and smaller ones round to zero. s is chosen (host side, sPyNNaker's
// AbstractPopulationVertex) from an upper bound on one step's summed input so the 16-bit ring
// buffer entry cannot overflow.
import { SpikeflowError } from '@spikeflow/core';
import { roundHalfEven } from './s1615.js';

/** Largest value a 16-bit ring-buffer entry or synaptic weight can hold. */
export const MAX_WEIGHT_WORD = 0xffff;

/** The inputs of the shift rule for one synapse type of one target population. */
export interface RingBufferInputs {
  /** Per incoming projection of this synapse type: its largest |weight| and its largest fan-in onto one neuron. */
  readonly projections: ReadonlyArray<{ readonly maxAbsWeight: number; readonly maxFanIn: number }>;
  /** sPyNNaker's `spikes_per_second` (default 30) — only its per-step value matters, and that is at least 1. */
  readonly spikesPerSecond?: number;
  /** Machine time step in ms (default 1). */
  readonly dtMs?: number;
}

/**
 * The ring-buffer left shift sPyNNaker chooses when all delays of a population's inputs are equal
 * (the delay variance is 0, as in every spikeflow export): the bound on one step's input is
 * `max(Σ spikes_per_tick·max|w|·max_fan_in, max|w|)`, and the shift is the smallest power of two
 * strictly above it, at least 0.
 *
 * @example
 * ```ts
 * ringBufferShift({ projections: [{ maxAbsWeight: 0.5, maxFanIn: 10 }] }); // bound 5 → shift 3
 * ```
 */
export function ringBufferShift(inputs: RingBufferInputs): number {
  const dt = inputs.dtMs ?? 1;
  const spikesPerTick = Math.max(1, ((inputs.spikesPerSecond ?? 30) * dt) / 1000);
  let total = 0;
  let biggest = 0;
  for (const p of inputs.projections) {
    if (!(p.maxAbsWeight >= 0) || !Number.isFinite(p.maxAbsWeight))
      throw new SpikeflowError('unrepresentable', `ring-buffer scaling needs finite weights, got max |w| = ${p.maxAbsWeight}`);
    total += spikesPerTick * p.maxAbsWeight * p.maxFanIn;
    biggest = Math.max(biggest, p.maxAbsWeight);
  }
  return shiftForBound(Math.max(total, biggest));
}

/**
 * The smallest shift s ≥ 0 with 2^s strictly above `bound` (sPyNNaker: ceil(log2) and one more
 * when the bound is itself a power of two, since the range is [0, 2^s)).
 */
export function shiftForBound(bound: number): number {
  if (!(bound > 0)) return 0;
  let s = Math.max(0, Math.ceil(Math.log2(bound)));
  // log2 of large values can land one off; settle on the exact power.
  while (2 ** s <= bound) s++;
  while (s > 0 && 2 ** (s - 1) > bound) s--;
  return s;
}

/** The factor from float weight to 16-bit weight word for a shift: 2^(15 − s). */
export function weightScale(shift: number): number {
  return 2 ** (15 - shift);
}

/**
 * A weight as the 16-bit word the board stores (magnitude only; the synapse type carries the
 * sign): `rint(|w|·2^(15−s))`. Words above 0xFFFF throw `unrepresentable`.
 */
export function quantizeWeight(weight: number, shift: number): number {
  const word = roundHalfEven(Math.abs(weight) * weightScale(shift));
  if (word > MAX_WEIGHT_WORD) {
    throw new SpikeflowError(
      'unrepresentable',
      `weight ${weight} does not fit a 16-bit synaptic word with ring-buffer shift ${shift} (largest ${MAX_WEIGHT_WORD / weightScale(shift)})`,
      { weight, shift },
    );
  }
  return word;
}

/** The weight a 16-bit word stands for under a shift (what the board actually adds). */
export function dequantizeWeight(word: number, shift: number): number {
  return word / weightScale(shift);
}
