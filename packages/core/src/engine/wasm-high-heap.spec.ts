// The compiled wasm kernels with their tensors above 2 GiB in the wasm heap, where a byte offset no
// longer fits a signed 32-bit integer (wasm hands pointers to JS as i32, negative up there), and the
// typed error when the heap (at most 4 GiB) cannot hold a tensor. Blocks of 2.4 GiB in all are
// reserved first, so every later tensor lives above them; their pages are never written, so they cost
// address space, not RAM. Each kernel is compared with its composed-op reference (or a plain JS
// computation) on the same data.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Adam } from '../optim/adam.js';
import { conv2d, setEventDrivenConv } from '../ops/conv2d.js';
import { linear } from '../ops/linear.js';
import { maxPool2d } from '../ops/max-pool.js';
import { coreKernels, density, setEventDriven } from '../ops/spike-matmul.js';
import { batchNormData, batchNormOutputs } from '../ops/test-utils/batch-norm-outputs.js';
import { expectClose, randnData } from '../ops/test-utils/compare.js';
import { useCompiledLayerKernels } from '../ops/wasm-ops.js';
import { Rng } from '../util/rng.js';
import { selectBackend } from './backend.js';
import { parallelConv2d, parallelTaskCount, useParallelWorker } from './parallel-pool.js';
import { tf, type Tensor } from './tf.js';
import { WASM_HEAP_MAX_BYTES, WASM_MAX_BLOCK_BYTES } from './wasm-heap-guard.js';

const TWO_GIB = 2 ** 31;

interface WasmBackendView {
  wasm: { _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): { dataId: object };
  disposeData(dataId: object): void;
}

const backend = () => tf.backend() as unknown as WasmBackendView;
const offsetOf = (t: Tensor) => backend().dataIdMap.get(t.dataId).memoryOffset;
const initial = tf.getBackend();
const GiB = 2 ** 30;
let reserved: number[] = [];

beforeAll(async () => {
  await selectBackend('wasm');
  const wasm = backend().wasm;
  // Grow the heap past 2 GiB with two untouched blocks (one block may be at most 2 GiB).
  reserved = [wasm._malloc(1.2 * GiB) >>> 0, wasm._malloc(1.2 * GiB) >>> 0];
  expect(reserved.every((p) => p > 0)).toBe(true);
  expect(wasm.HEAPU8.length).toBeGreaterThan(2.4 * GiB);
});

afterAll(async () => {
  for (const p of reserved) backend().wasm._free(p);
  setEventDriven('auto');
  setEventDrivenConv('auto');
  useCompiledLayerKernels(true);
  useParallelWorker(true);
  await selectBackend(initial as 'wasm' | 'cpu');
});

/** Tensors from data; each must sit above 2 GiB, or the test would prove nothing. */
function high(data: Float32Array, shape: number[]): Tensor {
  const t = tf.tensor(data, shape);
  expect(offsetOf(t), `tensor [${shape}] above 2 GiB`).toBeGreaterThanOrEqual(TWO_GIB);
  return t;
}

function values(ts: Tensor[]): Float32Array[] {
  const out = ts.map((t) => t.dataSync().slice() as Float32Array);
  tf.dispose(ts);
  return out;
}

/** y, dx and dw of `sum(f(x, w) · r)`, with x, w and r placed above 2 GiB in the heap. */
function valueAndGrads(
  f: (a: Tensor, b: Tensor) => Tensor,
  [xData, xShape]: [Float32Array, number[]],
  [wData, wShape]: [Float32Array, number[]],
  [rData, rShape]: [Float32Array, number[]],
): Float32Array[] {
  const [x, w, r] = [high(xData, xShape), high(wData, wShape), high(rData, rShape)];
  const out = tf.tidy(() => [f(x, w), ...tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(f(a, b), r)))([x, w])]);
  tf.dispose([x, w, r]);
  return values(out);
}

