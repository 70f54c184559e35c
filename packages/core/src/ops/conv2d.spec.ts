import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Rng } from '../util/rng.js';
import { conv2d, convGeometry, type Conv2dPadding } from './conv2d.js';
import { expectClose, onBackend, randnData } from './test-utils/compare.js';

interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly k: [number, number];
  readonly cout: number;
  readonly strides: number | [number, number];
  readonly padding: Conv2dPadding;
}

const cases: Case[] = [
  { name: '3x3 stride 1 same', x: [2, 7, 6, 3], k: [3, 3], cout: 4, strides: 1, padding: 'same' },
  { name: '3x3 stride 1 valid', x: [2, 7, 6, 3], k: [3, 3], cout: 4, strides: 1, padding: 'valid' },
  { name: '3x3 stride 1 padding 1', x: [2, 6, 6, 2], k: [3, 3], cout: 3, strides: 1, padding: 1 },
  { name: '2x2 (even) stride 1 same', x: [2, 5, 6, 3], k: [2, 2], cout: 2, strides: 1, padding: 'same' },
  { name: '4x4 (even) stride 1 same', x: [1, 7, 8, 2], k: [4, 4], cout: 3, strides: 1, padding: 'same' },
  { name: '1x1 stride 1 padding 1 (padding wider than the kernel)', x: [2, 4, 5, 3], k: [1, 1], cout: 2, strides: 1, padding: 1 },
  { name: '2x2 stride 1 padding 2', x: [1, 5, 4, 2], k: [2, 2], cout: 3, strides: 1, padding: 2 },
  { name: '3x3 stride 2 same (even input)', x: [2, 8, 8, 3], k: [3, 3], cout: 4, strides: 2, padding: 'same' },
  { name: '3x3 stride 2 same (odd input)', x: [2, 7, 9, 3], k: [3, 3], cout: 4, strides: 2, padding: 'same' },
  { name: '3x3 stride 2 padding 1', x: [2, 7, 8, 2], k: [3, 3], cout: 3, strides: 2, padding: 1 },
  { name: '3x3 stride 2 valid (unused last row/column)', x: [2, 8, 8, 3], k: [3, 3], cout: 2, strides: 2, padding: 'valid' },
  { name: '2x2 stride 2 valid', x: [2, 6, 7, 3], k: [2, 2], cout: 4, strides: 2, padding: 'valid' },
  { name: '4x4 stride 2 same', x: [1, 9, 8, 2], k: [4, 4], cout: 3, strides: 2, padding: 'same' },
  { name: '3x2 kernel, strides [2, 1], padding [1, 0]', x: [2, 7, 6, 3], k: [3, 2], cout: 2, strides: [2, 1], padding: [1, 0] },
  { name: '5x5 stride 3 padding 2', x: [1, 11, 10, 2], k: [5, 5], cout: 2, strides: 3, padding: 2 },
  // More than 4 input channels: on wasm the filter gradient takes the dense path (one forward conv).
  { name: '3x3 stride 1 padding 1, 8 channels', x: [2, 6, 5, 8], k: [3, 3], cout: 5, strides: 1, padding: 1 },
];

type Explicit4 = [[number, number], [number, number], [number, number], [number, number]];
function tfPad(p: Conv2dPadding): 'same' | 'valid' | number | Explicit4 {
  return typeof p === 'object'
    ? [
        [0, 0],
        [p[0], p[0]],
        [p[1], p[1]],
        [0, 0],
      ]
    : p;
}

interface Result {
  y: Float32Array;
  yShape: number[];
  dx: Float32Array;
  dw: Float32Array;
}

/** Forward value and gradients of `sum(conv(x, w) * r)` (r random, so dy is not all ones). */
function run(c: Case, conv: (x: Tensor, w: Tensor) => Tensor): Result {
  const rng = new Rng(`conv:${c.name}`);
  const wShape = [c.k[0], c.k[1], c.x[3], c.cout];
  const xData = randnData(
    c.x.reduce((a, b) => a * b),
    rng,
  );
  const wData = randnData(
    wShape.reduce((a, b) => a * b),
    rng,
  );
  const [y, dx, dw] = tf.tidy(() => {
    const x = tf.tensor(xData, c.x);
    const w = tf.tensor(wData, wShape);
    const out = conv(x, w);
    const r = tf.tensor(randnData(out.size, rng), out.shape);
    return [out, ...tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, w])];
  });
  const result = { y: y.dataSync() as Float32Array, yShape: y.shape, dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  tf.dispose([y, dx, dw]);
  return result;
}

const ours = (c: Case, filterGrad: 'conv' | 'im2col' | undefined) => (x: Tensor, w: Tensor) => conv2d(x, w, { strides: c.strides, padding: c.padding, filterGrad });
const native = (c: Case) => (x: Tensor, w: Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides as [number, number], tfPad(c.padding));

describe('conv2d custom op vs tfjs native conv2d (native gradients on the cpu backend)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const want = await onBackend('cpu', () => run(c, native(c)));
      for (const backend of ['cpu', 'wasm'] as const) {
        // undefined: the default choice (on wasm with <= 4 input channels, the compiled filter-gradient scatter)
        for (const method of ['conv', 'im2col', undefined] as const) {
          const got = await onBackend(backend, () => run(c, ours(c, method)));
          const label = `${backend}/${method ?? 'default'}`;
          expect(got.yShape, `${label} output shape`).toEqual(want.yShape);
          expectClose(got.y, want.y, 1e-5, `${label} y`);
          expectClose(got.dx, want.dx, 1e-5, `${label} dx`);
          expectClose(got.dw, want.dw, 1e-5, `${label} dw`);
        }
      }
    });
  }

  it('geometry matches PyTorch for numeric padding and TensorFlow for same/valid', () => {
    expect(convGeometry(28, 28, 3, 3, 2, 2, 1)).toMatchObject({ outH: 14, outW: 14, top: 1, bottom: 1 });
    expect(convGeometry(7, 7, 3, 3, 2, 2, 'valid')).toMatchObject({ outH: 3, outW: 3 });
    expect(convGeometry(6, 6, 2, 2, 1, 1, 'same')).toMatchObject({ outH: 6, top: 0, bottom: 1, left: 0, right: 1 });
  });

  it('does not leak tensors through forward and backward', () => {
    const x = tf.randomNormal([1, 7, 6, 2]);
    const w = tf.randomNormal([3, 3, 2, 2]);
    for (const filterGrad of ['conv', 'im2col'] as const) {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        tf.grads((a: Tensor, b: Tensor) => tf.sum(conv2d(a, b, { strides: 2, padding: 'valid', filterGrad })))([x, w]);
      });
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, w]);
  });

  it('rejects mismatched shapes and unsupported options with a SpikeflowError', () => {
    const x = tf.zeros([1, 5, 5, 3]);
    expect(() => conv2d(x, tf.zeros([3, 3, 2, 4]))).toThrowError(/conv2d: expected x \[N, H, W, Cin\].*got x \[1,5,5,3\] and filter \[3,3,2,4\]/);
    expect(() => conv2d(tf.zeros([5, 5, 3]), tf.zeros([3, 3, 3, 4]))).toThrow(SpikeflowError);
    expect(() => conv2d(x, tf.zeros([3, 3, 3, 4]), { dilation: 2 })).toThrowError(/dilation/);
    expect(() => conv2d(x, tf.zeros([7, 7, 3, 4]))).toThrowError(/does not fit/);
    expect(() => conv2d(x, tf.zeros([3, 3, 3, 4]), { filterGrad: 'fft' as 'conv' })).toThrowError(/filterGrad/);
  });
});
