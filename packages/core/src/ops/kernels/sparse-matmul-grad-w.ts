import type { SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import { SparseMatMulGradW, type SparseMatMulGradWSig } from './core-kernel-names.js';
import { sparseProductKernelFunc } from './sparse-product.js';

const kernelFunc = sparseProductKernelFunc<SparseMatMulGradWSig>('dy');

/** The event-driven weight gradient on wasm (compiled) and cpu. */
export const sparseMatMulGradWConfigs: readonly SpikeflowKernelConfig<SparseMatMulGradWSig>[] = [
  { kernelName: SparseMatMulGradW, backendName: 'wasm', kernelFunc },
  { kernelName: SparseMatMulGradW, backendName: 'cpu', kernelFunc },
];
