import { describe, expect, it } from 'vitest';
import { expectClose } from './expect-close.js';

// A tensor stand-in: what expectClose reads of a tf.Tensor.
const tensor = (shape: number[], data: number[]) => ({ shape, dataSync: () => Float32Array.from(data) });

describe('expectClose', () => {
  it('passes values within the absolute tolerance below 1 and the relative one above', () => {
    expectClose([0.5, 1000], [0.5 + 9e-6, 1000 + 9e-3], 1e-5);
    expectClose(Float64Array.from([1, 2]), [1, 2], 0);
    expectClose([Number.NaN, Infinity, -0], [Number.NaN, Infinity, 0]);
  });

  it('names the first mismatching index, both values, the count and the worst element', () => {
    expect(() => expectClose([1, 2.5, 3, 9], [1, 2, 3, 4], 1e-3)).toThrow(
      /2 of 4 values differ beyond abs 0.001 \/ rel 0.001; first at index 1: 2.5 vs expected 2; worst at index 3: 9 vs 4/,
    );
    expect(() => expectClose([0.5], [0.5 + 2e-5], 1e-5, 'membrane')).toThrow(/^membrane: 1 of 1 values differ .*index 0/);
  });

  it('applies abs and rel separately when given as an object', () => {
    expectClose([100.5], [100], { rel: 0.01 });
    expect(() => expectClose([100.5], [100], { abs: 0.1 })).toThrow(/index 0: 100.5 vs expected 100/);
    expect(() => expectClose([0.001], [0], { rel: 0.5 })).toThrow(/index 0/);
  });

  it('never passes NaN against a number, or an infinity against anything but itself', () => {
    expect(() => expectClose([Number.NaN], [0], 1)).toThrow(/index 0: NaN vs expected 0/);
    expect(() => expectClose([1], [Number.NaN], 1)).toThrow(/index 0: 1 vs expected NaN/);
    expect(() => expectClose([Infinity], [-Infinity], 1)).toThrow(/index 0/);
    expect(() => expectClose([1e308], [Infinity], 1)).toThrow(/index 0/);
  });

  it('refuses different lengths, and tensors of different shapes with the same values', () => {
    expect(() => expectClose([1, 2], [1, 2, 3])).toThrow(/2 values, expected 3/);
    expectClose(tensor([2, 2], [1, 2, 3, 4]), tensor([2, 2], [1, 2, 3, 4]));
    expectClose(tensor([4], [1, 2, 3, 4]), [1, 2, 3, 4]);
    expect(() => expectClose(tensor([2, 2], [1, 2, 3, 4]), tensor([4], [1, 2, 3, 4]))).toThrow(/shape \[2, 2\] differs from the expected \[4\]/);
  });
});
