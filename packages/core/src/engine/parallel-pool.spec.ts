// The worker-thread split of large products on wasm against the same product on one thread.
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { Rng } from '../util/rng.js';
import { conv2d } from '../ops/conv2d.js';
import { expectClose, onBackend, randnData } from '../ops/test-utils/compare.js';
import { parallelConv2d, parallelMatMul, parallelTaskCount, useParallelWorker } from './parallel-pool.js';

afterAll(() => useParallelWorker(true));

function both<T extends tf.Tensor>(make: () => T): [Float32Array, Float32Array, number] {
  useParallelWorker(true);
  const before = parallelTaskCount();
  const a = tf.tidy(make);
  const used = parallelTaskCount() - before;
  useParallelWorker(false);
  const b = tf.tidy(make);
  useParallelWorker(true);
  const out: [Float32Array, Float32Array, number] = [a.dataSync().slice() as Float32Array, b.dataSync().slice() as Float32Array, used];
  expect(a.shape).toEqual(b.shape);
  tf.dispose([a, b]);
  return out;
}

describe('products split across the worker thread equal the single-thread ones', () => {
  it('matMul [1201, 640] x [640, 640] (odd split), and a small one stays on this thread', async () => {
    await onBackend('wasm', () => {
      const rng = new Rng('pmm');
      const a = tf.tensor(randnData(1201 * 640, rng), [1201, 640]);
      const b = tf.tensor(randnData(640 * 640, rng), [640, 640]);
      const [par, single, used] = both(() => parallelMatMul(a as tf.Tensor2D, b as tf.Tensor2D));
      expect(used).toBe(1);
      expectClose(par, single, 1e-6, 'matMul');
      const small = both(() => parallelMatMul(tf.slice(a, [0, 0], [4, 640]) as tf.Tensor2D, b as tf.Tensor2D));
      expect(small[2]).toBe(0);
      tf.dispose([a, b]);
    });
  });

  it('conv2d forward and both gradients of a conv layer (batch 33, strides 1 and 2)', async () => {
    await onBackend('wasm', () => {
      for (const strides of [1, 2] as const) {
        const rng = new Rng(`pconv${strides}`);
        const x = tf.tensor(randnData(33 * 14 * 14 * 32, rng), [33, 14, 14, 32]);
        const w = tf.tensor(randnData(3 * 3 * 32 * 32, rng), [3, 3, 32, 32]);
        const r = tf.tensor(randnData(33 * 14 * 14 * 32, rng), [33, 14, 14, 32]);
        const f = () => {
          const y = conv2d(x, w, { strides, padding: 1 });
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.mul(conv2d(a, b, { strides, padding: 1 }), tf.slice(r, [0, 0, 0, 0], y.shape as [number, number, number, number]))),
          )([x, w]);
          return tf.concat([tf.reshape(y, [-1]), tf.reshape(dx, [-1]), tf.reshape(dw, [-1])]);
        };
        const [par, single, used] = both(f);
        // stride 1: forward (twice), input and filter gradients split; stride 2: the input gradient
        expect(used).toBeGreaterThanOrEqual(strides === 1 ? 4 : 1);
        expectClose(par, single, 1e-5, `conv stride ${strides}`);
        tf.dispose([x, w, r]);
      }
      const x = tf.ones([4, 5, 5, 2]) as tf.Tensor4D;
      const k = tf.ones([3, 3, 2, 1]) as tf.Tensor4D;
      const y = parallelConv2d(x, k, [1, 1], 'valid');
      expect(Array.from(y.dataSync())).toEqual(new Array(4 * 3 * 3).fill(18));
      tf.dispose([x, k, y]);
    });
  });
});
