import { afterEach, describe, expect, it, vi } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { Rng } from '../util/rng.js';
import { Linear } from '../nn/linear.js';
import { isDataTensor, markDataTensor, passDataMark } from './data-tensor.js';
import { linear } from './linear.js';
import { EVENT_DRIVEN_MAX_DENSITY, SPARSE_MATMUL, SPARSE_MATMUL_GRAD_W, density, setEventDriven, sparseMatMul, sparseMatMulGradW } from './spike-matmul.js';
import { expectClose, onBackend, randnData } from './test-utils/compare.js';

afterEach(() => {
  setEventDriven('auto');
});

/** [n, k] with each entry non-zero with probability p: 1 (spikes), or a random value when `graded`. */
function sparseData(n: number, k: number, p: number, rng: Rng, graded = false): Float32Array {
  return Float32Array.from({ length: n * k }, () => (rng.uniform() < p ? (graded ? rng.normal() : 1) : 0));
}

/** A seeded product: x [n, k] (see {@link sparseData}), weights w [k, m] and an upstream gradient r [n, m], drawn in that order. */
function problem(seed: string, n: number, k: number, m: number, p: number, graded = false): { x: Float32Array; w: Float32Array; r: Float32Array } {
  const rng = new Rng(seed);
  const x = sparseData(n, k, p, rng, graded);
  const w = randnData(k * m, rng);
  return { x, w, r: randnData(n * m, rng) };
}

/** y, dx, dw of `sum(linear(x, w) * r)`, with the product forced event-driven or dense. */
function runLinear(mode: 'always' | 'never', x: Float32Array, w: Float32Array, r: Float32Array, n: number, k: number, m: number, dataInput = false): Float32Array[] {
  setEventDriven(mode);
  const out = tf.tidy(() => {
    const xt = tf.tensor(x, [n, k]);
    const wt = tf.tensor(w, [k, m]);
    const rt = tf.tensor(r, [n, m]);
    if (dataInput) markDataTensor(xt);
    const loss = (a: Tensor, b: Tensor) => tf.sum(tf.mul(linear(a, b), rt));
    return [linear(xt, wt), ...tf.grads(loss)([xt, wt])];
  });
  const data = out.map((t) => t.dataSync().slice() as Float32Array);
  tf.dispose(out);
  return data;
}

describe('event-driven spike products equal the dense ones', () => {
  const cases: Array<[number, number, number, number, boolean]> = [
    [1, 1, 1, 1, false],
    [37, 50, 10, 0.1, false],
    [64, 129, 33, 0.3, false],
    [256, 96, 7, 0.05, true],
    [16, 40, 12, 0, false],
    [20, 30, 9, 1, false],
  ];
  for (const backend of ['wasm', 'cpu'] as const) {
    it.each(cases)(`${backend}: [%i x %i] x [.. x %i], density %f, graded %s`, async (n, k, m, p, graded) => {
      const { x, w, r } = problem(`spike-matmul:${n}:${k}:${m}:${p}`, n, k, m, p, graded);
      await onBackend(backend, () => {
        const spy = vi.spyOn(tf.engine(), 'runKernel');
        const [y, dx, dw] = runLinear('always', x, w, r, n, k, m);
        const kernels = spy.mock.calls.map((c) => c[0]);
        spy.mockRestore();
        expect(kernels).toContain(SPARSE_MATMUL);
        expect(kernels).toContain(SPARSE_MATMUL_GRAD_W);
        const [yd, dxd, dwd] = runLinear('never', x, w, r, n, k, m);
        expectClose(y, yd, 1e-5, 'y');
        expectClose(dx, dxd, 1e-5, 'dx');
        expectClose(dw, dwd, 1e-5, 'dw');
      });
    });
  }

  it('the raw kernels agree with a straightforward triple loop', async () => {
    const [n, k, m] = [13, 21, 6];
    const { x, w, r: dy } = problem('spike-matmul:loop', n, k, m, 0.4, true);
    const y = new Float64Array(n * m);
    const dw = new Float64Array(k * m);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++)
        for (let c = 0; c < m; c++) {
          y[i * m + c] += x[i * k + j] * w[j * m + c];
          dw[j * m + c] += x[i * k + j] * dy[i * m + c];
        }
    for (const backend of ['wasm', 'cpu'] as const) {
      await onBackend(backend, () => {
        setEventDriven('always');
        const [yt, dwt] = tf.tidy(() => [sparseMatMul(tf.tensor(x, [n, k]), tf.tensor(w, [k, m])), sparseMatMulGradW(tf.tensor(x, [n, k]), tf.tensor(dy, [n, m]))]);
        expect(yt.shape).toEqual([n, m]);
        expect(dwt.shape).toEqual([k, m]);
        expectClose(yt.dataSync(), y, 1e-5, `${backend} y`);
        expectClose(dwt.dataSync(), dw, 1e-5, `${backend} dw`);
        tf.dispose([yt, dwt]);
      });
    }
  });
});

