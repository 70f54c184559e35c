import { tf, wasmKernelModule, type HeapTensorInfo, type WasmKernelModule } from '@spikeflow/core';
import type { NeuronCore } from '../recursion.js';
import type { NeuronKernelAttrs } from './neuron-kernel-names.js';

// What the neuron kernels share: the compiled module (csrc/neuron-kernels.c), views of the
// backend's memory, and the attributes read back as the recursion's parameters.

/** The backends with neuron kernels. */
export const NEURON_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;
export type NeuronKernelBackend = (typeof NEURON_KERNEL_BACKENDS)[number];

type NumericArray = Float32Array | Int32Array | Uint8Array;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): HeapTensorInfo;
  typedArrayFromHeap(info: HeapTensorInfo): NumericArray;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: NumericArray): HeapTensorInfo;
  readSync(dataId: object): unknown;
}

/** Make float32 outputs, then view inputs and outputs in the backend's memory. */
export interface BackendMemory {
  /** All outputs are made before any view is taken (a wasm makeOutput may grow, and so detach, the heap). */
  outputs(shapes: number[][]): HeapTensorInfo[];
  view(info: HeapTensorInfo): NumericArray;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** T of a time-first tensor (a scalar counts as one step). */
export const stepsOf = (shape: readonly number[]): number => (shape.length === 0 ? 1 : shape[0]);

export function memoryOf(backendName: NeuronKernelBackend, backend: unknown): BackendMemory {
  if (backendName === 'wasm') {
    const b = backend as WasmBackendLike;
    return {
      outputs: (shapes) => shapes.map((s) => b.makeOutput(s, 'float32')),
      // A zero-size tensor has no heap memory to view.
      view: (info) => (sizeOf(info.shape) === 0 ? new Float32Array(0) : b.typedArrayFromHeap(info)),
    };
  }
  const b = backend as CpuBackendLike;
  return {
    outputs: (shapes) => shapes.map((s) => b.makeTensorInfo(s, 'float32', new Float32Array(sizeOf(s)))),
    view: (info) => {
      const values = b.data.get(info.dataId).values;
      // (Complex and string tensors keep no numeric `values`; readSync converts whatever there is.)
      return (ArrayBuffer.isView(values) ? values : b.readSync(info.dataId)) as NumericArray;
    },
  };
}

/** The exports of csrc/neuron-kernels.c (pointers are byte offsets into the wasm heap). */
export interface CompiledNeuronKernels {
  neuron_forward(x: number, s: number, h: number, v: number, T: number, n: number, mode: number, a: number, vth: number, vr: number, soft: number): void;
  neuron_backward(
    g: number,
    h: number,
    sg: number,
    x: number,
    gx: number,
    gV: number,
    gk: number,
    T: number,
    n: number,
    vth: number,
    vr: number,
    soft: number,
    detach: number,
    dHdX: number,
    dHdV: number,
    plif: number,
    xcoef: number,
    ktarget: number,
    kind: number,
    p: number,
    q: number,
  ): void;
}

const COMPILED_URL = new URL('../../../wasm/neuron-kernels.wasm', import.meta.url);
let compiledDisabled = process.env.SPIKEFLOW_NO_WASM_KERNELS === '1';

/** The compiled kernels on the wasm backend, or null when they cannot be loaded (then the JS recursion runs). */
export function compiledNeuronKernels(backend: unknown): WasmKernelModule<CompiledNeuronKernels> | null {
  if (compiledDisabled) return null;
  try {
    return wasmKernelModule<CompiledNeuronKernels>(COMPILED_URL, backend);
  } catch {
    compiledDisabled = true;
    return null;
  }
}

/**
 * Use (true) or bypass (false) the compiled WebAssembly kernels on the wasm backend; bypassed, the
 * wasm kernels run the JS recursion on the heap. For tests and benchmarks that compare the two.
 */
export function useCompiledNeuronKernels(on: boolean): void {
  compiledDisabled = !on;
}

/** The recursion's parameters from the kernel attributes. */
export function coreOf(a: NeuronKernelAttrs): NeuronCore {
  const common = { vThreshold: a.vThreshold, vReset: a.soft ? null : a.vReset, detachReset: a.detachReset };
  if (a.model === 'if') return { ...common, model: 'if' };
  if (a.model === 'lif') return { ...common, model: 'lif', tau: a.tau, decayInput: a.decayInput };
  return { ...common, model: 'plif', decayInput: a.decayInput };
}
