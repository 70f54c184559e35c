import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Rng } from '../util/rng.js';
import { linear } from './linear.js';
import { expectClose, onBackend, randnData } from './test-utils/compare.js';

/** y and the gradients of `sum(f(x, w, b) * r)` for seeded random data. */
function run(n: number, inF: number, outF: number, withBias: boolean, f: (x: Tensor, w: Tensor, b?: Tensor) => Tensor): Float32Array[] {
  const rng = new Rng(`linear:${n}:${inF}:${outF}:${withBias}`);
  const xData = randnData(n * inF, rng);
  const wData = randnData(inF * outF, rng);
  const bData = randnData(outF, rng);
  const rData = randnData(n * outF, rng);
  const out = tf.tidy(() => {
    const x = tf.tensor(xData, [n, inF]);
    const w = tf.tensor(wData, [inF, outF]);
    const b = tf.tensor(bData, [outF]);
    const r = tf.tensor(rData, [n, outF]);
    const inputs = withBias ? [x, w, b] : [x, w];
    const loss = (...t: Tensor[]) => tf.sum(tf.mul(f(t[0], t[1], t[2]), r));
    return [f(x, w, withBias ? b : undefined), ...tf.grads(loss)(inputs)];
  });
  const data = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return data;
}

const native = (x: Tensor, w: Tensor, b?: Tensor) => (b ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w));

describe('linear custom op vs tf.matMul with native gradients (cpu backend)', () => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [5, 7, 3],
    [16, 33, 10],
    [64, 100, 40],
  ];
  for (const [n, inF, outF] of shapes) {
    for (const withBias of [true, false]) {
      it(`[${n}x${inF}] x [${inF}x${outF}]${withBias ? ' + bias' : ''}`, async () => {
        const want = await onBackend('cpu', () => run(n, inF, outF, withBias, native));
        for (const backend of ['cpu', 'wasm'] as const) {
          const got = await onBackend(backend, () => run(n, inF, outF, withBias, linear));
          const names = ['y', 'dx', 'dw', 'db'];
          expect(got.length).toBe(want.length);
          got.forEach((g, i) => expectClose(g, want[i], 1e-5, `${backend} ${names[i]}`));
        }
      });
    }
  }

  it('does not leak tensors', () => {
    const x = tf.randomNormal([4, 6]);
    const w = tf.randomNormal([6, 3]);
    const b = tf.randomNormal([3]);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((a: Tensor, c: Tensor, d: Tensor) => tf.sum(linear(a, c, d)))([x, w, b]);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b]);
  });

  it('rejects mismatched shapes with a SpikeflowError naming both shapes', () => {
    expect(() => linear(tf.zeros([2, 5]), tf.zeros([4, 3]))).toThrowError(/linear: .*got x \[2,5\] and w \[4,3\]/);
    expect(() => linear(tf.zeros([2, 3, 4]), tf.zeros([4, 3]))).toThrow(SpikeflowError);
    expect(() => linear(tf.zeros([2, 4]), tf.zeros([4, 3]), tf.zeros([4]))).toThrowError(/expected bias \[3\], got \[4\]/);
  });
});
