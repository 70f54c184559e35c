import type { HeapTensorInfo, KernelArgs, SpikeflowKernelConfig, WasmKernelModule } from '@spikeflow/core';
import { fusedForwardArrays } from '../recursion.js';
import { ChargeMode } from './neuron-codes.js';
import { NeuronForward, type NeuronForwardSig, type NeuronKernelAttrs } from './neuron-kernel-names.js';
import { compiledNeuronKernels, coreOf, memoryOf, sizeOf, stepsOf, type CompiledNeuronKernels, type NeuronKernelBackend } from './neuron-kernel-memory.js';

/** The compiled kernel's charge mode and its constant `a`. */
export function chargeMode(a: NeuronKernelAttrs): [mode: ChargeMode, a: number] {
  if (a.model === 'if') return [ChargeMode.If, 0];
  // The leak target is V_reset for a hard reset, 0 for a soft one.
  const zeroTarget = a.soft || a.vReset === 0;
  if (a.model === 'lif') {
    if (a.decayInput) return [zeroTarget ? ChargeMode.LifDecayInputZeroTarget : ChargeMode.LifDecayInput, a.tau];
    return zeroTarget ? [ChargeMode.LifZeroTarget, Math.fround(1 - 1 / a.tau)] : [ChargeMode.Lif, a.tau];
  }
  if (a.decayInput) return [zeroTarget ? ChargeMode.PlifDecayInputZeroTarget : ChargeMode.PlifDecayInput, a.k];
  return [zeroTarget ? ChargeMode.PlifZeroTarget : ChargeMode.Plif, a.k];
}

function compiledForward(k: WasmKernelModule<CompiledNeuronKernels>, x: HeapTensorInfo, attrs: NeuronKernelAttrs): HeapTensorInfo[] {
  const spikes = k.output(x.shape);
  const h = k.output(x.shape);
  const size = sizeOf(x.shape);
  const T = stepsOf(x.shape);
  const n = T === 0 ? 0 : size / T;
  if (size === 0) return [spikes, h];
  const v = k.malloc(4 * n);
  const [mode, a] = chargeMode(attrs);
  k.fn.neuron_forward(k.ptr(x), k.ptr(spikes), k.ptr(h), v, T, n, mode, a, attrs.vThreshold, attrs.vReset, attrs.soft ? 1 : 0);
  k.free(v);
  return [spikes, h];
}

function forwardKernel(backendName: NeuronKernelBackend) {
  return ({ inputs, backend, attrs }: KernelArgs<NeuronForwardSig>): HeapTensorInfo[] => {
    const x = inputs.x;
    const compiled = backendName === 'wasm' ? compiledNeuronKernels(backend) : null;
    if (compiled) return compiledForward(compiled, x, attrs);
    const mem = memoryOf(backendName, backend);
    const [spikes, h] = mem.outputs([x.shape, x.shape]);
    fusedForwardArrays(mem.view(x), stepsOf(x.shape), coreOf(attrs), attrs.k, mem.view(h) as Float32Array, mem.view(spikes) as Float32Array);
    return [spikes, h];
  };
}

/** The multi-step forward on wasm (compiled SIMD, or the JS recursion on the heap) and cpu (JS recursion). */
export const neuronForwardConfigs: readonly SpikeflowKernelConfig<NeuronForwardSig>[] = [
  { kernelName: NeuronForward, backendName: 'wasm', kernelFunc: forwardKernel('wasm') },
  { kernelName: NeuronForward, backendName: 'cpu', kernelFunc: forwardKernel('cpu') },
];
