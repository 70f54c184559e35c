import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from '@spikeflow/testing';
import { LoihiLif, type LoihiLifParams } from './loihi-lif.js';
import { clipVoltage, decayTowardsZero, shiftByExponent, wrapCurrent } from './fixed-point.js';

const base: LoihiLifParams = { du: 0, dv: 0, vth: 100_000, biasMant: 0, biasExp: 0 };
const one = (p: Partial<LoihiLifParams>) => new LoihiLif(1, { ...base, ...p });

describe('Loihi fixed-point rules (hand-computed)', () => {
  it('decays truncate towards zero: 1000·(4096−1024)/4096 = 750; −1001·3072/4096 = −750.75 → −750', () => {
    expect(decayTowardsZero(1000, 1024)).toBe(750);
    expect(decayTowardsZero(1001, 1024)).toBe(750); // 750.75
    expect(decayTowardsZero(-1001, 1024)).toBe(-750); // not −751: sign·(|x| >> 12)
    expect(decayTowardsZero(7, 4096)).toBe(0);
    expect(decayTowardsZero(7, 0)).toBe(7);
  });
  it('the current wraps at 24 bits with Lava asymmetry (+2^23 kept, −2^23 → +2^23)', () => {
    expect(wrapCurrent(2 ** 23)).toBe(2 ** 23);
    expect(wrapCurrent(2 ** 23 + 5)).toBe(-(2 ** 23) + 5);
    expect(wrapCurrent(-(2 ** 23) + 1)).toBe(-(2 ** 23) + 1);
    expect(wrapCurrent(-(2 ** 23))).toBe(2 ** 23);
    expect(wrapCurrent(-(2 ** 23) - 3)).toBe(2 ** 23 - 3);
  });
  it('the voltage clips to ±(2^23 − 1)', () => {
    expect(clipVoltage(2 ** 23)).toBe(2 ** 23 - 1);
    expect(clipVoltage(-(2 ** 24))).toBe(-(2 ** 23) + 1);
    expect(clipVoltage(12345)).toBe(12345);
  });
  it('bias = mantissa << exponent, arithmetic right shift for negative exponents', () => {
    expect(shiftByExponent(3, 6)).toBe(192);
    expect(shiftByExponent(-5, 1)).toBe(-10);
    expect(shiftByExponent(-5, -1)).toBe(-3); // floor(−2.5)
    expect(shiftByExponent(5, -1)).toBe(2);
  });
});

describe('LoihiLif step (hand-computed)', () => {
  it('activation is shifted left by 6 into the current: a = 3 → u = 192, v = 192', () => {
    const n = one({});
    n.step([3]);
    expect(n.u[0]).toBe(192);
    expect(n.v[0]).toBe(192);
  });
  // a = 10 then 0: u = 640 after the first step, then decayed by (4096 − (du + 1))/4096; dv = 0 keeps
  // v, so v = 640 + u after the second step.
  for (const { du, why, u, v } of [
    { du: 2047, why: 'du + 1 = 2048 halves exactly: 640·2048/4096 = 320', u: 320, v: 960 },
    { du: 4095, why: 'decay 4096/4096 clears the current each step', u: 0, v: 640 },
    { du: 0, why: 'keeps the current: (4096 − 1)/4096 decays 640 → trunc(639.84) = 639', u: 639, v: 1279 },
  ]) {
    it(`current decay uses du + 1: du = ${du}, ${why}`, () => {
      const n = one({ du });
      n.step([10]);
      n.step([0]);
      expect(n.u[0]).toBe(u);
      expect(n.v[0]).toBe(v);
    });
  }
  it('voltage decay dv out of 4096, then + u + bias', () => {
    const n = one({ du: 4095, dv: 1024, biasMant: 3, biasExp: 2 });
    n.step([10]); // u = 640, v = 0 + 640 + 12 = 652
    expect(n.v[0]).toBe(652);
    n.step([1]); // u = 64, v = trunc(652·3072/4096) + 64 + 12 = 489 + 76 = 565
    expect(n.v[0]).toBe(565);
  });
  it('fires when v > vth << 6 (strictly) and resets v to 0 but not u', () => {
    const n = one({ du: 2047, vth: 10 }); // threshold 640
    const s1 = n.step([10]); // u = 640, v = 640: not > 640
    expect(s1[0]).toBe(0);
    expect(n.v[0]).toBe(640);
    const s2 = n.step([0]); // u = 320, v = 960 > 640 → spike, v = 0
    expect(s2[0]).toBe(1);
    expect(n.v[0]).toBe(0);
    expect(n.u[0]).toBe(320);
    n.step([0]); // u = 160, v = 160
    expect(n.v[0]).toBe(160);
  });
  it('a negative bias with negative exponent floors: −5 >> 1 = −3 per step', () => {
    const n = one({ biasMant: -5, biasExp: -1 });
    n.step([0]);
    n.step([0]);
    expect(n.v[0]).toBe(-6);
  });
  it('the current wraps past +2^23 and the wrap is counted', () => {
    const n = one({ du: 0 });
    n.step([2 ** 17]); // u = 2^23: kept
    expect(n.u[0]).toBe(2 ** 23);
    // next: decay 2^23·4095/4096 = 8386560, + 64 → 8386624 (no wrap); push harder:
    n.step([2 ** 11]); // 8386560 + 131072 = 8517632 > 2^23 → 8517632 − 2^24 = −8259584
    expect(n.u[0]).toBe(8517632 - 2 ** 24);
    expect(n.wraps).toBe(1);
  });
  it('the voltage saturates at −(2^23 − 1) and does not wrap', () => {
    const n = one({ du: 4095 });
    n.step([-(2 ** 17) + 1]); // u = −8388544 = v
    expect(n.v[0]).toBe(-8388544);
    n.step([-(2 ** 17) + 1]); // v = −16777088 → clipped
    expect(n.v[0]).toBe(-(2 ** 23) + 1);
  });
  it('the largest threshold (131071 << 6 = 8388544) lies below the voltage ceiling, so a saturated neuron fires', () => {
    const n = one({ du: 4095, vth: 131071 });
    expect(n.step([2 ** 17])[0]).toBe(1);
  });
  it('per-neuron bias and population state are independent', () => {
    const n = new LoihiLif(2, { du: 4095, dv: 0, vth: 1, biasMant: Int32Array.from([1, 0]), biasExp: 6 });
    const s = n.step([0, 0]); // v = [64, 0]: threshold 64, neither > 64
    expect(Array.from(s)).toEqual([0, 0]);
    expect(Array.from(n.step([0, 2]))).toEqual([1, 1]); // v = [128, 128]
  });
  it('rejects parameters wider than the registers, naming the field', () => {
    expect(() => one({ vth: 2 ** 17 })).toThrow(/vth must be an integer in \[0, 131071\]/);
    expect(() => one({ du: 4096 })).toThrow(/du/);
    expect(() => one({ biasMant: 4096 })).toThrow(/biasMant/);
    expectSpikeflowError(() => one({ dv: -1 }), 'unrepresentable');
  });
});
