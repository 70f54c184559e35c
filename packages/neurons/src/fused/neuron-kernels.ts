// Custom tf kernels that run the fused op's recursion (recursion.ts) directly on the backend's own
// memory: in place on the wasm heap (`typedArrayFromHeap`) and on the cpu backend's typed arrays.
// The dataSync path instead copies the input, spikes, membrane, dy and dx between the backend and JS
// (on wasm that costs about as much as the fused recursion saves).
//
//   SpikeflowNeuronForward  inputs { x }              → [spikes, H]         (both shaped like x)
//   SpikeflowNeuronBackward inputs { dy, h, sg[, x] } → [dx] or [dx, dw]    (dw shaped `wShape`, PLIF)
//
// Attributes are plain numbers and booleans (see {@link NeuronKernelAttrs}).
import { tf } from '@spikeflow/core';
import { fusedBackwardArrays, fusedForwardArrays, type NeuronCore } from './recursion.js';

export const NEURON_FORWARD = 'SpikeflowNeuronForward';
export const NEURON_BACKWARD = 'SpikeflowNeuronBackward';

/** The backends with these kernels. */
const KERNEL_BACKENDS = ['wasm', 'cpu'] as const;
type KernelBackend = (typeof KERNEL_BACKENDS)[number];

/** The kernels' attributes: {@link NeuronCore} and k = sigmoid(w) as plain values. */
export interface NeuronKernelAttrs {
  [name: string]: string | number | boolean | number[];
  model: NeuronCore['model'];
  vThreshold: number;
  /** V_reset (ignored when `soft`). */
  vReset: number;
  soft: boolean;
  detachReset: boolean;
  /** LIF only. */
  tau: number;
  /** LIF/PLIF only. */
  decayInput: boolean;
  /** PLIF: sigmoid(w); 0 otherwise. */
  k: number;
  /** PLIF: the shape of w (the backward's dw output). */
  wShape: number[];
}

export function neuronKernelAttrs(p: NeuronCore, k: number, wShape: readonly number[]): NeuronKernelAttrs {
  return {
    model: p.model,
    vThreshold: p.vThreshold,
    vReset: p.vReset ?? 0,
    soft: p.vReset === null,
    detachReset: p.detachReset,
    tau: p.model === 'lif' ? p.tau : 0,
    decayInput: p.model === 'if' ? false : p.decayInput,
    k,
    wShape: [...wShape],
  };
}

function coreOf(a: NeuronKernelAttrs): NeuronCore {
  const common = { vThreshold: a.vThreshold, vReset: a.soft ? null : a.vReset, detachReset: a.detachReset };
  if (a.model === 'if') return { ...common, model: 'if' };
  if (a.model === 'lif') return { ...common, model: 'lif', tau: a.tau, decayInput: a.decayInput };
  return { ...common, model: 'plif', decayInput: a.decayInput };
}

interface KernelTensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

type NumericArray = Float32Array | Int32Array | Uint8Array;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): KernelTensorInfo;
  typedArrayFromHeap(info: KernelTensorInfo): NumericArray;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: NumericArray): KernelTensorInfo;
  readSync(dataId: object): unknown;
}

/** Make float32 outputs, then view inputs and outputs in the backend's memory. */
interface Memory {
  /** All outputs are made before any view is taken (a wasm makeOutput may grow, and so detach, the heap). */
  outputs(shapes: number[][]): KernelTensorInfo[];
  view(info: KernelTensorInfo): NumericArray;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function memoryOf(backendName: KernelBackend, backend: unknown): Memory {
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

type KernelArgs = { inputs: Record<string, KernelTensorInfo>; backend: unknown; attrs: NeuronKernelAttrs };

function forwardKernel(backendName: KernelBackend) {
  return ({ inputs, backend, attrs }: KernelArgs): KernelTensorInfo[] => {
    const x = inputs.x;
    const mem = memoryOf(backendName, backend);
    const [spikes, h] = mem.outputs([x.shape, x.shape]);
    const T = x.shape.length === 0 ? 1 : x.shape[0];
    fusedForwardArrays(mem.view(x), T, coreOf(attrs), attrs.k, mem.view(h) as Float32Array, mem.view(spikes) as Float32Array);
    return [spikes, h];
  };
}

function backwardKernel(backendName: KernelBackend) {
  return ({ inputs, backend, attrs }: KernelArgs): KernelTensorInfo[] => {
    const { dy, h, sg } = inputs;
    const plif = attrs.model === 'plif';
    const mem = memoryOf(backendName, backend);
    const outs = mem.outputs(plif ? [h.shape, attrs.wShape] : [h.shape]);
    const T = h.shape.length === 0 ? 1 : h.shape[0];
    const xs = plif ? mem.view(inputs.x) : new Float32Array(0);
    const dw = fusedBackwardArrays(mem.view(dy), mem.view(h), mem.view(sg), xs, T, coreOf(attrs), attrs.k, mem.view(outs[0]) as Float32Array);
    if (plif) mem.view(outs[1])[0] = dw;
    return outs;
  };
}

/**
 * Whether the current backend has the neuron kernels (registering them on first use): true on wasm
 * and cpu, false elsewhere (e.g. tfjs-node), where the fused op keeps its dataSync path.
 */
export function neuronKernelsAvailable(): boolean {
  const name = tf.getBackend();
  if (!(KERNEL_BACKENDS as readonly string[]).includes(name)) return false;
  const backendName = name as KernelBackend;
  for (const [kernelName, make] of [
    [NEURON_FORWARD, forwardKernel],
    [NEURON_BACKWARD, backwardKernel],
  ] as const) {
    if (!tf.getKernel(kernelName, backendName)) {
      tf.registerKernel({ kernelName, backendName, kernelFunc: make(backendName) as unknown as tf.KernelFunc });
    }
  }
  return true;
}
