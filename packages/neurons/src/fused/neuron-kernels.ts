// Custom tf kernels that run the fused op's recursion (recursion.ts) directly on the backend's own
// memory: in place on the wasm heap (`typedArrayFromHeap`) and on the cpu backend's typed arrays.
// The dataSync path instead copies the input, spikes, membrane, dy and dx between the backend and JS
// (on wasm that costs about as much as the fused recursion saves).
//
//   SpikeflowNeuronForward  inputs { x }              → [spikes, H]         (both shaped like x)
//   SpikeflowNeuronBackward inputs { dy, h, sg[, x] } → [dx] or [dx, dw]    (dw shaped `wShape`, PLIF)
//
// Attributes are plain numbers and booleans (see {@link NeuronKernelAttrs}).
import { tf, wasmKernelModule, type WasmKernelModule } from '@spikeflow/core';
import { chargeDerivatives, fusedBackwardArrays, fusedForwardArrays, type NeuronCore } from './recursion.js';

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
  /**
   * Backward only: the surrogate formula the compiled wasm kernel evaluates inline
   * (csrc/neuron-kernels.c), or 0 when the surrogate derivative comes in as the input `sg`.
   */
  sgKind: number;
  sgP: number;
  sgQ: number;
}

export function neuronKernelAttrs(p: NeuronCore, k: number, wShape: readonly number[], sg: { kind: number; p: number; q: number } = { kind: 0, p: 0, q: 0 }): NeuronKernelAttrs {
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
    sgKind: sg.kind,
    sgP: sg.p,
    sgQ: sg.q,
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

/** The exports of csrc/neuron-kernels.c (pointers are byte offsets into the wasm heap). */
interface CompiledNeuronKernels {
  neuron_forward(x: number, s: number, h: number, v: number, T: number, n: number, mode: number, a: number, vth: number, vr: number, soft: number): void;
  neuron_backward(
    g: number, h: number, sg: number, x: number, gx: number, gV: number, gk: number, T: number, n: number, vth: number, vr: number, soft: number, detach: number,
    dHdX: number, dHdV: number, plif: number, xcoef: number, ktarget: number, kind: number, p: number, q: number,
  ): void;
}

const COMPILED_URL = new URL('../../wasm/neuron-kernels.wasm', import.meta.url);

/** The compiled kernels on the wasm backend, or null when they cannot be loaded (then the JS recursion runs). */
function compiledKernels(backend: unknown): WasmKernelModule<CompiledNeuronKernels> | null {
  if (compiledDisabled) return null;
  try {
    return wasmKernelModule<CompiledNeuronKernels>(COMPILED_URL, backend);
  } catch {
    compiledDisabled = true;
    return null;
  }
}
let compiledDisabled = process.env.SPIKEFLOW_NO_WASM_KERNELS === '1';

/**
 * Use (true) or bypass (false) the compiled WebAssembly kernels on the wasm backend; bypassed, the
 * wasm kernels run the JS recursion on the heap. For tests and benchmarks that compare the two.
 */
export function useCompiledNeuronKernels(on: boolean): void {
  compiledDisabled = !on;
}

/** The kernel's charge mode and its constant `a` (csrc/neuron-kernels.c, "Charge modes"). */
function chargeMode(a: NeuronKernelAttrs): [mode: number, a: number] {
  if (a.model === 'if') return [0, 0];
  if (a.model === 'lif') {
    const zeroTarget = a.soft || a.vReset === 0;
    if (a.decayInput) return [zeroTarget ? 1 : 2, a.tau];
    return zeroTarget ? [3, Math.fround(1 - 1 / a.tau)] : [4, a.tau];
  }
  const leakless = a.soft || a.vReset === 0;
  if (a.decayInput) return [leakless ? 5 : 6, a.k];
  return [leakless ? 7 : 8, a.k];
}

function compiledForward(k: WasmKernelModule<CompiledNeuronKernels>, x: KernelTensorInfo, attrs: NeuronKernelAttrs): KernelTensorInfo[] {
  const spikes = k.output(x.shape);
  const h = k.output(x.shape);
  const size = sizeOf(x.shape);
  const T = x.shape.length === 0 ? 1 : x.shape[0];
  const n = T === 0 ? 0 : size / T;
  if (size === 0) return [spikes, h];
  const v = k.malloc(4 * n);
  const [mode, a] = chargeMode(attrs);
  k.fn.neuron_forward(k.ptr(x), k.ptr(spikes), k.ptr(h), v, T, n, mode, a, attrs.vThreshold, attrs.vReset, attrs.soft ? 1 : 0);
  k.free(v);
  return [spikes, h];
}

function compiledBackward(k: WasmKernelModule<CompiledNeuronKernels>, inputs: Record<string, KernelTensorInfo>, attrs: NeuronKernelAttrs): KernelTensorInfo[] {
  const { dy, h } = inputs;
  const plif = attrs.model === 'plif';
  const dx = k.output(h.shape);
  const outs = [dx];
  if (plif) outs.push(k.output(attrs.wShape));
  const size = sizeOf(h.shape);
  const T = h.shape.length === 0 ? 1 : h.shape[0];
  const n = T === 0 ? 0 : size / T;
  if (size === 0) {
    if (plif) k.f32(k.ptr(outs[1]), 1)[0] = 0;
    return outs;
  }
  const scratch = k.malloc(4 * n * (plif ? 2 : 1));
  const gk = plif ? scratch + 4 * n : scratch;
  const { dHdX, dHdV, dHdK } = chargeDerivatives(coreOf(attrs), attrs.k);
  const sgPtr = attrs.sgKind === 0 ? k.ptr(inputs.sg) : 0;
  const xPtr = plif ? k.ptr(inputs.x) : 0;
  k.fn.neuron_backward(
    k.ptr(dy), k.ptr(h), sgPtr, xPtr, k.ptr(dx), scratch, gk, T, n, attrs.vThreshold, attrs.vReset, attrs.soft ? 1 : 0, attrs.detachReset ? 1 : 0,
    dHdX, dHdV, plif ? 1 : 0, dHdK?.xCoef ?? 0, dHdK?.target ?? 0, attrs.sgKind, attrs.sgP, attrs.sgQ,
  );
  if (plif) {
    // dL/dw = Σ dL/dk · k(1 − k), summed in double over the per-element terms.
    const terms = k.f32(gk, n);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += terms[i];
    k.f32(k.ptr(outs[1]), 1)[0] = sum * attrs.k * (1 - attrs.k);
  }
  k.free(scratch);
  return outs;
}

type KernelArgs = { inputs: Record<string, KernelTensorInfo>; backend: unknown; attrs: NeuronKernelAttrs };

function forwardKernel(backendName: KernelBackend) {
  return ({ inputs, backend, attrs }: KernelArgs): KernelTensorInfo[] => {
    const x = inputs.x;
    const compiled = backendName === 'wasm' ? compiledKernels(backend) : null;
    if (compiled) return compiledForward(compiled, x, attrs);
    const mem = memoryOf(backendName, backend);
    const [spikes, h] = mem.outputs([x.shape, x.shape]);
    const T = x.shape.length === 0 ? 1 : x.shape[0];
    fusedForwardArrays(mem.view(x), T, coreOf(attrs), attrs.k, mem.view(h) as Float32Array, mem.view(spikes) as Float32Array);
    return [spikes, h];
  };
}

function backwardKernel(backendName: KernelBackend) {
  return ({ inputs, backend, attrs }: KernelArgs): KernelTensorInfo[] => {
    const compiled = backendName === 'wasm' ? compiledKernels(backend) : null;
    if (compiled) return compiledBackward(compiled, inputs, attrs);
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

/** True when the backward kernel on the current backend evaluates surrogates inline (no `sg` input needed). */
export function inlineSurrogatesAvailable(): boolean {
  return tf.getBackend() === 'wasm' && compiledKernels(tf.backend()) !== null;
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
