import { tf, type Tensor } from '../engine/tf.js';
import { wasmKernelModule, type HeapTensorInfo, type WasmKernelModule } from '../engine/wasm-kernel-module.js';

// Event-driven ("spike") matrix products. A layer fed by spikes multiplies a matrix that is mostly
// zeros; accumulating only the rows the active inputs select does the same work as the dense
// product at a fraction of the cost. On wasm these run as compiled SIMD kernels on the heap
// (csrc/core-kernels.c); on cpu as JS loops over the backend's arrays. Elsewhere (tfjs-node) the
// dense product is always used. Results equal the dense product up to the order of the sums.

export const SPARSE_MATMUL = 'SpikeflowSparseMatMul';
export const SPARSE_MATMUL_GRAD_W = 'SpikeflowSparseMatMulGradW';

interface CompiledCoreKernels {
  count_nonzero(x: number, n: number): number;
  sparse_matmul(x: number, w: number, y: number, N: number, K: number, M: number): void;
  sparse_matmul_grad_w(x: number, dy: number, dw: number, N: number, K: number, M: number): void;
  transpose2d(input: number, out: number, R: number, C: number): void;
}

const COMPILED_URL = new URL('../../wasm/core-kernels.wasm', import.meta.url);
let compiledBroken = process.env.SPIKEFLOW_NO_WASM_KERNELS === '1';

/** The compiled core kernels bound to the wasm backend's heap, or null (not on wasm, or not loadable). */
export function coreKernels(backend: unknown = tf.backend()): WasmKernelModule<CompiledCoreKernels> | null {
  if (compiledBroken || tf.getBackend() !== 'wasm') return null;
  try {
    return wasmKernelModule<CompiledCoreKernels>(COMPILED_URL, backend);
  } catch {
    compiledBroken = true;
    return null;
  }
}

/** How layers choose between the event-driven and the dense product. */
export type EventDrivenMode = 'auto' | 'always' | 'never';
let mode: EventDrivenMode = 'auto';

/**
 * Density (fraction of non-zero inputs) below which `auto` uses the event-driven product. From
 * `node benchmarks/event-driven.mjs` (forward + both gradients, wasm): event-driven is 1.3-1.7x
 * faster at density 0.2 and breaks even near 0.3 for 10- and 128-wide outputs (0.4 for 512-wide).
 */
export const EVENT_DRIVEN_MAX_DENSITY = 0.25;

/**
 * Set how Linear (and other spike-fed layers) choose their product: `auto` (by the measured
 * density of each input), `always` or `never` (for tests and benchmarks). Returns the previous mode.
 */
export function setEventDriven(next: EventDrivenMode): EventDrivenMode {
  const prev = mode;
  mode = next;
  return prev;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): HeapTensorInfo;
}

function cpuValues(backend: CpuBackendLike, info: { dataId: object }): Float32Array {
  const v = backend.data.get(info.dataId).values;
  return (ArrayBuffer.isView(v) ? v : backend.readSync(info.dataId)) as Float32Array;
}

/** Fraction of non-zero entries of `x`, or undefined where the event-driven kernels do not exist. */
export function density(x: Tensor): number | undefined {
  if (x.dtype !== 'float32' || x.size === 0) return undefined;
  const k = coreKernels();
  if (k) return (k.fn.count_nonzero(k.ptr(x), x.size) >>> 0) / x.size; // a size_t count, read unsigned
  if (tf.getBackend() === 'cpu') {
    const v = cpuValues(tf.backend() as unknown as CpuBackendLike, x);
    let nz = 0;
    for (let i = 0; i < v.length; i++) nz += v[i] !== 0 ? 1 : 0;
    return nz / x.size;
  }
  return undefined;
}

/** Whether a product with left operand `x` should run event-driven (per the current mode and x's density). */
export function useEventDriven(x: Tensor): boolean {
  if (mode === 'never' || !registerSpikeKernels()) return false;
  if (mode === 'always') return true;
  const d = density(x);
  return d !== undefined && d < EVENT_DRIVEN_MAX_DENSITY;
}

function jsSparseMatMul(x: Float32Array, w: Float32Array, y: Float32Array, N: number, K: number, M: number): void {
  y.fill(0);
  for (let r = 0; r < N; r++) {
    const yo = r * M;
    const xo = r * K;
    for (let j = 0; j < K; j++) {
      const a = x[xo + j];
      if (a === 0) continue;
      const wo = j * M;
      for (let m = 0; m < M; m++) y[yo + m] = Math.fround(y[yo + m] + Math.fround(a * w[wo + m]));
    }
  }
}

