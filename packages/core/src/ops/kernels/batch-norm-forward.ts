import type { KernelArgs, SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { BatchNormForward, type BatchNormForwardSig } from './core-kernel-names.js';
import { coreKernels, withScratch } from './core-wasm-module.js';

function kernelFunc({ inputs, backend, attrs }: KernelArgs<BatchNormForwardSig>): HeapTensorInfo[] {
  const k = coreKernels(backend)!;
  const { x, weight, bias } = inputs;
  const [M, C] = x.shape;
  const y = k.output([M, C]);
  const mean = k.output([C]);
  const invstd = k.output([C]);
  const variance = k.output([C]);
  if (M * C > 0) {
    // Scratch: C doubles of running totals, then C floats of partial sums.
    withScratch(k, 8 * C + 4 * C, (s) =>
      k.fn.bn_forward(k.ptr(x), weight ? k.ptr(weight) : 0, bias ? k.ptr(bias) : 0, k.ptr(y), k.ptr(mean), k.ptr(invstd), k.ptr(variance), s, s + 8 * C, M, C, attrs.eps),
    );
  }
  return [y, mean, invstd, variance];
}

/** Training-mode batch norm of x [M, C] on wasm (compiled): [y, mean, invstd, variance]. */
export const batchNormForwardConfig: SpikeflowKernelConfig<BatchNormForwardSig> = { kernelName: BatchNormForward, backendName: 'wasm', kernelFunc };
