import { kernelRunner } from '../engine/kernel-registry.js';
import { tf, type Tensor } from '../engine/tf.js';
import { SparseMatMul, SparseMatMulGradW, type CoreKernelSignatures } from './kernels/core-kernel-names.js';
import { coreKernels, cpuValues, type CpuBackendLike } from './kernels/core-wasm-module.js';

// Event-driven ("spike") matrix products. A layer fed by spikes multiplies a matrix that is mostly
// zeros; accumulating only the rows the active inputs select does the same work as the dense
// product at a fraction of the cost. On wasm these run as compiled SIMD kernels on the heap
// (csrc/core-kernels.c); on cpu as JS loops over the backend's arrays. Elsewhere (tfjs-node) the
// dense product is always used. Results equal the dense product up to the order of the sums.

export { SparseMatMul as SPARSE_MATMUL, SparseMatMulGradW as SPARSE_MATMUL_GRAD_W } from './kernels/core-kernel-names.js';
export { coreKernels } from './kernels/core-wasm-module.js';

const run = kernelRunner<CoreKernelSignatures>();

/** How layers choose between the event-driven and the dense product. */
export type EventDrivenMode = 'auto' | 'always' | 'never';
let mode: EventDrivenMode = 'auto';

/**
 * Density (fraction of non-zero inputs) below which `auto` uses the event-driven product. From
 * `node benchmarks/event-driven.mjs` (forward + both gradients, wasm): event-driven is 1.3-1.7x
 * faster at density 0.2 and breaks even near 0.3 for 10- and 128-wide outputs (0.4 for 512-wide).
 */
export const EVENT_DRIVEN_MAX_DENSITY = 0.25;

/**
 * Set how Linear (and other spike-fed layers) choose their product: `auto` (by the measured
 * density of each input), `always` or `never` (for tests and benchmarks). Returns the previous mode.
 */
export function setEventDriven(next: EventDrivenMode): EventDrivenMode {
  const prev = mode;
  mode = next;
  return prev;
}

/** Fraction of non-zero entries of `x`, or undefined where the event-driven kernels do not exist. */
export function density(x: Tensor): number | undefined {
  if (x.dtype !== 'float32' || x.size === 0) return undefined;
  const k = coreKernels();
  if (k) return (k.fn.count_nonzero(k.ptr(x), x.size) >>> 0) / x.size; // a size_t count, read unsigned
  if (tf.getBackend() === 'cpu') {
    const v = cpuValues(tf.backend() as unknown as CpuBackendLike, x);
    let nz = 0;
    for (let i = 0; i < v.length; i++) nz += v[i] !== 0 ? 1 : 0;
    return nz / x.size;
  }
  return undefined;
}

/** Whether a product with left operand `x` should run event-driven (per the current mode and x's density). */
export function useEventDriven(x: Tensor): boolean {
  if (mode === 'never' || !spikeKernelsAvailable()) return false;
  if (mode === 'always') return true;
  const d = density(x);
  return d !== undefined && d < EVENT_DRIVEN_MAX_DENSITY;
}

/**
 * Whether the event-driven kernels run on the current backend: cpu, and wasm when the compiled
 * core kernels load (registered with the backend by `selectBackend`).
 */
export function spikeKernelsAvailable(): boolean {
  const backend = tf.getBackend();
  if (backend !== 'cpu' && !(backend === 'wasm' && coreKernels())) return false;
  return tf.getKernel(SparseMatMul, backend) !== undefined;
}

/**
 * `x·w` for `x [N, K]`, `w [K, M]`, accumulating only the rows of `w` selected by non-zero `x`.
 * Differentiable (`dx = dy·wᵀ`, `dw` event-driven); {@link linear} wraps it with its own plan.
 * Runs where {@link spikeKernelsAvailable}.
 */
export function sparseMatMul(x: Tensor, w: Tensor): Tensor {
  return run(SparseMatMul, { x, w }, {}) as Tensor;
}

/** `xᵀ·dy` for `x [N, K]`, `dy [N, M]`, visiting only non-zero `x` (the weight gradient of a spike-fed layer). */
export function sparseMatMulGradW(x: Tensor, dy: Tensor): Tensor {
  return run(SparseMatMulGradW, { x, dy }, {}) as Tensor;
}