describe('the event-driven product is differentiable on its own (its registered gradient)', () => {
  it('tf.grads through sparseMatMul equals the gradients of the dense matMul', async () => {
    const [n, k, m] = [9, 17, 5];
    const { x, w, r } = problem('spike-matmul:grad', n, k, m, 0.3, true);
    for (const backend of ['wasm', 'cpu'] as const) {
      await onBackend(backend, () => {
        const grads = (product: (a: Tensor, b: Tensor) => Tensor) => {
          const out = tf.tidy(() => {
            const rt = tf.tensor(r, [n, m]);
            return tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(product(a, b), rt)))([tf.tensor(x, [n, k]), tf.tensor(w, [k, m])]);
          });
          const data = out.map((t) => t.dataSync().slice());
          tf.dispose(out);
          return data;
        };
        const spy = vi.spyOn(tf.engine(), 'runKernel');
        const [dx, dw] = grads(sparseMatMul);
        const kernels = spy.mock.calls.map((c) => c[0]);
        spy.mockRestore();
        expect(kernels).toContain(SPARSE_MATMUL_GRAD_W);
        const [dxd, dwd] = grads((a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
        expectClose(dx, dxd, 1e-5, `${backend} dx`);
        expectClose(dw, dwd, 1e-5, `${backend} dw`);
      });
    }
  });
});

describe('choosing the product by measured density', () => {
  it('density counts non-zeros on wasm and cpu', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      await onBackend(backend, () => {
        const t = tf.tensor([0, 1, 0, 0, 2.5, 0, -1, 0], [2, 4]);
        expect(density(t)).toBeCloseTo(3 / 8, 10);
        t.dispose();
      });
    }
  });

  it(`auto runs event-driven below ${EVENT_DRIVEN_MAX_DENSITY} density and dense above`, async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      await onBackend(backend, () => {
        const rng = new Rng('auto');
        const kernelsFor = (p: number) => {
          const x = tf.tensor(sparseData(32, 64, p, rng), [32, 64]);
          const w = tf.tensor(randnData(64 * 8, rng), [64, 8]);
          const spy = vi.spyOn(tf.engine(), 'runKernel');
          const y = linear(x, w);
          const names = spy.mock.calls.map((c) => c[0]);
          spy.mockRestore();
          tf.dispose([x, w, y]);
          return names;
        };
        expect(kernelsFor(0.05)).toContain(SPARSE_MATMUL);
        expect(kernelsFor(0.9)).not.toContain(SPARSE_MATMUL);
      });
    }
  });
});

describe('data inputs get no input gradient', () => {
  it('a marked input yields a zero dx and the same dw', async () => {
    const [n, k, m] = [9, 17, 5];
    const rng = new Rng('data-input');
    const x = randnData(n * k, rng);
    const w = randnData(k * m, rng);
    const r = randnData(n * m, rng);
    for (const backend of ['wasm', 'cpu'] as const) {
      await onBackend(backend, () => {
        const [y, dx, dw] = runLinear('never', x, w, r, n, k, m, true);
        const [y2, dx2, dw2] = runLinear('never', x, w, r, n, k, m, false);
        expect(Array.from(dx).every((v) => v === 0)).toBe(true);
        expect(dx2.some((v) => v !== 0)).toBe(true);
        expectClose(y, y2, 0, 'y');
        expectClose(dw, dw2, 0, 'dw');
      });
    }
  });

  it('reshapes in Linear and Flatten pass the mark on; new tensors are unmarked', () => {
    const x = markDataTensor(tf.zeros([2, 3, 4]));
    const r = passDataMark(x, tf.reshape(x, [6, 4]));
    expect(isDataTensor(r)).toBe(true);
    const other = tf.add(x, 1);
    expect(isDataTensor(other)).toBe(false);
    const layer = new Linear(4, 2);
    const spy = vi.spyOn(tf.engine(), 'runKernel');
    // Through the layer, a marked input still trains the weight.
    const { grads } = tf.variableGrads(() => tf.sum(layer.forward(x)) as tf.Scalar, layer.parameters());
    spy.mockRestore();
    expect(Object.keys(grads).length).toBe(2);
    tf.dispose([x, r, other, grads]);
    layer.dispose();
  });
});

describe('compiled 2-D transpose on wasm', () => {
  it.each([
    [1, 1],
    [3, 5],
    [33, 64],
    [1024, 40],
    [70, 1],
  ])('[%i, %i] equals the cpu backend', async (r, c) => {
    const rng = new Rng(`t:${r}:${c}`);
    const data = randnData(r * c, rng);
    const want = await onBackend('cpu', () =>
      tf
        .tidy(() => tf.transpose(tf.tensor(data, [r, c])))
        .dataSync()
        .slice(),
    );
    const got = await onBackend('wasm', () => {
      const t = tf.tensor(data, [r, c]);
      const y = tf.transpose(t);
      expect(y.shape).toEqual([c, r]);
      const v = y.dataSync().slice();
      tf.dispose([t, y]);
      return v;
    });
    expectClose(got, want, 0, 'transpose');
  });

  it('other ranks and permutations still use the original kernel correctly', async () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i);
    const want = await onBackend('cpu', () =>
      tf
        .tidy(() => tf.transpose(tf.tensor(data, [2, 3, 4]), [2, 0, 1]))
        .dataSync()
        .slice(),
    );
    const got = await onBackend('wasm', () =>
      tf
        .tidy(() => tf.transpose(tf.tensor(data, [2, 3, 4]), [2, 0, 1]))
        .dataSync()
        .slice(),
    );
    expectClose(got, want, 0, 'rank 3');
  });
});
