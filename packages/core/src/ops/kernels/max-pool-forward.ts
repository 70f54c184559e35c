import type { KernelArgs, SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { MaxPoolForward, type MaxPoolForwardSig } from './core-kernel-names.js';
import { coreKernels, sizeOf } from './core-wasm-module.js';

function kernelFunc({ inputs, backend, attrs: a }: KernelArgs<MaxPoolForwardSig>): HeapTensorInfo[] {
  const k = coreKernels(backend)!;
  const { x } = inputs;
  const [N, H, W, C] = x.shape;
  const y = k.output([N, a.ho, a.wo, C]);
  const arg = k.output([N, a.ho, a.wo, C], 'int32');
  if (sizeOf(y.shape) > 0) k.fn.maxpool_forward(k.ptr(x), k.ptr(y), k.ptr(arg), N, H, W, C, a.kh, a.kw, a.sh, a.sw, a.ph, a.pw, a.ho, a.wo);
  return [y, arg];
}

/** PyTorch-exact max pooling on wasm (compiled), recording each window's first maximum: [y, argmax]. */
export const maxPoolForwardConfig: SpikeflowKernelConfig<MaxPoolForwardSig> = { kernelName: MaxPoolForward, backendName: 'wasm', kernelFunc };
