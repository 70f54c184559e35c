import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { TestIF, sigmoidSurrogate } from '../test-utils/fixtures.js';
import { spike, detach, heaviside } from './spike-fn.js';

describe('spike function', () => {
  it('fires at x >= 0 and passes the surrogate derivative backward', () => {
    const x = tf.tensor([-1, -1e-7, 0, 1e-7, 2]);
    expect(Array.from(heaviside(x).dataSync())).toEqual([0, 0, 1, 1, 1]);
    const s = sigmoidSurrogate(4);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(spike(v, s), tf.tensor([1, 2, 3, 4, 5]))))(x);
    const want = [-1, -1e-7, 0, 1e-7, 2].map((v, i) => {
      const sg = 1 / (1 + Math.exp(-4 * v));
      return (i + 1) * 4 * sg * (1 - sg);
    });
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('detach passes values and blocks gradients', () => {
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(detach(v), v), v)))(tf.tensor([3]));
    expect(g.dataSync()[0]).toBeCloseTo(4, 6); // d/dv (c·v + v) with c = 3 held constant
  });
});

describe('BaseNode charge-fire-reset', () => {
  const xs = [0.6, 0.6, 0.3, 1.5, -0.2];

  function reference(vReset: number | null): { s: number[]; v: number[] } {
    let v = vReset ?? 0;
    const s: number[] = [];
    const vs: number[] = [];
    for (const x of xs) {
      const h = v + x;
      const fired = h - 1 >= 0 ? 1 : 0;
      v = vReset === null ? h - fired : fired * vReset + (1 - fired) * h;
      s.push(fired);
      vs.push(v);
    }
    return { s, v: vs };
  }

  for (const vReset of [0, -0.5, null]) {
    it(`hard/soft reset (vReset=${vReset}) matches the float64 reference, multi-step and single-step`, () => {
      const node = new TestIF({ surrogate: sigmoidSurrogate(), vReset });
      const ref = reference(vReset);
      const out = node.forward(tf.tensor(xs, [xs.length, 1]));
      expect(Array.from(out.dataSync())).toEqual(ref.s);
      node.resetState();
      for (let t = 0; t < xs.length; t++) {
        expect(node.step(tf.tensor([xs[t]])).dataSync()[0]).toBe(ref.s[t]);
        expect(node.v!.dataSync()[0]).toBeCloseTo(ref.v[t], 6);
      }
      node.resetState();
      expect(node.v).toBeNull();
    });
  }

  it('differentiates a single time step (T = 1)', () => {
    const node = new TestIF({ surrogate: sigmoidSurrogate(4) });
    const g = tf.grad((v: tf.Tensor) => tf.sum(node.forward(v)))(tf.tensor([[0.5, 1.5]]));
    const want = [0.5, 1.5].map((h) => {
      const s = 1 / (1 + Math.exp(-4 * (h - 1)));
      return 4 * s * (1 - s);
    });
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('rejects inputs without a time axis and bad options', () => {
    const node = new TestIF({ surrogate: sigmoidSurrogate() });
    expect(() => node.forward(tf.tensor([1]))).toThrowError(/time-first input \[T, B, \.\.\.\]/);
    expect(() => new TestIF({ surrogate: sigmoidSurrogate(), vThreshold: Number.NaN })).toThrowError(/vThreshold/);
  });
});
