import { expectClose } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Rng } from '../util/rng.js';
import { manualSeed } from '../util/seed.js';
import { randnData } from '../ops/test-utils/compare.js';
import { Conv2d } from './conv2d.js';

describe('Conv2d', () => {
  it('applies the same convolution to every time step (time folded into batch) and adds the bias', () => {
    manualSeed(5);
    const conv = new Conv2d(3, 4, 3, { stride: 2, padding: 1 });
    const x = tf.tensor(randnData(2 * 2 * 7 * 6 * 3, new Rng(2)), [2, 2, 7, 6, 3]);
    const y = conv.forward(x);
    expect(y.shape).toEqual([2, 2, 4, 3, 4]); // floor((7 + 2 - 3) / 2) + 1 = 4, floor((6 + 2 - 3) / 2) + 1 = 3
    for (let t = 0; t < 2; t++) {
      const xt = tf.squeeze(tf.slice(x, [t], [1]), [0]) as tf.Tensor4D;
      const want = tf.add(
        tf.conv2d(xt, conv.weight as tf.Tensor4D, 2, [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]),
        conv.bias!,
      );
      expectClose(tf.squeeze(tf.slice(y, [t], [1]), [0]), want, 1e-5, `t=${t}`);
    }
  });

  it("supports 'same' padding (TensorFlow's rule), even kernels and rectangular kernels", () => {
    expect(new Conv2d(2, 3, 3, { padding: 'same' }).forward(tf.zeros([1, 2, 9, 9, 2])).shape).toEqual([1, 2, 9, 9, 3]);
    expect(new Conv2d(2, 3, 2, { padding: 'same', stride: 2 }).forward(tf.zeros([1, 2, 9, 8, 2])).shape).toEqual([1, 2, 5, 4, 3]);
    expect(new Conv2d(2, 3, [3, 1]).forward(tf.zeros([1, 1, 5, 5, 2])).shape).toEqual([1, 1, 3, 5, 3]);
    expect(new Conv2d(2, 3, 3).forward(tf.zeros([1, 1, 5, 5, 2])).shape).toEqual([1, 1, 3, 3, 3]); // default padding 0
  });

  it('initialises reproducibly within the PyTorch bound 1/sqrt(Cin·kh·kw), HWIO layout', () => {
    manualSeed(9);
    const a = new Conv2d(16, 32, 3);
    manualSeed(9);
    const b = new Conv2d(16, 32, 3);
    expect(a.weight.shape).toEqual([3, 3, 16, 32]);
    expect(Array.from(a.weight.dataSync())).toEqual(Array.from(b.weight.dataSync()));
    expect(Array.from(a.bias!.dataSync())).toEqual(Array.from(b.bias!.dataSync()));
    const bound = 1 / Math.sqrt(16 * 9);
    const absMax = Array.from(a.weight.dataSync()).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(absMax).toBeLessThanOrEqual(bound);
    expect(absMax).toBeGreaterThan(0.99 * bound);
    expect(a.bias!.dataSync().every((v) => Math.abs(v) <= bound)).toBe(true);
  });

  it('describes itself and rejects wrong shapes and options with a SpikeflowError', () => {
    const conv = new Conv2d(2, 32, 3, { padding: 1 });
    expect(conv.describe()).toBe('Conv2d(2, 32, kernelSize=3, stride=1, padding=1)');
    expect(new Conv2d(2, 4, [3, 2], { stride: [2, 1], padding: 'same', bias: false }).describe()).toBe(
      "Conv2d(2, 4, kernelSize=[3, 2], stride=[2, 1], padding='same', bias=false)",
    );
    expect(() => conv.forward(tf.zeros([1, 2, 8, 8, 3]))).toThrowError(
      'Conv2d(2, 32, kernelSize=3, stride=1, padding=1): expected input [T, B, H, W, 2] (NHWC), got [1, 2, 8, 8, 3]',
    );
    expect(() => conv.forward(tf.zeros([2, 8, 8, 2]))).toThrowError(/got \[2, 8, 8, 2\]/);
    expect(() => new Conv2d(2, 4, 5).forward(tf.zeros([1, 1, 3, 3, 2]))).toThrowError(/does not fit a 3x3 input/);
    expect(() => new Conv2d(2, 4, 0)).toThrow(SpikeflowError);
    expect(() => new Conv2d(2, 4, 3, { padding: -1 })).toThrowError(/Conv2d: padding must be an integer >= 0/);
  });
});
