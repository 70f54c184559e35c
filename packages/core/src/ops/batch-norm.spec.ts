import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { Rng } from '../util/rng.js';
import { batchNormTrain } from './batch-norm.js';
import { expectClose, onBackend, randnData } from './test-utils/compare.js';

/** The textbook composition (tf.moments, native autodiff), the reference on the cpu backend. */
function composed(x: Tensor, w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const { mean, variance } = tf.moments(x, 0);
  const y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  const scaled = w ? tf.mul(y, w) : y;
  return b ? tf.add(scaled, b) : scaled;
}

describe('batchNormTrain op vs composed ops with native gradients (cpu backend)', () => {
  for (const [affineW, affineB] of [
    [true, true],
    [false, false],
    [true, false],
    [false, true],
  ] as const) {
    it(`weight ${affineW ? 'on' : 'off'}, bias ${affineB ? 'on' : 'off'}`, async () => {
      const [m, c] = [37, 5];
      const rng = new Rng(`bn-op:${affineW}:${affineB}`);
      const xData = Float32Array.from(randnData(m * c, rng), (v, i) => 4 * v + (i % c) * 10);
      const rData = randnData(m * c, rng);
      const wData = randnData(c, rng);
      const bData = randnData(c, rng);
      const run = (f: (x: Tensor, w: Tensor | null, b: Tensor | null) => Tensor) => {
        const out = tf.tidy(() => {
          const x = tf.tensor(xData, [m, c]);
          const w = affineW ? tf.tensor(wData) : null;
          const b = affineB ? tf.tensor(bData) : null;
          const r = tf.tensor(rData, [m, c]);
          const inputs = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
          const loss = (...t: Tensor[]) => tf.sum(tf.mul(f(t[0], w ? t[1] : null, b ? t[t.length - 1] : null), r));
          return [f(x, w, b), ...tf.grads(loss)(inputs)];
        });
        const data = out.map((t) => t.dataSync());
        tf.dispose(out);
        return data;
      };
      const want = await onBackend('cpu', () => run((x, w, b) => composed(x, w, b, 1e-5)));
      for (const backend of ['cpu', 'wasm'] as const) {
        const got = await onBackend(backend, () =>
          run((x, w, b) => {
            const { y, mean, variance } = batchNormTrain(x, w, b, 1e-5);
            tf.dispose([mean, variance]);
            return y;
          }),
        );
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => expectClose(g, want[i], 1e-5, `${backend} output ${i}`));
      }
    });
  }

  it('returns the batch mean and biased variance, and leaks nothing', () => {
    const x = tf.tensor([
      [1, 10],
      [3, 20],
      [5, 60],
    ]);
    const before = tf.memory().numTensors;
    const { y, mean, variance } = batchNormTrain(x, null, null, 0);
    expectClose(mean, [3, 30], 1e-6, 'mean');
    expectClose(variance, [8 / 3, 1400 / 3], 1e-5, 'variance');
    tf.dispose([y, mean, variance]);
    expect(tf.memory().numTensors).toBe(before);
    const w = tf.ones([2]);
    const b = tf.zeros([2]);
    const before2 = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((a: Tensor, c: Tensor, d: Tensor) => {
        const r = batchNormTrain(a, c, d, 1e-5);
        tf.dispose([r.mean, r.variance]);
        return tf.sum(tf.square(r.y));
      })([x, w, b]);
    });
    expect(tf.memory().numTensors).toBe(before2);
  });
});