describe('compiled wasm kernels on tensors above 2 GiB', () => {
  it('kernel scratch comes back as an unsigned offset above 2 GiB, and views of it work', () => {
    const k = coreKernels()!;
    expect(k).not.toBeNull();
    const p = k.malloc(1 << 16);
    try {
      expect(p).toBeGreaterThanOrEqual(TWO_GIB);
      k.f32(p, 3).set([1.5, -2, 7]);
      // Read back through an independent view of the heap.
      const heap = new Float32Array(backend().wasm.HEAPU8.buffer);
      expect([heap[p / 4], heap[p / 4 + 1], heap[p / 4 + 2]]).toEqual([1.5, -2, 7]);
    } finally {
      k.free(p);
    }
  });

  it('density (count_nonzero) counts the non-zeros', () => {
    const data = Float32Array.from({ length: 10_007 }, (_, i) => (i % 7 === 0 ? 1 : 0));
    const x = high(data, [data.length]);
    expect(density(x)).toBe(Math.ceil(10_007 / 7) / 10_007);
    x.dispose();
  });

  it('event-driven spike products (forward and weight gradient) equal the dense ones', () => {
    const rng = new Rng('high-heap-linear');
    const [n, kk, m] = [96, 200, 24];
    const xData = Float32Array.from({ length: n * kk }, () => (rng.uniform() < 0.1 ? 1 : 0));
    const wData = randnData(kk * m, rng);
    const rData = randnData(n * m, rng);
    const runLinear = (mode: 'always' | 'never') => {
      setEventDriven(mode);
      return valueAndGrads((a, b) => linear(a, b), [xData, [n, kk]], [wData, [kk, m]], [rData, [n, m]]);
    };
    const sparse = runLinear('always');
    const dense = runLinear('never');
    ['y', 'dx', 'dw'].forEach((name, i) => expectClose(sparse[i], dense[i], 1e-5, name));
  });

  it('event-driven convolution (forward, input and filter gradients) equals the dense one', () => {
    const rng = new Rng('high-heap-conv');
    const xShape = [2, 12, 11, 5];
    const wShape = [3, 3, 5, 6];
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const xData = Float32Array.from({ length: size(xShape) }, () => (rng.uniform() < 0.2 ? 1 : 0));
    const wData = randnData(size(wShape), rng);
    const rData = randnData(2 * 6 * 6 * 6, rng);
    const runConv = (mode: 'always' | 'never') => {
      setEventDrivenConv(mode);
      return valueAndGrads((a, b) => conv2d(a, b, { strides: 2, padding: 1 }), [xData, xShape], [wData, wShape], [rData, [2, 6, 6, 6]]);
    };
    const sparse = runConv('always');
    const dense = runConv('never');
    ['y', 'dx', 'dw'].forEach((name, i) => expectClose(sparse[i], dense[i], 1e-5, name));
  });

  it('batch norm (forward, statistics, all gradients) equals the composed ops', () => {
    const [m, c] = [517, 12];
    const { xData, wData, bData, rData } = batchNormData('high-heap-bn', m, c, 3);
    const runBn = (compiled: boolean) => {
      useCompiledLayerKernels(compiled);
      const [x, w, b, r] = [high(xData, [m, c]), high(wData, [c]), high(bData, [c]), high(rData, [m, c])];
      const out = batchNormOutputs(x, w, b, r);
      tf.dispose([x, w, b, r]);
      return values(out);
    };
    const compiled = runBn(true);
    const composed = runBn(false);
    useCompiledLayerKernels(true);
    ['y', 'mean', 'variance', 'dx', 'dweight', 'dbias'].forEach((name, i) => expectClose(compiled[i], composed[i], 2e-4, name));
  });

  it('max pooling (forward and gradient) equals the composed ops', () => {
    const rng = new Rng('high-heap-pool');
    const shape = [3, 10, 9, 7];
    const xData = randnData(
      shape.reduce((a, b) => a * b, 1),
      rng,
    );
    const rData = randnData(3 * 5 * 5 * 7, rng);
    const runPool = (compiled: boolean) => {
      useCompiledLayerKernels(compiled);
      const x = high(xData, shape);
      const r = high(rData, [3, 5, 5, 7]);
      const out = tf.tidy(() => [maxPool2d(x, 3, 2, 1), tf.grad((a: Tensor) => tf.sum(tf.mul(maxPool2d(a, 3, 2, 1), r)))(x)]);
      tf.dispose([x, r]);
      return values(out);
    };
    const compiled = runPool(true);
    const composed = runPool(false);
    useCompiledLayerKernels(true);
    expectClose(compiled[0], composed[0], 0, 'y');
    expectClose(compiled[1], composed[1], 1e-6, 'dx');
  });

  it('the tiled 2-D transpose and the in-heap slice/unstack kernels move the right values', () => {
    const [rows, cols] = [67, 45];
    const data = Float32Array.from({ length: rows * cols }, (_, i) => i);
    const x = high(data, [rows, cols]);
    const [t, rowsOut] = [tf.transpose(x), tf.unstack(x)];
    const tv = t.dataSync();
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (tv[c * rows + r] !== r * cols + c) expect.fail(`transpose at (${c}, ${r})`);
    expect(rowsOut).toHaveLength(rows);
    rowsOut.forEach((row, r) => expect(Array.from(row.dataSync())).toEqual(Array.from(data.subarray(r * cols, (r + 1) * cols))));
    const box = tf.slice(x, [5, 7], [3, 4]);
    expect(Array.from(box.dataSync())).toEqual([5, 6, 7].flatMap((r) => [7, 8, 9, 10].map((c) => r * cols + c)));
    tf.dispose([x, t, box, ...rowsOut]);
  });

  it('one Adam step equals the composed update', () => {
    const rng = new Rng('high-heap-adam');
    const n = 3001;
    const pData = randnData(n, rng);
    const gData = randnData(n, rng);
    const step = (compiled: boolean) => {
      useCompiledLayerKernels(compiled);
      const p = tf.variable(high(pData, [n]), true, `high-heap-adam-${compiled}`);
      expect(offsetOf(p)).toBeGreaterThanOrEqual(TWO_GIB);
      const opt = new Adam([['p', p]], { lr: 0.01, weightDecay: 0.1 });
      const g = high(gData, [n]);
      opt.step(new Map([['p', g]]));
      opt.step(new Map([['p', g]]));
      const out = p.dataSync().slice() as Float32Array;
      tf.dispose([g, p]);
      opt.dispose();
      return out;
    };
    const compiled = step(true);
    const composed = step(false);
    useCompiledLayerKernels(true);
    expectClose(compiled, composed, 1e-6, 'p after two steps');
    expect(compiled.some((v, i) => v !== pData[i])).toBe(true);
  });

  it('a convolution split with the worker thread is joined correctly', () => {
    const rng = new Rng('high-heap-pconv');
    // 28 M multiply-adds: above the pool's threshold for splitting a convolution.
    const x = high(randnData(4 * 16 * 16 * 32, rng), [4, 16, 16, 32]) as tf.Tensor4D;
    const w = high(randnData(3 * 3 * 32 * 96, rng), [3, 3, 32, 96]) as tf.Tensor4D;
    useParallelWorker(true);
    const before = parallelTaskCount();
    const par = parallelConv2d(x, w, [1, 1], 'same');
    const used = parallelTaskCount() - before;
    useParallelWorker(false);
    const single = tf.conv2d(x, w, 1, 'same');
    useParallelWorker(true);
    // (With one core, or SPIKEFLOW_THREADS=1, there is no worker and both run on this thread.)
    if (os.availableParallelism() > 1 && process.env.SPIKEFLOW_THREADS !== '1') expect(used).toBe(1);
    expectClose(par, single, 1e-5, 'conv');
    tf.dispose([x, w, par, single]);
  });
});

