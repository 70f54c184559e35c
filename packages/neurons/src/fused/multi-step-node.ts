// A fused, differentiable multi-step charge–fire–reset op. BaseNode's composed multi-step forward
// runs ~10 small tf ops per time step (plus unstack/stack) and the same again in backward; every tf
// op has a fixed overhead, which dominates for the layer sizes SNNs use. This op reads the input
// once, runs the whole recursion over T in one plain JS pass, and writes the spikes as one tensor;
// backward evaluates the surrogate gradient with one tf call on the whole [T, ...] membrane and runs
// the exact BPTT recursion backwards through time in JS.
//
// On the wasm and cpu backends the recursion runs inside custom kernels (neuron-kernels.ts) directly
// on the backend's memory; elsewhere (e.g. tfjs-node) it reads the inputs with dataSync and makes
// the outputs with tf.tensor. Both paths run the same code (recursion.ts) and give identical results.
// Forward arithmetic mirrors the composed path op by op (each tf op rounds to float32, so every
// intermediate goes through Math.fround in the same order): spikes are bit-identical.
import { SpikeflowError, tf, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import { inlineSurrogatesAvailable, NEURON_BACKWARD, NEURON_FORWARD, neuronKernelAttrs, neuronKernelsAvailable } from './neuron-kernels.js';
import { nativeSurrogateOf } from '../surrogates/surrogate-kit.js';
import { fusedBackwardArrays, fusedForwardArrays } from './recursion.js';

export { fusedForwardArrays };

/** Options every fused neuron shares (BaseNode's semantics). */
interface FusedCommon {
  /** Firing threshold V_th. */
  readonly vThreshold: number;
  /** Hard-reset potential, or `null` for a soft reset (V = H − V_th). */
  readonly vReset: number | null;
  /** Detach the spike in the reset term only. */
  readonly detachReset: boolean;
  /** Surrogate gradient of the spike. */
  readonly surrogate: SurrogateFunction;
}

/** The neuron model of {@link fusedMultiStep}. */
export type FusedNeuronParams =
  | (FusedCommon & { readonly model: 'if' })
  | (FusedCommon & { readonly model: 'lif'; readonly tau: number; readonly decayInput: boolean })
  | (FusedCommon & {
      readonly model: 'plif';
      /** The learnable scalar with `1/τ = sigmoid(w)`; dL/dw is returned through the tape. */
      readonly w: Tensor;
      readonly decayInput: boolean;
    });

/**
 * How {@link fusedMultiStep} runs the recursion: `'auto'` = custom kernels on the backend's memory
 * where registered (wasm, cpu), else `'arrays'` = read with dataSync, write with tf.tensor.
 */
export type FusedImpl = 'auto' | 'arrays';

const f32 = Math.fround;

// Large fresh typed arrays are costly (first-touch page faults, GC pressure). The wasm backend copies
// the values of a new tensor into its heap, so there an output buffer can be reused once the tensor
// exists; other backends (cpu) keep the array itself, so they always get a fresh one.
let scratch: Float32Array | null = null;
function outputBuffer(size: number): { buffer: Float32Array } {
  if (tf.getBackend() !== 'wasm') return { buffer: new Float32Array(size) };
  if (!scratch || scratch.length < size) scratch = new Float32Array(size);
  return { buffer: scratch.subarray(0, size) };
}

/**
 * Multi-step charge–fire–reset over a time-first input `[T, ...]`, starting from rest
 * (V = V_reset, or 0 with a soft reset), as one differentiable op: returns the spikes `[T, ...]`
 * (float32 0/1), identical to BaseNode's composed multi-step forward. Gradients flow to `x` and, for
 * PLIF, to `w` (BPTT with the surrogate standing in for dS/dH; `detachReset` detaches the spike in
 * the reset term only). `impl` = `'arrays'` forces the dataSync path (same results; for tests and
 * benchmarks).
 *
 * @example
 * ```ts
 * const s = fusedMultiStep(x, { model: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0, detachReset: false, surrogate: sigmoid() });
 * ```
 */
export function fusedMultiStep(x: Tensor, params: FusedNeuronParams, impl: FusedImpl = 'auto'): Tensor {
  if (x.rank < 1) throw new SpikeflowError('shape-mismatch', `fusedMultiStep expects a time-first input [T, ...], got shape [${x.shape}]`);
  const inputs: Tensor[] = params.model === 'plif' ? [x, params.w] : [x];
  if (params.model === 'plif' && params.w.size !== 1) throw new SpikeflowError('shape-mismatch', `fusedMultiStep: PLIF's w must be a scalar, got shape [${params.w.shape}]`);
  const body = impl === 'auto' && neuronKernelsAvailable() ? kernelForwardAndGrad : forwardAndGrad;
  const op = tf.customGrad(((...args: unknown[]) => body(args[0] as Tensor, params, args[args.length - 1] as SaveFunc)) as unknown as Parameters<typeof tf.customGrad>[0]) as (
    ...t: Tensor[]
  ) => Tensor;
  return op(...inputs);
}

type SaveFunc = (tensors: Tensor[]) => void;
type ForwardAndGrad = { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] };

