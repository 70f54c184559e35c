import { tf, type Tensor } from '../engine/tf.js';
import type { HeapTensorInfo, WasmKernelModule } from '../engine/wasm-kernel-module.js';
import { coreKernels } from './spike-matmul.js';

// Compiled wasm kernels (csrc/core-kernels.c) for the layers whose tfjs compositions dominate a conv
// SNN's training step on wasm (measured on W2, `spikeflow bench W2`): batch-norm statistics (tfjs'
// per-channel reductions of [50176, 32] took ~30 ms each as ones-row matMuls), PyTorch-exact max
// pooling with a recorded argmax (the composed gradient needed transposes, argMax and oneHot over the
// whole map), and event-driven convolution for spike inputs. Each op here has a composed reference
// in its own file (batch-norm.ts, max-pool.ts, conv2d.ts) that tests compare against.

interface CoreExports {
  bn_forward(x: number, w: number, b: number, y: number, mean: number, invstd: number, varOut: number, total: number, acc: number, M: number, C: number, eps: number): void;
  bn_backward(dy: number, x: number, mean: number, invstd: number, w: number, dx: number, dweight: number, dbias: number, totals: number, acc: number, M: number, C: number): void;
  maxpool_forward(x: number, y: number, arg: number, N: number, H: number, W: number, C: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, Ho: number, Wo: number): void;
  maxpool_backward(dy: number, arg: number, dx: number, nIn: number, nOut: number): void;
  sparse_conv_forward(x: number, w: number, y: number, N: number, H: number, W: number, Cin: number, Ho: number, Wo: number, Cout: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number): void;
  sparse_conv_grad_w(x: number, dy: number, dw: number, N: number, H: number, W: number, Cin: number, Ho: number, Wo: number, Cout: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number): void;
  adam_update(p: number, g: number, m: number, v: number, p1: number, m1: number, v1: number, n: number,
    b1: number, oneMinusB1: number, b2: number, oneMinusB2: number, sqrtBc2: number, eps: number, step: number, wd: number, decay: number): void;
}

type K = WasmKernelModule<CoreExports>;
type KernelBody = (k: K, inputs: Record<string, HeapTensorInfo>, attrs: Record<string, number>) => HeapTensorInfo | HeapTensorInfo[];

const BN_FORWARD = 'SpikeflowBatchNormForward';
const BN_BACKWARD = 'SpikeflowBatchNormBackward';
const MAXPOOL_FORWARD = 'SpikeflowMaxPoolForward';
const MAXPOOL_BACKWARD = 'SpikeflowMaxPoolBackward';
const SPARSE_CONV = 'SpikeflowSparseConv2D';
const SPARSE_CONV_GRAD_W = 'SpikeflowSparseConv2DGradW';
const ADAM_UPDATE = 'SpikeflowAdamUpdate';

/** Allocate scratch, run, free. */
function withScratch<T>(k: K, bytes: number, run: (p: number) => T): T {
  const p = k.malloc(bytes);
  try {
    return run(p);
  } finally {
    k.free(p);
  }
}

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const BODIES: Record<string, KernelBody> = {
  [ADAM_UPDATE]: (k, { p, g, m, v }, a) => {
    const outs = [k.output(p.shape), k.output(p.shape), k.output(p.shape)];
    const n = sizeOf(p.shape);
    if (n > 0) {
      k.fn.adam_update(k.ptr(p), k.ptr(g), k.ptr(m), k.ptr(v), k.ptr(outs[0]), k.ptr(outs[1]), k.ptr(outs[2]), n,
        a.b1, a.oneMinusB1, a.b2, a.oneMinusB2, a.sqrtBc2, a.eps, a.step, a.wd, a.decay);
    }
    return outs;
  },
  [BN_FORWARD]: (k, { x, weight, bias }, { eps }) => {
    const [M, C] = x.shape;
    const y = k.output([M, C]);
    const mean = k.output([C]);
    const invstd = k.output([C]);
    const variance = k.output([C]);
    if (M * C > 0) {
      withScratch(k, 8 * C + 4 * C, (s) => k.fn.bn_forward(k.ptr(x), weight ? k.ptr(weight) : 0, bias ? k.ptr(bias) : 0, k.ptr(y), k.ptr(mean), k.ptr(invstd), k.ptr(variance), s, s + 8 * C, M, C, eps));
    }
    return [y, mean, invstd, variance];
  },
  [BN_BACKWARD]: (k, { dy, x, mean, invstd, weight }) => {
    const [M, C] = x.shape;
    const dx = k.output([M, C]);
    const dweight = k.output([C]);
    const dbias = k.output([C]);
    if (M * C > 0) {
      withScratch(k, 16 * C + 12 * C, (s) => k.fn.bn_backward(k.ptr(dy), k.ptr(x), k.ptr(mean), k.ptr(invstd), weight ? k.ptr(weight) : 0, k.ptr(dx), k.ptr(dweight), k.ptr(dbias), s, s + 16 * C, M, C));
    }
    return [dx, dweight, dbias];
  },
  [MAXPOOL_FORWARD]: (k, { x }, a) => {
    const [N, H, W, C] = x.shape;
    const y = k.output([N, a.ho, a.wo, C]);
    const arg = k.output([N, a.ho, a.wo, C], 'int32');
    if (sizeOf(y.shape) > 0) k.fn.maxpool_forward(k.ptr(x), k.ptr(y), k.ptr(arg), N, H, W, C, a.kh, a.kw, a.sh, a.sw, a.ph, a.pw, a.ho, a.wo);
    return [y, arg];
  },
  [MAXPOOL_BACKWARD]: (k, { dy, arg }, a) => {
    const shape = [a.n, a.h, a.w, a.c];
    const dx = k.output(shape);
    if (sizeOf(shape) > 0) k.fn.maxpool_backward(k.ptr(dy), k.ptr(arg), k.ptr(dx), sizeOf(shape), sizeOf(dy.shape));
    return dx;
  },
  [SPARSE_CONV]: (k, { x, w }, a) => {
    const [N, H, W, Cin] = x.shape;
    const [kh, kw, , Cout] = w.shape;
    const y = k.output([N, a.ho, a.wo, Cout]);
    if (sizeOf(y.shape) > 0) k.fn.sparse_conv_forward(k.ptr(x), k.ptr(w), k.ptr(y), N, H, W, Cin, a.ho, a.wo, Cout, kh, kw, a.sh, a.sw, a.ph, a.pw);
    return y;
  },
  [SPARSE_CONV_GRAD_W]: (k, { x, dy }, a) => {
    const [N, H, W, Cin] = x.shape;
    const [, Ho, Wo, Cout] = dy.shape;
    const dw = k.output([a.kh, a.kw, Cin, Cout]);
    if (sizeOf(dw.shape) > 0) k.fn.sparse_conv_grad_w(k.ptr(x), k.ptr(dy), k.ptr(dw), N, H, W, Cin, Ho, Wo, Cout, a.kh, a.kw, a.sh, a.sw, a.ph, a.pw);
    return dw;
  },
};

