import { describe, expect, it } from 'vitest';
import { Rng, epochPermutation } from './rng.js';

describe('Rng', () => {
  it('is reproducible, restorable and roughly uniform', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    const state = a.getState();
    const next = a.uniform();
    const c = new Rng(0);
    c.setState([...state]);
    expect(c.uniform()).toBe(next);
    const r = new Rng(1);
    let mean = 0;
    for (let i = 0; i < 20000; i++) mean += r.uniform() / 20000;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(() => c.setState([1, 2, 3] as never)).toThrowError(/four unsigned 32-bit integers/);
  });

  it('epochPermutation is a permutation fixed by (seed, epoch)', () => {
    const p = epochPermutation(1000, 3, 0);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(epochPermutation(1000, 3, 0))).toEqual(Array.from(p));
    expect(Array.from(epochPermutation(1000, 3, 1))).not.toEqual(Array.from(p));
    expect(Array.from(epochPermutation(1000, 4, 0))).not.toEqual(Array.from(p));
  });
});
