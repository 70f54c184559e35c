// The compiled wasm layer kernels (wasm-ops.ts) against their composed references: event-driven
// convolution forced on vs off on sparse inputs (forward, input and filter gradients), and proof
// that batch norm, max pooling and the filter-gradient scatter really run compiled on wasm (their
// numerical equality with the cpu backend is in batch-norm.spec, max-pool.spec and conv2d.spec).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { Rng } from '../util/rng.js';
import { conv2d, setEventDrivenConv, type Conv2dPadding } from './conv2d.js';
import { maxPool2d } from './max-pool.js';
import { batchNormData, batchNormOutputs } from './test-utils/batch-norm-outputs.js';
import { expectClose, onBackend, randnData } from './test-utils/compare.js';
import { useCompiledLayerKernels } from './wasm-ops.js';

afterEach(() => {
  setEventDrivenConv('auto');
  useCompiledLayerKernels(true);
});

/**
 * `run` with the compiled kernels (checking it ran each of `kernels`), then with the composed
 * references: [compiled outputs, composed outputs].
 */
function compiledAndComposed(run: () => Float32Array[], kernels: string[]): [Float32Array[], Float32Array[]] {
  let compiled: Float32Array[] = [];
  const ran = kernelsDuring(() => {
    compiled = run();
  });
  for (const k of kernels) expect(ran).toContain(k);
  useCompiledLayerKernels(false);
  try {
    return [compiled, run()];
  } finally {
    useCompiledLayerKernels(true);
  }
}

function kernelsDuring(fn: () => void): string[] {
  const spy = vi.spyOn(tf.engine(), 'runKernel');
  try {
    fn();
    return spy.mock.calls.map((c) => c[0]);
  } finally {
    spy.mockRestore();
  }
}

interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  strides: number | [number, number];
  padding: Conv2dPadding;
  density: number;
  graded: boolean;
}

const convCases: ConvCase[] = [
  { x: [2, 7, 6, 3], k: [3, 3], cout: 4, strides: 1, padding: 1, density: 0.2, graded: false },
  { x: [3, 9, 8, 5], k: [3, 3], cout: 6, strides: 1, padding: 'same', density: 0.1, graded: false },
  { x: [2, 8, 8, 4], k: [3, 3], cout: 7, strides: 2, padding: 'same', density: 0.3, graded: true },
  { x: [1, 11, 10, 2], k: [5, 5], cout: 3, strides: 3, padding: 2, density: 0.25, graded: true },
  { x: [2, 7, 6, 3], k: [3, 2], cout: 2, strides: [2, 1], padding: [1, 0], density: 0.4, graded: false },
  { x: [2, 6, 7, 3], k: [2, 2], cout: 4, strides: 2, padding: 'valid', density: 0, graded: false },
  { x: [1, 5, 5, 9], k: [3, 3], cout: 5, strides: 1, padding: 'valid', density: 1, graded: true },
];

function convRun(c: ConvCase, eventDriven: boolean): { y: Float32Array; dx: Float32Array; dw: Float32Array; kernels: string[] } {
  const rng = new Rng(`sparse-conv:${JSON.stringify(c)}`);
  const size = c.x.reduce((a, b) => a * b, 1);
  const xData = Float32Array.from({ length: size }, () => (rng.uniform() < c.density ? (c.graded ? rng.normal() : 1) : 0));
  const wShape = [c.k[0], c.k[1], c.x[3], c.cout];
  const wData = randnData(
    wShape.reduce((a, b) => a * b, 1),
    rng,
  );
  setEventDrivenConv(eventDriven ? 'always' : 'never');
  let out: Tensor[] = [];
  const kernels = kernelsDuring(() => {
    out = tf.tidy(() => {
      const x = tf.tensor(xData, c.x);
      const w = tf.tensor(wData, wShape);
      const f = (a: Tensor, b: Tensor) => conv2d(a, b, { strides: c.strides, padding: c.padding });
      const y = f(x, w);
      const r = tf.tensor(randnData(y.size, rng), y.shape);
      return [y, ...tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(f(a, b), r)))([x, w])];
    });
  });
  const [y, dx, dw] = out.map((t) => t.dataSync().slice() as Float32Array);
  tf.dispose(out);
  return { y, dx, dw, kernels };
}

describe('event-driven convolution on wasm equals the dense one', () => {
  it.each(convCases.map((c) => [JSON.stringify(c), c] as const))('%s', async (_, c) => {
    await onBackend('wasm', () => {
      const sparse = convRun(c, true);
      const dense = convRun(c, false);
      expect(sparse.kernels).toContain('SpikeflowSparseConv2D');
      expect(sparse.kernels).toContain('SpikeflowSparseConv2DGradW');
      expect(dense.kernels).not.toContain('SpikeflowSparseConv2D');
      expectClose(sparse.y, dense.y, 1e-5, 'y');
      expectClose(sparse.dx, dense.dx, 1e-5, 'dx');
      expectClose(sparse.dw, dense.dw, 1e-5, 'dw');
    });
  });
});

describe('compiled layer kernels are used on wasm and match the composed ops there', () => {
  it('batch norm: compiled vs composed (forward, statistics, all gradients)', async () => {
    const [m, c] = [300, 7];
    // A large mean relative to the spread checks the two-pass variance.
    const { xData, wData, bData, rData } = batchNormData('bn-compiled', m, c, 50);
    const runBn = () => {
      const out = tf.tidy(() => {
        const x = tf.tensor(xData, [m, c]);
        const w = tf.tensor(wData, [c]);
        const b = tf.tensor(bData, [c]);
        return batchNormOutputs(x, w, b, tf.tensor(rData, [m, c]));
      });
      const data = out.map((t) => t.dataSync().slice() as Float32Array);
      tf.dispose(out);
      return data;
    };
    await onBackend('wasm', () => {
      const [compiled, composed] = compiledAndComposed(runBn, ['SpikeflowBatchNormForward', 'SpikeflowBatchNormBackward']);
      ['y', 'mean', 'variance', 'dx', 'dweight', 'dbias'].forEach((name, i) => expectClose(compiled[i], composed[i], 2e-4, name));
    });
  });

  it('max pooling: compiled vs composed, with ties and all-zero windows (first maximum wins)', async () => {
    const rng = new Rng('pool-compiled');
    const shape = [2, 9, 8, 6];
    const size = shape.reduce((a, b) => a * b, 1);
    const xData = Float32Array.from({ length: size }, () => (rng.uniform() < 0.7 ? 0 : rng.uniform() < 0.5 ? 1 : rng.normal()));
    for (const [k, s, p] of [
      [2, 2, 0],
      [3, 2, 1],
      [3, 1, 1],
    ] as const) {
      const runPool = () => {
        const out = tf.tidy(() => {
          const x = tf.tensor(xData, shape);
          const y = maxPool2d(x, k, s, p);
          const r = tf.tensor(randnData(y.size, new Rng(`r${k}${s}${p}`)), y.shape);
          return [y, tf.grad((a: Tensor) => tf.sum(tf.mul(maxPool2d(a, k, s, p), r)))(x)];
        });
        const data = out.map((t) => t.dataSync().slice() as Float32Array);
        tf.dispose(out);
        return data;
      };
      await onBackend('wasm', () => {
        const [compiled, composed] = compiledAndComposed(runPool, ['SpikeflowMaxPoolForward', 'SpikeflowMaxPoolBackward']);
        expectClose(compiled[0], composed[0], 0, `y k${k} s${s} p${p}`);
        expectClose(compiled[1], composed[1], 1e-6, `dx k${k} s${s} p${p}`);
      });
    }
  });
});
