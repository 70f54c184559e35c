import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from '@spikeflow/testing';
import { decayFactorS1615, fromS1615, mulS1615, roundHalfEven, S1615_MAX_BITS, S1615_MIN_BITS, toS1615 } from './s1615.js';

// Slow, obviously correct reference: 64-bit product, add half an LSB, arithmetic shift, saturate.
function mulReference(a: number, b: number): number {
  const r = (BigInt(a) * BigInt(b) + 16384n) >> 15n;
  if (r > BigInt(S1615_MAX_BITS)) return S1615_MAX_BITS;
  if (r < BigInt(S1615_MIN_BITS)) return S1615_MIN_BITS;
  return Number(r);
}

describe('s16.15 conversion', () => {
  it('encodes values as value·2^15, rounding to nearest with ties to even', () => {
    expect(toS1615(1.5)).toBe(49152);
    expect(toS1615(-0.25)).toBe(-8192);
    expect(toS1615(0.5 / 32768)).toBe(0); // 0.5 LSB → even 0
    expect(toS1615(1.5 / 32768)).toBe(2); // 1.5 LSB → even 2
    expect(toS1615(2.5 / 32768)).toBe(2);
    expect(toS1615(-1.5 / 32768)).toBe(-2);
    expect(fromS1615(toS1615(0.1))).toBe(3277 / 32768);
    expect(roundHalfEven(3.5)).toBe(4);
    expect(roundHalfEven(-2.5)).toBe(-2);
  });

  it('rejects values outside [-65536, 65536) and non-finite values with unrepresentable', () => {
    for (const v of [65536, -65536.0001, Number.NaN, Infinity]) expectSpikeflowError(() => toS1615(v, 'v_thresh'), 'unrepresentable', 'v_thresh');
    expect(toS1615(-65536)).toBe(S1615_MIN_BITS);
  });
});

describe('mulS1615 (MULT_ROUND_NEAREST_ACCUM)', () => {
  it('multiplies hand-computed cases, rounding half an LSB upwards', () => {
    expect(mulS1615(toS1615(0.5), toS1615(3))).toBe(toS1615(1.5));
    expect(mulS1615(1, 16384)).toBe(1); // 0.5 LSB → 1
    expect(mulS1615(-1, 16384)).toBe(0); // −0.5 LSB → 0 (ties go up)
    expect(mulS1615(3, 16384)).toBe(2); // 1.5 LSB → 2
    expect(mulS1615(-3, 16384)).toBe(-1); // −1.5 LSB → −1
    expect(mulS1615(16384, 3277)).toBe(1639); // (53690368 + 16384) >> 15
    expect(mulS1615(S1615_MIN_BITS, 32768)).toBe(S1615_MIN_BITS); // −65536 · 1 is exact
    expect(mulS1615(S1615_MAX_BITS, S1615_MAX_BITS)).toBe(S1615_MAX_BITS); // saturates
    expect(mulS1615(S1615_MIN_BITS, S1615_MAX_BITS)).toBe(S1615_MIN_BITS);
  });

  it('agrees with a 64-bit BigInt reference on random int32 pairs', () => {
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      return seed;
    };
    for (let k = 0; k < 20000; k++) {
      // Mix full-range values with small ones, where rounding decides the result.
      const a = k % 3 === 0 ? next() >> 12 : next();
      const b = k % 5 === 0 ? next() >> 16 : next();
      expect(mulS1615(a, b)).toBe(mulReference(a, b));
    }
  });
});

describe('decayFactorS1615', () => {
  it('gives exp(−dt/τ_m) of the s16.15 τ_m, rounded to nearest', () => {
    // τ_m = 1/ln 2 ms is held as 47274/32768 ms; exp(−32768/47274) = 0.4999998… → 16384.
    expect(toS1615(1 / Math.LN2)).toBe(47274);
    expect(decayFactorS1615(47274, 1)).toBe(16384);
    // τ_m = 20 ms: exp(−0.05) = 0.951229… · 32768 = 31169.9 → 31170.
    expect(decayFactorS1615(toS1615(20), 1)).toBe(31170);
  });
});
