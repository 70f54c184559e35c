import { tf } from '../../engine/tf.js';
import { wasmKernelModule, type HeapTensorInfo, type WasmKernelModule } from '../../engine/wasm-kernel-module.js';

// The compiled core kernels (csrc/core-kernels.c, built by tools/wasm/build-wasm.mjs) and the small
// helpers every core kernel function shares.

/** A window's size, strides and zero padding, in the order every windowed kernel takes them (csrc/core-kernels.c's WINDOW). */
export type Window = [kh: number, kw: number, sh: number, sw: number, ph: number, pw: number];

/** What both event-driven conv kernels take after their pointers (CONV_GEOMETRY): input [N, H, W, Cin], output [N, Ho, Wo, Cout], window. */
export type ConvGeometry = [N: number, H: number, W: number, Cin: number, Ho: number, Wo: number, Cout: number, ...window: Window];

/** The exports of csrc/core-kernels.c (pointers are byte offsets into the wasm heap). */
export interface CoreWasmExports {
  count_nonzero(x: number, n: number): number;
  sparse_matmul(x: number, w: number, y: number, N: number, K: number, M: number): void;
  sparse_matmul_grad_w(x: number, dy: number, dw: number, N: number, K: number, M: number): void;
  transpose2d(input: number, out: number, R: number, C: number): void;
  bn_forward(x: number, w: number, b: number, y: number, mean: number, invstd: number, varOut: number, total: number, acc: number, M: number, C: number, eps: number): void;
  bn_backward(dy: number, x: number, mean: number, invstd: number, w: number, dx: number, dweight: number, dbias: number, totals: number, acc: number, M: number, C: number): void;
  maxpool_forward(x: number, y: number, arg: number, ...geometry: [N: number, H: number, W: number, C: number, ...window: Window, Ho: number, Wo: number]): void;
  maxpool_backward(dy: number, arg: number, dx: number, nIn: number, nOut: number): void;
  sparse_conv_forward(x: number, w: number, y: number, ...geometry: ConvGeometry): void;
  sparse_conv_grad_w(x: number, dy: number, dw: number, ...geometry: ConvGeometry): void;
  adam_update(
    p: number,
    g: number,
    m: number,
    v: number,
    p1: number,
    m1: number,
    v1: number,
    n: number,
    b1: number,
    oneMinusB1: number,
    b2: number,
    oneMinusB2: number,
    sqrtBc2: number,
    eps: number,
    step: number,
    wd: number,
    decay: number,
  ): void;
}

export type CoreWasm = WasmKernelModule<CoreWasmExports>;

const COMPILED_URL = new URL('../../../wasm/core-kernels.wasm', import.meta.url);
let compiledBroken = process.env.SPIKEFLOW_NO_WASM_KERNELS === '1';

/** The compiled core kernels bound to the wasm backend's heap, or null (not on wasm, or not loadable). */
export function coreKernels(backend: unknown = tf.backend()): CoreWasm | null {
  if (compiledBroken || tf.getBackend() !== 'wasm') return null;
  try {
    return wasmKernelModule<CoreWasmExports>(COMPILED_URL, backend);
  } catch {
    compiledBroken = true;
    return null;
  }
}

/** Number of elements of a shape. */
export const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Allocate `bytes` of heap scratch, run, free. */
export function withScratch<T>(k: CoreWasm, bytes: number, run: (p: number) => T): T {
  const p = k.malloc(bytes);
  try {
    return run(p);
  } finally {
    k.free(p);
  }
}

/** The cpu backend, as far as the cpu kernels use it. */
export interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): HeapTensorInfo;
}

/** A cpu tensor's float values, without a copy where the backend keeps a typed array. */
export function cpuValues(backend: CpuBackendLike, info: { dataId: object }): Float32Array {
  const v = backend.data.get(info.dataId).values;
  return (ArrayBuffer.isView(v) ? v : backend.readSync(info.dataId)) as Float32Array;
}
