import { describe, expect, it } from 'vitest';
import { DenseSynapse, determineSignMode, storedWeight } from './dense-synapse.js';

describe('Loihi dense synapse rules (hand-computed)', () => {
  it('determines the sign mode as Lava does', () => {
    expect(determineSignMode([0, 3, 4])).toBe('excitatory');
    expect(determineSignMode([0, -3])).toBe('inhibitory');
    expect(determineSignMode([-1, 1])).toBe('mixed');
  });
  it('mixed 8-bit weights are clipped to [−256, 255] and truncated to even (floor)', () => {
    expect(storedWeight(255, 'mixed')).toBe(254);
    expect(storedWeight(300, 'mixed')).toBe(254);
    expect(storedWeight(-300, 'mixed')).toBe(-256);
    expect(storedWeight(-3, 'mixed')).toBe(-4); // arithmetic shift floors
    expect(storedWeight(3, 'mixed')).toBe(2);
  });
  it('excitatory keeps odd values and clips to [0, 255]; inhibitory works on the magnitude', () => {
    expect(storedWeight(3, 'excitatory')).toBe(3);
    expect(storedWeight(400, 'excitatory')).toBe(255);
    expect(storedWeight(-3, 'inhibitory')).toBe(-3);
    expect(storedWeight(-400, 'inhibitory')).toBe(-255);
  });
  it('fewer weight bits drop more low bits: 6-bit mixed keeps multiples of 8', () => {
    expect(storedWeight(13, 'mixed', 6)).toBe(8);
    expect(storedWeight(-13, 'mixed', 6)).toBe(-16);
    expect(storedWeight(13, 'excitatory', 6)).toBe(12);
  });
  it('accumulates binary spikes and shifts by the weight exponent', () => {
    // W = [[2, -4, 6], [10, 8, -2]] (all even so nothing is truncated)
    const syn = new DenseSynapse(Int32Array.from([2, -4, 6, 10, 8, -2]), 2, 3, { weightExp: 2 });
    expect(Array.from(syn.accumulate([1, 0, 1]))).toEqual([(2 + 6) * 4, (10 - 2) * 4]);
    const neg = new DenseSynapse(Int32Array.from([2, -4, 6, 10, 8, -2]), 2, 3, { weightExp: -2 });
    // (2 − 4) >> 2 = floor(−0.5) = −1; (10 + 8) >> 2 = 4
    expect(Array.from(neg.accumulate([1, 1, 0]))).toEqual([-1, 4]);
  });
  it('graded inputs multiply the weights by their payload', () => {
    const syn = new DenseSynapse(Int32Array.from([2, -4, 6, 10, 8, -2]), 2, 3);
    expect(Array.from(syn.accumulate([3, 255, 0]))).toEqual([6 - 1020, 30 + 2040]);
  });
  it('stores the clipped weights (what the chip holds)', () => {
    const syn = new DenseSynapse(Int32Array.from([255, -1]), 1, 2);
    expect(Array.from(syn.weights)).toEqual([254, -2]);
  });
  it('rejects non-integer weights and wrong input sizes', () => {
    expect(() => new DenseSynapse([0.5], 1, 1)).toThrow(/integers/);
    expect(() => new DenseSynapse([1, 2], 1, 1)).toThrow(/expected 1×1/);
    expect(() => new DenseSynapse([1, 2], 1, 2).accumulate([1])).toThrow(/expected 2/);
  });
});
