import { describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { selectBackend } from './backend.js';
import { Rng } from '../util/rng.js';

// Naive reference: visit every output index and read the input by its full multi-index.
function naiveSlice(data: Float32Array, shape: number[], begin: number[], size: number[]): number[] {
  const out: number[] = [];
  const rank = shape.length;
  const idx = new Array(rank).fill(0);
  const total = size.reduce((a, b) => a * b, 1);
  for (let k = 0; k < total; k++) {
    let flat = 0;
    for (let d = 0; d < rank; d++) flat = flat * shape[d] + begin[d] + idx[d];
    out.push(data[flat]);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

describe('fast wasm Slice / Unpack / SplitV kernels', () => {
  it('match a naive reference for ranks 1-6, any box, unstack and split along every axis', async () => {
    await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const rng = new Rng(3);
    for (let trial = 0; trial < 120; trial++) {
      const rank = 1 + (trial % 6);
      const shape = Array.from({ length: rank }, () => 1 + rng.int(5));
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => i + 0.5);
      const begin = shape.map((d) => rng.int(d));
      const size = shape.map((d, i) => 1 + rng.int(d - begin[i]));
      const x = tf.tensor(data, shape);
      const got = tf.slice(x, begin, size);
      expect(got.shape).toEqual(size);
      expect(Array.from(got.dataSync())).toEqual(naiveSlice(data, shape, begin, size));
      const axis = rng.int(rank);
      const parts = tf.unstack(x, axis);
      parts.forEach((p, i) => {
        const b = shape.map((_, d) => (d === axis ? i : 0));
        const s = shape.map((dim, d) => (d === axis ? 1 : dim));
        expect(p.shape).toEqual(shape.filter((_, d) => d !== axis));
        expect(Array.from(p.dataSync())).toEqual(naiveSlice(data, shape, b, s));
      });
      const sizes: number[] = [];
      let left = shape[axis];
      while (left > 0) {
        const k = 1 + rng.int(left);
        sizes.push(k);
        left -= k;
      }
      const pieces = tf.split(x, sizes, axis);
      let start = 0;
      pieces.forEach((p, i) => {
        const b = shape.map((_, d) => (d === axis ? start : 0));
        const s = shape.map((dim, d) => (d === axis ? sizes[i] : dim));
        start += sizes[i];
        expect(p.shape).toEqual(s);
        expect(Array.from(p.dataSync())).toEqual(naiveSlice(data, shape, b, s));
      });
      tf.dispose([x, got, ...parts, ...pieces]);
    }
  });

  it('keeps int32 and bool dtypes and gradients through slice', async () => {
    await selectBackend('wasm');
    const xi = tf.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [2, 3],
      'int32',
    );
    const s = tf.slice(xi, [1, 1], [1, 2]);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([5, 6]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.slice(v, [0, 1], [2, 1]), 3)))(tf.ones([2, 3]));
    expect(Array.from(g.dataSync())).toEqual([0, 3, 0, 0, 3, 0]);
  });
});
