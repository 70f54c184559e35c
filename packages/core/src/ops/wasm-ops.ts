import { kernelRunner } from '../engine/kernel-registry.js';
import { tf, type Tensor } from '../engine/tf.js';
import {
  AdamUpdate,
  BatchNormBackward,
  BatchNormForward,
  MaxPoolBackward,
  MaxPoolForward,
  SparseConv2D,
  SparseConv2DGradW,
  type AdamAttrs,
  type ConvAttrs,
  type CoreKernelSignatures,
  type PoolAttrs,
} from './kernels/core-kernel-names.js';
import { coreKernels, type CoreWasm } from './kernels/core-wasm-module.js';

// Compiled wasm kernels (csrc/core-kernels.c) for the layers whose tfjs compositions dominate a conv
// SNN's training step on wasm (measured on W2, `spikeflow bench W2`): batch-norm statistics (tfjs'
// per-channel reductions of [50176, 32] took ~30 ms each as ones-row matMuls), PyTorch-exact max
// pooling with a recorded argmax (the composed gradient needed transposes, argMax and oneHot over the
// whole map), and event-driven convolution for spike inputs. Each op here has a composed reference
// in its own file (batch-norm.ts, max-pool.ts, conv2d.ts) that tests compare against. The kernel
// configs are in kernels/ (one file each), registered with the backend by `selectBackend`.

export type { AdamAttrs, ConvAttrs, PoolAttrs };

let compiledOpsOff = false;

/** Turn the compiled wasm layer kernels off (the composed references run) or back on: for tests and benchmarks. */
export function useCompiledLayerKernels(on: boolean): void {
  compiledOpsOff = !on;
}

/** The compiled kernels when the current backend is wasm, they load and they are not turned off, else null. */
export function compiledLayerKernels(): CoreWasm | null {
  // Registered by selectBackend; a backend switched to by tf.setBackend alone has none.
  return compiledOpsOff || !tf.getKernel(BatchNormForward, 'wasm') ? null : coreKernels();
}

const run = kernelRunner<CoreKernelSignatures>();

/** Batch-norm forward on x [M, C]: [y, mean, invstd, variance]. */
export function bnForwardKernel(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor[] {
  return run(BatchNormForward, { x, weight, bias }, { eps }) as Tensor[];
}

/** Batch-norm backward: [dx, dweight, dbias]. */
export function bnBackwardKernel(dy: Tensor, x: Tensor, mean: Tensor, invstd: Tensor, weight: Tensor | null): Tensor[] {
  return run(BatchNormBackward, { dy, x, mean, invstd, weight }, {}) as Tensor[];
}

/** Max pool forward: [y, argmax (int32 flat indices into x)]. */
export function maxPoolForwardKernel(x: Tensor, a: PoolAttrs): Tensor[] {
  return run(MaxPoolForward, { x }, { ...a }) as Tensor[];
}

/** Max pool backward: dy routed to the recorded argmax, shaped like x. */
export function maxPoolBackwardKernel(dy: Tensor, arg: Tensor, xShape: readonly number[]): Tensor {
  const [n, h, w, c] = xShape;
  return run(MaxPoolBackward, { dy, arg }, { n, h, w, c }) as Tensor;
}

/** Event-driven conv forward (zero padding ph/pw on each side). */
export function sparseConvKernel(x: Tensor, w: Tensor, a: ConvAttrs): Tensor {
  return run(SparseConv2D, { x, w }, { ...a }) as Tensor;
}

/** Event-driven filter gradient. */
export function sparseConvGradWKernel(x: Tensor, dy: Tensor, kh: number, kw: number, a: ConvAttrs): Tensor {
  return run(SparseConv2DGradW, { x, dy }, { ...a, kh, kw }) as Tensor;
}

/** One fused Adam step: [p1, m1, v1]. */
export function adamUpdateKernel(p: Tensor, g: Tensor, m: Tensor, v: Tensor, a: AdamAttrs): Tensor[] {
  return run(AdamUpdate, { p, g, m, v }, { ...a }) as Tensor[];
}
