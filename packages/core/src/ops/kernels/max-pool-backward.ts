import type { KernelArgs, SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { MaxPoolBackward, type MaxPoolBackwardSig } from './core-kernel-names.js';
import { coreKernels, sizeOf } from './core-wasm-module.js';

function kernelFunc({ inputs, backend, attrs: a }: KernelArgs<MaxPoolBackwardSig>): HeapTensorInfo {
  const k = coreKernels(backend)!;
  const { dy, arg } = inputs;
  const shape = [a.n, a.h, a.w, a.c];
  const dx = k.output(shape);
  if (sizeOf(shape) > 0) k.fn.maxpool_backward(k.ptr(dy), k.ptr(arg), k.ptr(dx), sizeOf(shape), sizeOf(dy.shape));
  return dx;
}

/** Max pooling's backward on wasm (compiled): dy scattered to the recorded argmax, shaped like x. */
export const maxPoolBackwardConfig: SpikeflowKernelConfig<MaxPoolBackwardSig> = { kernelName: MaxPoolBackward, backendName: 'wasm', kernelFunc };
