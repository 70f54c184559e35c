import { kernelRunner, type SpikeflowGradConfig, type SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import { tf, type Tensor } from '../../engine/tf.js';
import { SparseMatMul, SparseMatMulGradW, type CoreKernelSignatures, type SparseMatMulSig } from './core-kernel-names.js';
import { sparseProductKernelFunc } from './sparse-product.js';

const kernelFunc = sparseProductKernelFunc<SparseMatMulSig>('w');

/** The event-driven product on wasm (compiled) and cpu (JS loops over the backend's arrays). */
export const sparseMatMulConfigs: readonly SpikeflowKernelConfig<SparseMatMulSig>[] = [
  { kernelName: SparseMatMul, backendName: 'wasm', kernelFunc },
  { kernelName: SparseMatMul, backendName: 'cpu', kernelFunc },
];

const run = kernelRunner<CoreKernelSignatures>();

/** `dx = dy·wᵀ` (dense, explicit transpose: see linear.ts), `dw = xᵀ·dy` event-driven (SparseMatMulGradW). */
export const sparseMatMulGrad: SpikeflowGradConfig<SparseMatMulSig> = {
  kernelName: SparseMatMul,
  inputsToSave: ['x', 'w'],
  gradFunc: (dy, [x, w]) => ({
    x: () => tf.matMul(dy as tf.Tensor2D, tf.transpose(w as tf.Tensor2D)),
    w: () => run(SparseMatMulGradW, { x, dy: dy as Tensor }, {}) as Tensor,
  }),
};
