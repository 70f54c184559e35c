import { describe, expect, it } from 'vitest';
import { tf } from '@spikeflow/core';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool2d.js';

/** PyTorch's adaptive average pool written as plain loops over one [H, W, C] image. */
function reference(img: number[][][], oh: number, ow: number): number[][][] {
  const h = img.length;
  const w = img[0]!.length;
  const c = img[0]![0]!.length;
  const out: number[][][] = [];
  for (let i = 0; i < oh; i++) {
    const row: number[][] = [];
    const [h0, h1] = [Math.floor((i * h) / oh), Math.ceil(((i + 1) * h) / oh)];
    for (let j = 0; j < ow; j++) {
      const [w0, w1] = [Math.floor((j * w) / ow), Math.ceil(((j + 1) * w) / ow)];
      const cell = new Array<number>(c).fill(0);
      for (let a = h0; a < h1; a++) for (let b = w0; b < w1; b++) for (let k = 0; k < c; k++) cell[k]! += img[a]![b]![k]! / ((h1 - h0) * (w1 - w0));
      row.push(cell);
    }
    out.push(row);
  }
  return out;
}

describe('AdaptiveAvgPool2d', () => {
  it.each([
    [5, 7, 3, 2],
    [7, 7, 1, 1],
    [1, 1, 7, 7],
    [4, 6, 3, 4],
    [6, 6, 6, 6],
  ])('pools %ix%i to %ix%i as PyTorch bins (overlapping, repeated, global, identity)', (h, w, oh, ow) => {
    const x = tf.randomUniform([2, 3, h, w, 2], -1, 1, 'float32', 11);
    const y = new AdaptiveAvgPool2d([oh, ow]).forward(x);
    expect(y.shape).toEqual([2, 3, oh, ow, 2]);
    const xs = x.arraySync() as number[][][][][];
    const ys = y.arraySync() as number[][][][][];
    for (let t = 0; t < 2; t++) {
      for (let b = 0; b < 3; b++) {
        const ref = reference(xs[t]![b]!, oh, ow);
        ref.flat(2).forEach((v, k) => expect(ys[t]![b]!.flat(2)[k]).toBeCloseTo(v, 5));
      }
    }
  });

  it('5 -> 3 uses the bins [0,2), [1,4), [3,5) (hand case)', () => {
    const x = tf.tensor([1, 2, 3, 4, 5], [1, 1, 5, 1, 1]);
    expect(Array.from(new AdaptiveAvgPool2d([3, 1]).forward(x).dataSync())).toEqual([1.5, 3, 4.5]);
  });

  it('has the gradient of central differences', () => {
    const x = tf.randomUniform([1, 1, 5, 4, 1], -1, 1, 'float32', 5);
    const r = tf.randomUniform([1, 1, 3, 3, 1], -1, 1, 'float32', 6);
    const pool = new AdaptiveAvgPool2d(3);
    const f = (v: tf.Tensor) => tf.sum(tf.mul(pool.forward(v), r));
    const g = Array.from(tf.grad(f)(x).dataSync());
    const xs = Array.from(x.dataSync());
    const eps = 1e-2;
    xs.forEach((_, i) => {
      const plus = xs.slice();
      const minus = xs.slice();
      plus[i]! += eps;
      minus[i]! -= eps;
      const num = (f(tf.tensor(plus, x.shape)).dataSync()[0]! - f(tf.tensor(minus, x.shape)).dataSync()[0]!) / (2 * eps);
      expect(g[i]).toBeCloseTo(num, 3);
    });
  });

  it('rejects a bad size or rank with the layer named', () => {
    expect(() => new AdaptiveAvgPool2d(0)).toThrowError(/AdaptiveAvgPool2d: outputSize/);
    expect(() => new AdaptiveAvgPool2d(2).forward(tf.zeros([2, 4, 4, 1]))).toThrowError(/AdaptiveAvgPool2d\(2\): expected input \[T, B, H, W, C\]/);
  });
});
