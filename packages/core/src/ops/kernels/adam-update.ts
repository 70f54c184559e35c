import type { KernelArgs, SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { AdamUpdate, type AdamUpdateSig } from './core-kernel-names.js';
import { coreKernels, sizeOf } from './core-wasm-module.js';

function kernelFunc({ inputs, backend, attrs: a }: KernelArgs<AdamUpdateSig>): HeapTensorInfo[] {
  const k = coreKernels(backend)!;
  const { p, g, m, v } = inputs;
  const outs = [k.output(p.shape), k.output(p.shape), k.output(p.shape)];
  const n = sizeOf(p.shape);
  if (n > 0) {
    k.fn.adam_update(
      k.ptr(p),
      k.ptr(g),
      k.ptr(m),
      k.ptr(v),
      k.ptr(outs[0]),
      k.ptr(outs[1]),
      k.ptr(outs[2]),
      n,
      a.b1,
      a.oneMinusB1,
      a.b2,
      a.oneMinusB2,
      a.sqrtBc2,
      a.eps,
      a.step,
      a.wd,
      a.decay,
    );
  }
  return outs;
}

/** One fused Adam step on wasm (compiled): [p1, m1, v1]. */
export const adamUpdateConfig: SpikeflowKernelConfig<AdamUpdateSig> = { kernelName: AdamUpdate, backendName: 'wasm', kernelFunc };
