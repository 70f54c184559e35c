import type { KernelArgs, KernelSignature } from '../../engine/kernel-registry.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { coreKernels, cpuValues, type CpuBackendLike } from './core-wasm-module.js';

// The two event-driven products share one walk over the non-zero entries of x [N, K]:
//   forward      y  [N, M] = x · w    (x's row r scales w's rows into y's row r)
//   weight grad  dw [K, M] = xᵀ · dy  (x's row r scales dy's row r into dw's rows)
// On wasm the compiled kernels run it; on cpu this JS loop, in float32 with the same order of sums.

function jsSparseProduct(x: Float32Array, b: Float32Array, out: Float32Array, N: number, K: number, M: number, gradW: boolean): void {
  out.fill(0);
  for (let r = 0; r < N; r++) {
    const xo = r * K;
    for (let j = 0; j < K; j++) {
      const a = x[xo + j];
      if (a === 0) continue;
      const [oo, bo] = gradW ? [j * M, r * M] : [r * M, j * M];
      for (let m = 0; m < M; m++) out[oo + m] = Math.fround(out[oo + m] + Math.fround(a * b[bo + m]));
    }
  }
}

/** Inputs of an event-driven product: the sparse x and the dense other operand. */
type ProductSig = KernelSignature & { inputs: { x: unknown } };

/** The kernel function of the forward (`gradW` false: other = w) or the weight gradient (other = dy). */
export function sparseProductKernelFunc<S extends ProductSig>(other: 'w' | 'dy') {
  const gradW = other === 'dy';
  return (args: KernelArgs<S>): HeapTensorInfo => {
    const inputs = args.inputs as unknown as Record<'x' | 'w' | 'dy', HeapTensorInfo>;
    const x = inputs.x;
    const b = inputs[other];
    const [N, K] = x.shape;
    const M = b.shape[1];
    const shape = gradW ? [K, M] : [N, M];
    const k = coreKernels(args.backend);
    if (k) {
      const out = k.output(shape);
      if (shape[0] * M > 0) (gradW ? k.fn.sparse_matmul_grad_w : k.fn.sparse_matmul)(k.ptr(x), k.ptr(b), k.ptr(out), N, K, M);
      return out;
    }
    const cpu = args.backend as CpuBackendLike;
    const out = new Float32Array(shape[0] * M);
    jsSparseProduct(cpuValues(cpu, x), cpuValues(cpu, b), out, N, K, M, gradW);
    return cpu.makeTensorInfo(shape, 'float32', out);
  };
}