/** k = sigmoid(w) for PLIF, evaluated by tf so it is the float32 value the composed path uses. */
function leakOf(p: FusedNeuronParams): number {
  if (p.model !== 'plif') return 0;
  const kt = tf.sigmoid(p.w);
  const k = kt.dataSync()[0];
  kt.dispose();
  return k;
}

/** The custom-kernel path: H stays a backend tensor, saved for backward (tape only). */
function kernelForwardAndGrad(x: Tensor, p: FusedNeuronParams, save: SaveFunc): ForwardAndGrad {
  const k = leakOf(p);
  // The compiled wasm kernels evaluate this package's surrogates inline; others come in as a tensor.
  const native = inlineSurrogatesAvailable() ? nativeSurrogateOf(p.surrogate) : undefined;
  const attrs = neuronKernelAttrs(p, k, p.model === 'plif' ? p.w.shape : [], native);
  const [value, hT] = tf.engine().runKernel(NEURON_FORWARD, { x }, attrs) as Tensor[];
  // Saved tensors are kept (as clones) only while a tape records, and disposed after backprop.
  save(p.model === 'plif' ? [hT, x] : [hT]);
  const vth = f32(p.vThreshold);
  const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
    const [h, xSaved] = saved;
    // Surrogate gradient on the whole [T, ...] membrane: one tf call (unless the kernel computes it inline).
    const sg = native ? null : tf.tidy(() => p.surrogate.derivative(tf.sub(h, vth)));
    const inputs: Record<string, Tensor> = { dy, h };
    if (sg) inputs.sg = sg;
    if (p.model === 'plif') inputs.x = xSaved;
    const grads = tf.engine().runKernel(NEURON_BACKWARD, inputs, attrs) as Tensor[];
    sg?.dispose();
    return grads;
  };
  return { value, gradFunc };
}

/** The dataSync path (backends without the kernels). */
function forwardAndGrad(x: Tensor, p: FusedNeuronParams): ForwardAndGrad {
  const shape = x.shape;
  const T = shape[0];
  const n = T === 0 ? 0 : x.size / T;
  const k = leakOf(p);
  const vth = f32(p.vThreshold);

  const xs = x.dataSync() as Float32Array; // may alias backend memory (cpu): read only
  const hs = new Float32Array(T * n);
  const out = outputBuffer(T * n).buffer; // every element is written
  fusedForwardArrays(xs, T, p, k, hs, out);
  const value = tf.tensor(out, shape, 'float32');

  const gradFunc = (dy: Tensor): Tensor[] => {
    // Surrogate gradient on the whole [T, ...] membrane: one tf call, one read.
    const hT = tf.tensor(hs, shape, 'float32');
    const sgT = tf.tidy(() => p.surrogate.derivative(tf.sub(hT, vth)));
    hT.dispose();
    const sg = sgT.dataSync();
    const g = dy.dataSync();
    const gx = outputBuffer(T * n).buffer; // every element is written
    const dw = fusedBackwardArrays(g, hs, sg, xs, T, p, k, gx);
    sgT.dispose();
    const grads = [tf.tensor(gx, shape, 'float32')];
    if (p.model === 'plif') grads.push(tf.tensor(new Float32Array([dw]), p.w.shape, 'float32'));
    return grads;
  };
  return { value, gradFunc };
}
