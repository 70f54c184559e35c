import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { expectSpikeflowError } from '@spikeflow/testing';
import { Rng } from '../util/rng.js';
import { maxPool2d } from './max-pool.js';
import { expectClose, onBackend, randnData } from './test-utils/compare.js';
import { poolReference, type PoolSpec } from './test-utils/pool-reference.js';

const specs: Array<PoolSpec & { hw: [number, number] }> = [
  { kernel: [2, 2], stride: [2, 2], padding: [0, 0], hw: [8, 8] },
  { kernel: [2, 2], stride: [2, 2], padding: [0, 0], hw: [7, 9] },
  { kernel: [3, 3], stride: [2, 2], padding: [1, 1], hw: [8, 7] },
  { kernel: [3, 3], stride: [1, 1], padding: [1, 1], hw: [5, 6] },
  { kernel: [3, 3], stride: [3, 3], padding: [1, 1], hw: [7, 8] },
  { kernel: [1, 1], stride: [2, 2], padding: [0, 0], hw: [5, 6] }, // phases no window touches
  { kernel: [2, 2], stride: [3, 3], padding: [1, 1], hw: [7, 7] },
  { kernel: [3, 2], stride: [2, 1], padding: [1, 0], hw: [7, 5] },
];

function run(x: Float32Array, shape: number[], spec: PoolSpec, r: Float32Array) {
  return tf.tidy(() => {
    const xt = tf.tensor(x, shape);
    const f = (v: Tensor) => maxPool2d(v, spec.kernel, spec.stride, spec.padding);
    const y = f(xt);
    const dx = tf.grad((v: Tensor) => tf.sum(tf.mul(f(v), tf.tensor(r, y.shape))))(xt);
    return [y, dx];
  });
}

describe('maxPool2d op (PyTorch first-maximum gradient on every backend)', () => {
  for (const spec of specs) {
    const name = `k=${spec.kernel} s=${spec.stride} p=${spec.padding} on ${spec.hw.join('x')}`;
    for (const data of ['normal', 'spikes'] as const) {
      it(`${name}, ${data} input`, async () => {
        const shape = [3, ...spec.hw, 4];
        const rng = new Rng(`${name}:${data}`);
        const size = shape.reduce((a, b) => a * b);
        // Spikes (0/1, mostly 0) make all-zero windows and ties the common case, as after a neuron layer.
        const x = data === 'normal' ? randnData(size, rng) : Float32Array.from({ length: size }, () => (rng.uniform() < 0.2 ? 1 : 0));
        const ref = poolReference('max', x, shape, spec);
        const r = randnData(ref.y.length, rng);
        const want = poolReference('max', x, shape, spec, r);
        for (const backend of ['wasm', 'cpu'] as const) {
          const [y, dx] = await onBackend(backend, () => {
            const out = run(x, shape, spec, r);
            const d = out.map((t) => [t.dataSync(), t.shape] as const);
            tf.dispose(out);
            return d;
          });
          expect(y[1]).toEqual(want.shape);
          expect(dx[1]).toEqual(shape);
          expectClose(y[0], want.y, 1e-6, `${backend} y`);
          expectClose(dx[0], want.dx, 1e-6, `${backend} dx`);
        }
      });
    }
  }

  it('does not leak tensors and validates its arguments', () => {
    const x = tf.randomNormal([2, 6, 6, 3]);
    for (const [k, s, p] of [
      [3, 2, 1],
      [2, 2, 0],
      [1, 2, 0],
    ]) {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        tf.grad((v: Tensor) => tf.sum(maxPool2d(v, k, s, p)))(x);
      });
      expect(tf.memory().numTensors, `k=${k} s=${s} p=${p}`).toBe(before);
    }
    expectSpikeflowError(() => maxPool2d(tf.zeros([6, 6, 3]), 2), 'shape-mismatch');
    expect(() => maxPool2d(x, 7)).toThrowError(/does not fit/);
    expect(() => maxPool2d(x, 0)).toThrowError(/kernel/);
  });
});