function jsSparseMatMulGradW(x: Float32Array, dy: Float32Array, dw: Float32Array, N: number, K: number, M: number): void {
  dw.fill(0);
  for (let r = 0; r < N; r++) {
    const xo = r * K;
    const dyo = r * M;
    for (let j = 0; j < K; j++) {
      const a = x[xo + j];
      if (a === 0) continue;
      const wo = j * M;
      for (let m = 0; m < M; m++) dw[wo + m] = Math.fround(dw[wo + m] + Math.fround(a * dy[dyo + m]));
    }
  }
}

type Args = { inputs: Record<string, HeapTensorInfo>; backend: unknown };

function sparseMatMulKernel({ inputs, backend }: Args): HeapTensorInfo {
  const { x, w } = inputs;
  const [N, K] = x.shape;
  const M = w.shape[1];
  const k = coreKernels(backend);
  if (k) {
    const y = k.output([N, M]);
    if (N * M > 0) k.fn.sparse_matmul(k.ptr(x), k.ptr(w), k.ptr(y), N, K, M);
    return y;
  }
  const b = backend as CpuBackendLike;
  const y = new Float32Array(N * M);
  jsSparseMatMul(cpuValues(b, x), cpuValues(b, w), y, N, K, M);
  return b.makeTensorInfo([N, M], 'float32', y);
}

function sparseMatMulGradWKernel({ inputs, backend }: Args): HeapTensorInfo {
  const { x, dy } = inputs;
  const [N, K] = x.shape;
  const M = dy.shape[1];
  const k = coreKernels(backend);
  if (k) {
    const dw = k.output([K, M]);
    if (K * M > 0) k.fn.sparse_matmul_grad_w(k.ptr(x), k.ptr(dy), k.ptr(dw), N, K, M);
    return dw;
  }
  const b = backend as CpuBackendLike;
  const dw = new Float32Array(K * M);
  jsSparseMatMulGradW(cpuValues(b, x), cpuValues(b, dy), dw, N, K, M);
  return b.makeTensorInfo([K, M], 'float32', dw);
}

/** Register the event-driven kernels on the current backend; false where there are none (tfjs-node). */
export function registerSpikeKernels(): boolean {
  const backend = tf.getBackend();
  if (backend !== 'cpu' && !(backend === 'wasm' && coreKernels())) return false;
  for (const [kernelName, kernelFunc] of [[SPARSE_MATMUL, sparseMatMulKernel], [SPARSE_MATMUL_GRAD_W, sparseMatMulGradWKernel]] as const) {
    if (!tf.getKernel(kernelName, backend)) tf.registerKernel({ kernelName, backendName: backend, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  return true;
}

/**
 * `x·w` for `x [N, K]`, `w [K, M]`, accumulating only the rows of `w` selected by non-zero `x`
 * (no gradient of its own: {@link linear} wraps it). Needs {@link registerSpikeKernels}.
 */
export function sparseMatMul(x: Tensor, w: Tensor): Tensor {
  return tf.engine().runKernel(SPARSE_MATMUL, { x, w }, {}) as Tensor;
}

/** `xᵀ·dy` for `x [N, K]`, `dy [N, M]`, visiting only non-zero `x` (the weight gradient of a spike-fed layer). */
export function sparseMatMulGradW(x: Tensor, dy: Tensor): Tensor {
  return tf.engine().runKernel(SPARSE_MATMUL_GRAD_W, { x, dy }, {}) as Tensor;
}

let transposeInstalled = false;

/**
 * Replace the wasm backend's Transpose for 2-D float32 tensors with a tiled compiled one
 * (tfjs-wasm's walks the output in order and thrashes the cache on power-of-two widths:
 * ~15 ms for [1024, 512]); other cases keep the original kernel.
 */
export function installWasmTranspose(): void {
  if (transposeInstalled) return;
  const original = tf.getKernel('Transpose', 'wasm');
  if (!original) return;
  transposeInstalled = true;
  const kernelFunc = (args: { inputs: { x: HeapTensorInfo }; backend: unknown; attrs: { perm: number[] } }) => {
    const { x } = args.inputs;
    const k = x.dtype === 'float32' && x.shape.length === 2 && args.attrs.perm[0] === 1 ? coreKernels(args.backend) : null;
    if (!k) return original.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]);
    const [R, C] = x.shape;
    const out = k.output([C, R]);
    if (R * C > 0) k.fn.transpose2d(k.ptr(x), k.ptr(out), R, C);
    return out;
  };
  tf.unregisterKernel('Transpose', 'wasm');
  // Keep the original setupFunc: it binds the wasm function other kernels (Mean, ...) call directly.
  tf.registerKernel({ kernelName: 'Transpose', backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc, setupFunc: original.setupFunc });
}