let compiledOpsOff = false;

/** Turn the compiled wasm layer kernels off (the composed references run) or back on: for tests and benchmarks. */
export function useCompiledLayerKernels(on: boolean): void {
  compiledOpsOff = !on;
}

/** The compiled kernels when the current backend is wasm and they load (registering the tf kernels once), else null. */
export function compiledLayerKernels(): K | null {
  if (compiledOpsOff) return null;
  const k = coreKernels() as unknown as K | null;
  if (!k) return null;
  for (const [kernelName, body] of Object.entries(BODIES)) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    const kernelFunc = ({ inputs, backend, attrs }: { inputs: Record<string, HeapTensorInfo>; backend: unknown; attrs: Record<string, number> }) => body(coreKernels(backend) as unknown as K, inputs, attrs);
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  return k;
}

const run = (name: string, inputs: Record<string, Tensor>, attrs: Record<string, number> = {}) => tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);

/** Batch-norm forward on x [M, C]: [y, mean, invstd, variance]. */
export function bnForwardKernel(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor[] {
  const inputs: Record<string, Tensor> = { x };
  if (weight) inputs.weight = weight;
  if (bias) inputs.bias = bias;
  return run(BN_FORWARD, inputs, { eps }) as Tensor[];
}

/** Batch-norm backward: [dx, dweight, dbias]. */
export function bnBackwardKernel(dy: Tensor, x: Tensor, mean: Tensor, invstd: Tensor, weight: Tensor | null): Tensor[] {
  const inputs: Record<string, Tensor> = { dy, x, mean, invstd };
  if (weight) inputs.weight = weight;
  return run(BN_BACKWARD, inputs) as Tensor[];
}

export interface PoolAttrs {
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; ho: number; wo: number;
}

/** Max pool forward: [y, argmax (int32 flat indices into x)]. */
export function maxPoolForwardKernel(x: Tensor, a: PoolAttrs): Tensor[] {
  return run(MAXPOOL_FORWARD, { x }, { ...a }) as Tensor[];
}

/** Max pool backward: dy routed to the recorded argmax, shaped like x. */
export function maxPoolBackwardKernel(dy: Tensor, arg: Tensor, xShape: readonly number[]): Tensor {
  const [n, h, w, c] = xShape;
  return run(MAXPOOL_BACKWARD, { dy, arg }, { n, h, w, c }) as Tensor;
}

export interface ConvAttrs {
  sh: number; sw: number; ph: number; pw: number; ho: number; wo: number;
}

/** Event-driven conv forward (zero padding ph/pw on each side). */
export function sparseConvKernel(x: Tensor, w: Tensor, a: ConvAttrs): Tensor {
  return run(SPARSE_CONV, { x, w }, { ...a }) as Tensor;
}

/** Event-driven filter gradient. */
export function sparseConvGradWKernel(x: Tensor, dy: Tensor, kh: number, kw: number, a: ConvAttrs): Tensor {
  return run(SPARSE_CONV_GRAD_W, { x, dy }, { ...a, kh, kw }) as Tensor;
}

export interface AdamAttrs {
  b1: number; oneMinusB1: number; b2: number; oneMinusB2: number; sqrtBc2: number; eps: number; step: number; wd: number; decay: number;
}

/** One fused Adam step: [p1, m1, v1]. */
export function adamUpdateKernel(p: Tensor, g: Tensor, m: Tensor, v: Tensor, a: AdamAttrs): Tensor[] {
  return run(ADAM_UPDATE, { p, g, m, v }, { ...a }) as Tensor[];
}