describe('a full wasm heap fails with a typed error', () => {
  function oom(run: () => unknown): SpikeflowError {
    try {
      run();
    } catch (e) {
      expect(SpikeflowError.is(e, 'out-of-memory'), String(e)).toBe(true);
      return e as SpikeflowError;
    }
    return expect.fail('no error');
  }

  it('a tensor larger than one block names the bytes, the limit and what to lower', () => {
    const n = 1.2e9; // 4.8e9 bytes: modulo 2^32 malloc would see a 505 MB request
    const e = oom(() => tf.fill([n], 1, 'float32'));
    expect(e.message).toContain(`(${4 * n} bytes)`);
    expect(e.message).toContain(`(${WASM_MAX_BLOCK_BYTES} bytes)`);
    expect(e.message).toMatch(/batch size.*time steps.*model width/);
    expect(e.details).toMatchObject({ requestedBytes: 4 * n, limitBytes: WASM_MAX_BLOCK_BYTES });
  });

  it('an output the heap cannot grow to hold is refused, not placed at offset 0', () => {
    const bytes = 1.75 * GiB; // one block, but 2.4 GiB are held already
    const e = oom(() => backend().makeOutput([bytes / 4], 'float32'));
    expect(e.message).toContain(`(${bytes} bytes)`);
    expect(e.message).toContain(`(${WASM_HEAP_MAX_BYTES} bytes)`);
    expect(e.details).toMatchObject({ requestedBytes: bytes, limitBytes: WASM_HEAP_MAX_BYTES });
    expect((e.details as { heapBytes: number }).heapBytes).toBeGreaterThan(2.4 * GiB);
  });

  it('an op whose output does not fit fails typed, and the heap stays usable', () => {
    const e = oom(() => tf.fill([(1.75 * GiB) / 4], 1, 'float32'));
    expect(e.details).toMatchObject({ requestedBytes: 1.75 * GiB });
    const ok = tf.add(tf.tensor([1, 2, 3]), 1);
    expect(Array.from(ok.dataSync())).toEqual([2, 3, 4]);
    ok.dispose();
  });

  it('kernel scratch the heap cannot hold', () => {
    const k = coreKernels()!;
    const e = oom(() => k.malloc(1.75 * GiB));
    expect(e.message).toContain('kernel scratch');
    expect(e.details).toMatchObject({ requestedBytes: 1.75 * GiB, limitBytes: WASM_HEAP_MAX_BYTES });
    expect(oom(() => k.malloc(3 * GiB)).details).toMatchObject({ requestedBytes: 3 * GiB, limitBytes: WASM_MAX_BLOCK_BYTES });
  });
});
