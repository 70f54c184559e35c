import type { KernelArgs, SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { SparseConv2D, type SparseConv2DSig } from './core-kernel-names.js';
import { coreKernels, sizeOf } from './core-wasm-module.js';

function kernelFunc({ inputs, backend, attrs: a }: KernelArgs<SparseConv2DSig>): HeapTensorInfo {
  const k = coreKernels(backend)!;
  const { x, w } = inputs;
  const [N, H, W, Cin] = x.shape;
  const [kh, kw, , Cout] = w.shape;
  const y = k.output([N, a.ho, a.wo, Cout]);
  if (sizeOf(y.shape) > 0) k.fn.sparse_conv_forward(k.ptr(x), k.ptr(w), k.ptr(y), N, H, W, Cin, a.ho, a.wo, Cout, kh, kw, a.sh, a.sw, a.ph, a.pw);
  return y;
}

/** Event-driven convolution (zero padding ph/pw on each side) on wasm (compiled). */
export const sparseConv2DConfig: SpikeflowKernelConfig<SparseConv2DSig> = { kernelName: SparseConv2D, backendName: 'wasm', kernelFunc };
