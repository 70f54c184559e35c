import type { HeapTensorInfo, KernelArgs, SpikeflowKernelConfig, WasmKernelModule } from '@spikeflow/core';
import { chargeDerivatives, fusedBackwardArrays } from '../recursion.js';
import { SurrogateKind } from './neuron-codes.js';
import { NeuronBackward, type NeuronBackwardSig, type NeuronKernelAttrs } from './neuron-kernel-names.js';
import { compiledNeuronKernels, coreOf, memoryOf, sizeOf, stepsOf, type CompiledNeuronKernels, type NeuronKernelBackend } from './neuron-kernel-memory.js';

type Inputs = KernelArgs<NeuronBackwardSig>['inputs'];

function compiledBackward(k: WasmKernelModule<CompiledNeuronKernels>, inputs: Inputs, attrs: NeuronKernelAttrs): HeapTensorInfo[] {
  const { dy, h } = inputs;
  const plif = attrs.model === 'plif';
  const dx = k.output(h.shape);
  const outs = [dx];
  if (plif) outs.push(k.output(attrs.wShape));
  const size = sizeOf(h.shape);
  const T = stepsOf(h.shape);
  const n = T === 0 ? 0 : size / T;
  if (size === 0) {
    if (plif) k.f32(k.ptr(outs[1]), 1)[0] = 0;
    return outs;
  }
  const scratch = k.malloc(4 * n * (plif ? 2 : 1));
  const gk = plif ? scratch + 4 * n : scratch;
  const { dHdX, dHdV, dHdK } = chargeDerivatives(coreOf(attrs), attrs.k);
  const sgPtr = attrs.sgKind === SurrogateKind.Given ? k.ptr(inputs.sg!) : 0;
  const xPtr = plif ? k.ptr(inputs.x!) : 0;
  k.fn.neuron_backward(
    k.ptr(dy),
    k.ptr(h),
    sgPtr,
    xPtr,
    k.ptr(dx),
    scratch,
    gk,
    T,
    n,
    attrs.vThreshold,
    attrs.vReset,
    attrs.soft ? 1 : 0,
    attrs.detachReset ? 1 : 0,
    dHdX,
    dHdV,
    plif ? 1 : 0,
    dHdK?.xCoef ?? 0,
    dHdK?.target ?? 0,
    attrs.sgKind,
    attrs.sgP,
    attrs.sgQ,
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

function backwardKernel(backendName: NeuronKernelBackend) {
  return ({ inputs, backend, attrs }: KernelArgs<NeuronBackwardSig>): HeapTensorInfo[] => {
    const compiled = backendName === 'wasm' ? compiledNeuronKernels(backend) : null;
    if (compiled) return compiledBackward(compiled, inputs, attrs);
    const { dy, h, sg } = inputs;
    const plif = attrs.model === 'plif';
    const mem = memoryOf(backendName, backend);
    const outs = mem.outputs(plif ? [h.shape, attrs.wShape] : [h.shape]);
    const xs = plif ? mem.view(inputs.x!) : new Float32Array(0);
    const dw = fusedBackwardArrays(mem.view(dy), mem.view(h), mem.view(sg!), xs, stepsOf(h.shape), coreOf(attrs), attrs.k, mem.view(outs[0]) as Float32Array);
    if (plif) mem.view(outs[1])[0] = dw;
    return outs;
  };
}

/** The exact BPTT backward on wasm (compiled, surrogates inline or given) and cpu (JS recursion, surrogate given). */
export const neuronBackwardConfigs: readonly SpikeflowKernelConfig<NeuronBackwardSig>[] = [
  { kernelName: NeuronBackward, backendName: 'wasm', kernelFunc: backwardKernel('wasm') },
  { kernelName: NeuronBackward, backendName: 'cpu', kernelFunc: backwardKernel('cpu') },
];
