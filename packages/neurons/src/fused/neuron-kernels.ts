// Custom tf kernels that run the fused op's recursion (recursion.ts) directly on the backend's own
// memory: in place on the wasm heap and on the cpu backend's typed arrays. The dataSync path
// instead copies the input, spikes, membrane, dy and dx between the backend and JS (on wasm that
// costs about as much as the fused recursion saves).
//
// One file per kernel in kernels/ (names and attributes typed in kernels/neuron-kernel-names.ts);
// this package's one registration function is added to core's kernel registrars here, at module
// load, and `selectBackend` runs it. This file is what the fused op asks.
import { addKernelRegistrar, kernelRunner, tf } from '@spikeflow/core';
import type { NeuronCore } from './recursion.js';
import { SurrogateKind } from './kernels/neuron-codes.js';
import { NeuronBackward, NeuronForward, type NeuronKernelAttrs, type NeuronKernelSignatures } from './kernels/neuron-kernel-names.js';
import { compiledNeuronKernels, NEURON_KERNEL_BACKENDS } from './kernels/neuron-kernel-memory.js';
import { registerNeuronKernels } from './kernels/register-neuron-kernels.js';

export { NeuronForward as NEURON_FORWARD, NeuronBackward as NEURON_BACKWARD };
export type { NeuronKernelAttrs };
export { useCompiledNeuronKernels } from './kernels/neuron-kernel-memory.js';

addKernelRegistrar(registerNeuronKernels);

/**
 * Run a neuron kernel with inputs and attributes checked against its signature.
 *
 * @example
 * ```ts
 * const [spikes, h] = runNeuronKernel(NEURON_FORWARD, { x }, neuronKernelAttrs(core, 0, [])) as Tensor[];
 * ```
 */
export const runNeuronKernel = kernelRunner<NeuronKernelSignatures>();

/** A surrogate the compiled kernel evaluates inline: its kind and two parameters. */
interface InlineSurrogate {
  readonly kind: SurrogateKind;
  readonly p: number;
  readonly q: number;
}

const GIVEN: InlineSurrogate = { kind: SurrogateKind.Given, p: 0, q: 0 };

/** The kernels' attributes for a neuron with leak k (PLIF's sigmoid(w), else 0) and, optionally, an inline surrogate. */
export function neuronKernelAttrs(p: NeuronCore, k: number, wShape: readonly number[], sg: InlineSurrogate = GIVEN): NeuronKernelAttrs {
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

/** True when the backward kernel on the current backend evaluates surrogates inline (no `sg` input needed). */
export function inlineSurrogatesAvailable(): boolean {
  return tf.getBackend() === 'wasm' && compiledNeuronKernels(tf.backend()) !== null;
}

/**
 * Whether the current backend has the neuron kernels: true on wasm and cpu once selected with
 * `selectBackend` (which registers them), false elsewhere (e.g. tfjs-node), where the fused op
 * keeps its dataSync path.
 */
export function neuronKernelsAvailable(): boolean {
  const name = tf.getBackend();
  return (NEURON_KERNEL_BACKENDS as readonly string[]).includes(name) && tf.getKernel(NeuronForward, name) !== undefined && tf.getKernel(NeuronBackward, name) !== undefined;
}
