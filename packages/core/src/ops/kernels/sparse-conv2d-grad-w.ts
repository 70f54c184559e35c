import type { KernelArgs, SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { SparseConv2DGradW, type SparseConv2DGradWSig } from './core-kernel-names.js';
import { coreKernels, sizeOf } from './core-wasm-module.js';

function kernelFunc({ inputs, backend, attrs: a }: KernelArgs<SparseConv2DGradWSig>): HeapTensorInfo {
  const k = coreKernels(backend)!;
  const { x, dy } = inputs;
  const [N, H, W, Cin] = x.shape;
  const [, Ho, Wo, Cout] = dy.shape;
  const dw = k.output([a.kh, a.kw, Cin, Cout]);
  if (sizeOf(dw.shape) > 0) k.fn.sparse_conv_grad_w(k.ptr(x), k.ptr(dy), k.ptr(dw), N, H, W, Cin, Ho, Wo, Cout, a.kh, a.kw, a.sh, a.sw, a.ph, a.pw);
  return dw;
}

/** The event-driven filter gradient on wasm (compiled). */
export const sparseConv2DGradWConfig: SpikeflowKernelConfig<SparseConv2DGradWSig> = { kernelName: SparseConv2DGradW, backendName: 'wasm', kernelFunc };
