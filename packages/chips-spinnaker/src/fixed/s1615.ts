// s16.15 fixed-point arithmetic as SpiNNaker's ARM968 cores do it (ISO TR 18037 `accum`, the
// REAL type of sPyNNaker): a value is an int32 holding value·2^15. Products use the sPyNNaker
// rounding multiply (add half an LSB, arithmetic shift right, saturate); sums saturate.
import { SpikeflowError } from '@spikeflow/core';

/** 2^15: one in s16.15. */
export const S1615_ONE = 32768;
/** Largest s16.15 value as raw bits (≈ 65535.99997). */
export const S1615_MAX_BITS = 0x7fffffff;
/** Smallest s16.15 value as raw bits (−65536). */
export const S1615_MIN_BITS = -0x80000000;

/** Clamp raw bits to the int32 range, as the saturating `accum` operations do. */
export function saturateS1615(bits: number): number {
  return bits > S1615_MAX_BITS ? S1615_MAX_BITS : bits < S1615_MIN_BITS ? S1615_MIN_BITS : bits;
}

/**
 * The nearest s16.15 value of a real number, as raw bits (sPyNNaker's host writes parameters
 * this way: `round(value · 2^15)`, ties to even as numpy's rint). Values outside the range throw
 * `unrepresentable`, naming `what`.
 *
 * @example
 * ```ts
 * toS1615(1.5); // 49152
 * ```
 */
export function toS1615(value: number, what = 'value'): number {
  if (!Number.isFinite(value)) throw new SpikeflowError('unrepresentable', `${what} = ${value} is not a finite number; SpiNNaker's s16.15 holds [-65536, 65536)`);
  const bits = roundHalfEven(value * S1615_ONE);
  if (bits > S1615_MAX_BITS || bits < S1615_MIN_BITS) {
    throw new SpikeflowError('unrepresentable', `${what} = ${value} is outside SpiNNaker's s16.15 range [-65536, 65535.99997]`, { value });
  }
  return bits;
}

/** The real value of raw s16.15 bits. */
export function fromS1615(bits: number): number {
  return bits / S1615_ONE;
}

/** Round to the nearest integer, ties to even (numpy.rint, used by sPyNNaker's host code). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round sends ties up; move odd tie results back down.
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * s16.15 × s16.15 rounded to nearest (half an LSB added before the arithmetic shift, so ties go
 * up), saturated: sPyNNaker's `MULT_ROUND_NEAREST_ACCUM` for two accums. Exact for all int32
 * inputs: the 62-bit product is split so every partial result stays below 2^53.
 *
 * @example
 * ```ts
 * mulS1615(toS1615(0.5), toS1615(3)); // toS1615(1.5)
 * ```
 */
export function mulS1615(a: number, b: number): number {
  return saturateS1615(mulS1615Unsaturated(a, b));
}

/** {@link mulS1615} before saturation (callers that count overflows compare the two). */
export function mulS1615Unsaturated(a: number, b: number): number {
  // a = hi·2^16 + lo with lo in [0, 2^16): a·b/2^15 = 2·hi·b + lo·b/2^15.
  const lo = a & 0xffff;
  const hi = (a - lo) / 65536;
  return 2 * hi * b + Math.floor((lo * b + 0x4000) / S1615_ONE);
}

/** Saturating s16.15 addition. */
export function addS1615(a: number, b: number): number {
  return saturateS1615(a + b);
}

/** Saturating s16.15 subtraction. */
export function subS1615(a: number, b: number): number {
  return saturateS1615(a - b);
}

/**
 * The per-step membrane decay `exp(−dt/τ_m)` as s16.15 bits, computed from the s16.15 τ_m the
 * board holds and rounded to nearest (the board's `expk` is accurate to about one LSB).
 */
export function decayFactorS1615(tauMBits: number, dtMs: number): number {
  if (tauMBits <= 0) throw new SpikeflowError('unrepresentable', `tau_m must be positive on SpiNNaker, got ${fromS1615(tauMBits)} ms`);
  return roundHalfEven(Math.exp(-dtMs / fromS1615(tauMBits)) * S1615_ONE);
}

/** 2^32: one in u0.32 (`unsigned long fract`, sPyNNaker's `decay_t`). */
export const U032_ONE = 4294967296;

/**
 * sPyNNaker's `decay_s1615`: an s16.15 value times a u0.32 factor, `(x·d) >> 32` on the 64-bit
 * product — truncation towards −∞, no rounding, no saturation needed (|result| ≤ |x|).
 * Exact: the product is split so every partial result stays below 2^53.
 *
 * @example
 * ```ts
 * decayS1615(toS1615(1), 2 ** 31); // 16384 (0.5)
 * decayS1615(-3, 2 ** 31);         // −2 (floor of −1.5)
 * ```
 */
export function decayS1615(xBits: number, decayU032: number): number {
  // d = dh·2^16 + dl; x·d/2^32 = x·dh/2^16 + x·dl/2^32, with x·dh = a1·2^16 + a0 (0 ≤ a0 < 2^16).
  const dl = decayU032 % 65536;
  const dh = (decayU032 - dl) / 65536;
  const a = xBits * dh;
  const a0 = ((a % 65536) + 65536) % 65536;
  const a1 = (a - a0) / 65536;
  return a1 + Math.floor((a0 * 65536 + xBits * dl) / U032_ONE);
}
