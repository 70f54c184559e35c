import { registerKernelConfigs, type AnyGradConfig, type AnyKernelConfig } from '../../engine/kernel-registry.js';
import { installWasmSliceKernels } from '../../engine/wasm-slice-kernels.js';
import { adamUpdateConfig } from './adam-update.js';
import { batchNormBackwardConfig } from './batch-norm-backward.js';
import { batchNormForwardConfig } from './batch-norm-forward.js';
import { joinRowsConfig } from './join-rows.js';
import { maxPoolBackwardConfig } from './max-pool-backward.js';
import { maxPoolForwardConfig } from './max-pool-forward.js';
import { sparseConv2DConfig } from './sparse-conv2d.js';
import { sparseConv2DGradWConfig } from './sparse-conv2d-grad-w.js';
import { sparseMatMulConfigs, sparseMatMulGrad } from './sparse-matmul.js';
import { sparseMatMulGradWConfigs } from './sparse-matmul-grad-w.js';
import { installWasmTranspose } from './wasm-transpose.js';

/** Every custom kernel of core, for every backend it has one for. */
export const CORE_KERNELS: readonly AnyKernelConfig[] = [
  ...sparseMatMulConfigs,
  ...sparseMatMulGradWConfigs,
  batchNormForwardConfig,
  batchNormBackwardConfig,
  maxPoolForwardConfig,
  maxPoolBackwardConfig,
  sparseConv2DConfig,
  sparseConv2DGradWConfig,
  adamUpdateConfig,
  joinRowsConfig,
];

/**
 * The gradients of core's kernels that are differentiable ops on their own. Kernels with outputs that
 * take no gradient (max pool's argmax, batch norm's statistics) are run inside custom ops instead: for
 * every output without a gradient, tfjs' tape makes a zero-filled dy in JavaScript and copies it into
 * the backend's memory on every backward pass (for W2's pooling, 6 MB per call: 0.86x training speed).
 */
export const CORE_GRADIENTS: readonly AnyGradConfig[] = [sparseMatMulGrad];

/**
 * Register core's kernels for `backendName`, and on wasm replace tfjs' Slice, Unpack, SplitV and
 * 2-D Transpose with in-heap ones. Core adds this as a kernel registrar; `selectBackend` runs it.
 */
export function registerCoreKernels(backendName: string): void {
  if (backendName === 'wasm') {
    installWasmSliceKernels();
    installWasmTranspose();
  }
  registerKernelConfigs(CORE_KERNELS, backendName, CORE_GRADIENTS);
}
