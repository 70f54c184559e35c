import { expectClose } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { Rng } from '../util/rng.js';
import { onBackend, randnData } from '../ops/test-utils/compare.js';
import { poolReference } from '../ops/test-utils/pool-reference.js';
import { AvgPool2d, MaxPool2d } from './pooling.js';
import { Flatten } from './flatten.js';

describe('MaxPool2d / AvgPool2d', () => {
  const cases: Array<{ kind: 'max' | 'avg'; k: number; s?: number; p: number; hw: [number, number] }> = [
    { kind: 'max', k: 2, p: 0, hw: [8, 8] },
    { kind: 'max', k: 2, p: 0, hw: [7, 9] }, // floor mode drops the last row/column
    { kind: 'max', k: 3, s: 2, p: 1, hw: [8, 7] },
    { kind: 'avg', k: 2, p: 0, hw: [8, 6] },
    { kind: 'avg', k: 3, s: 2, p: 1, hw: [7, 8] }, // padding counts in the average
    { kind: 'avg', k: 3, s: 1, p: 1, hw: [5, 5] },
  ];
  for (const cs of cases) {
    const name = `${cs.kind} k=${cs.k} s=${cs.s ?? cs.k} p=${cs.p} on ${cs.hw.join('x')}`;
    it(`${name}: values and gradients match PyTorch semantics on wasm and cpu`, async () => {
      const [T, B, C] = [2, 3, 4];
      const shape = [T, B, ...cs.hw, C];
      const rng = new Rng(name);
      const xData = randnData(
        shape.reduce((a, b) => a * b),
        rng,
      );
      const s = cs.s ?? cs.k;
      const ho = Math.floor((cs.hw[0] + 2 * cs.p - cs.k) / s) + 1;
      const wo = Math.floor((cs.hw[1] + 2 * cs.p - cs.k) / s) + 1;
      const rData = randnData(T * B * ho * wo * C, rng);
      const want = poolReference(cs.kind, xData, [T * B, ...cs.hw, C], { kernel: [cs.k, cs.k], stride: [s, s], padding: [cs.p, cs.p] }, rData);
      for (const backend of ['wasm', 'cpu'] as const) {
        const [y, yShape, dx] = await onBackend(backend, () => {
          const layer = cs.kind === 'max' ? new MaxPool2d(cs.k, cs.s, cs.p) : new AvgPool2d(cs.k, cs.s, cs.p);
          const x = tf.tensor(xData, shape);
          const out = layer.forward(x);
          const r = tf.tensor(rData, out.shape);
          const g = tf.grad((v: Tensor) => tf.sum(tf.mul(layer.forward(v), r)))(x);
          return [out.dataSync(), out.shape, g.dataSync()] as const;
        });
        expect(yShape).toEqual([T, B, ho, wo, C]);
        expectClose(y, want.y, 1e-5, `${backend} y`);
        expectClose(dx, want.dx, 1e-5, `${backend} dx`);
      }
    });
  }

  it('defaults the stride to the kernel size, describes itself and validates options and shapes', () => {
    const pool = new MaxPool2d(2);
    expect(pool.forward(tf.zeros([4, 2, 28, 28, 8])).shape).toEqual([4, 2, 14, 14, 8]);
    expect(pool.describe()).toBe('MaxPool2d(kernelSize=2, stride=2)');
    expect(new AvgPool2d([3, 2], 1, [1, 0]).describe()).toBe('AvgPool2d(kernelSize=[3, 2], stride=1, padding=[1, 0])');
    expect(() => pool.forward(tf.zeros([2, 28, 28, 8]))).toThrowError('MaxPool2d(kernelSize=2, stride=2): expected input [T, B, H, W, C] (NHWC), got [2, 28, 28, 8]');
    expect(() => new MaxPool2d(3).forward(tf.zeros([1, 1, 2, 5, 1]))).toThrowError(/MaxPool2d\(kernelSize=3, stride=3\): expected input .*H >= 3.*got \[1, 1, 2, 5, 1\]/);
    expect(() => new MaxPool2d(2, 2, 2)).toThrowError(/at most half the kernel size/);
    expect(() => new AvgPool2d(0)).toThrowError(/AvgPool2d: kernelSize must be an integer >= 1/);
  });
});

describe('Flatten', () => {
  it('flattens every axis after T and B in row-major (h, w, c) order', () => {
    const x = tf.range(0, 2 * 3 * 4 * 5 * 6).reshape([2, 3, 4, 5, 6]);
    const y = new Flatten().forward(x);
    expect(y.shape).toEqual([2, 3, 120]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(new Flatten().forward(tf.zeros([2, 3, 7])).shape).toEqual([2, 3, 7]);
    expect(new Flatten().describe()).toBe('Flatten()');
    expect(() => new Flatten().forward(tf.zeros([2, 3]))).toThrowError('Flatten(): expected input [T, B, ...] with at least one feature axis, got [2, 3]');
  });
});
