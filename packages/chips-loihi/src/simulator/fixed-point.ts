import { SpikeflowError } from '@spikeflow/core';

/** Decays are 12-bit fractions of this unity (Lava: `decay_unity = 2**12`). */
export const DECAY_UNITY = 4096;
/** Current and voltage are 24-bit state; this is 2^23, the magnitude bound. */
export const STATE_LIMIT = 2 ** 23;
/** Synaptic input is left-shifted by 6 bits before it is added to the current (MSB alignment). */
export const ACTIVATION_SHIFT = 6;
/** The threshold mantissa is left-shifted by 6 bits before the comparison. */
export const THRESHOLD_SHIFT = 6;
/** Largest threshold mantissa: an unsigned 17-bit value. */
export const MAX_VTH_MANT = 2 ** 17 - 1;
/** Bias mantissa is a signed 13-bit value. */
export const BIAS_MANT_MIN = -(2 ** 12);
export const BIAS_MANT_MAX = 2 ** 12 - 1;

/**
 * Multiply by `(4096 − decay)/4096` and truncate towards zero, as Lava's fixed-point LIF does
 * (`sign(x) · (|x · (4096 − d)| >> 12)`). Exact in doubles: |x| < 2^25 and the factor < 2^13.
 */
export function decayTowardsZero(x: number, decay: number): number {
  const p = x * (DECAY_UNITY - decay);
  return p < 0 ? -Math.floor(-p / DECAY_UNITY) : Math.floor(p / DECAY_UNITY);
}

/**
 * Lava's 24-bit current "wrap": above +2^23 subtract 2^24; at or below −2^23 add 2^24 (applied to
 * the unwrapped value, as Lava does). Note the asymmetry: +2^23 itself is kept, −2^23 becomes +2^23.
 */
export function wrapCurrent(x: number): number {
  let w = x > STATE_LIMIT ? x - 2 * STATE_LIMIT : x;
  if (w <= -STATE_LIMIT) w = x + 2 * STATE_LIMIT;
  return w;
}

/** Clip the voltage to ±(2^23 − 1). */
export function clipVoltage(x: number): number {
  const lim = STATE_LIMIT - 1;
  return x > lim ? lim : x < -lim ? -lim : x;
}

/** `mant << exp` for exp ≥ 0, arithmetic `mant >> −exp` (floor) otherwise. */
export function shiftByExponent(mant: number, exp: number): number {
  return exp >= 0 ? mant * 2 ** exp : Math.floor(mant / 2 ** -exp);
}

/** Numpy int32 semantics: wrap an integer into [−2^31, 2^31). */
export function toInt32(x: number): number {
  // ToInt32 is arithmetic modulo 2^32, exact for every integer below 2^53.
  return x | 0;
}

/** Throw `unrepresentable` unless `value` is an integer in [min, max]. */
export function requireIntegerIn(what: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SpikeflowError('unrepresentable', `${what} must be an integer in [${min}, ${max}] on Loihi, got ${value}`, { what, value, min, max });
  }
}
