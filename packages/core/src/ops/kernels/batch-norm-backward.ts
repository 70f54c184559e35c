import type { KernelArgs, SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { BatchNormBackward, type BatchNormBackwardSig } from './core-kernel-names.js';
import { coreKernels, withScratch } from './core-wasm-module.js';

function kernelFunc({ inputs, backend }: KernelArgs<BatchNormBackwardSig>): HeapTensorInfo[] {
  const k = coreKernels(backend)!;
  const { dy, x, mean, invstd, weight } = inputs;
  const [M, C] = x.shape;
  const dx = k.output([M, C]);
  const dweight = k.output([C]);
  const dbias = k.output([C]);
  if (M * C > 0) {
    // Scratch: 2·C doubles of running totals, then 3·C floats of partial sums.
    withScratch(k, 16 * C + 12 * C, (s) =>
      k.fn.bn_backward(k.ptr(dy), k.ptr(x), k.ptr(mean), k.ptr(invstd), weight ? k.ptr(weight) : 0, k.ptr(dx), k.ptr(dweight), k.ptr(dbias), s, s + 16 * C, M, C),
    );
  }
  return [dx, dweight, dbias];
}

/** Batch norm's closed-form backward on wasm (compiled): [dx, dweight, dbias]. */
export const batchNormBackwardConfig: SpikeflowKernelConfig<BatchNormBackwardSig> = { kernelName: BatchNormBackward, backendName: 'wasm', kernelFunc };
