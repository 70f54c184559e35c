import type { KernelArgs, SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { JoinRows, type JoinRowsSig } from './core-kernel-names.js';
import { coreKernels, sizeOf } from './core-wasm-module.js';

/** Where the rows the parallel pool's worker computed are (set by the pool, read by the kernel). */
let bottomRows: Float32Array = new Float32Array(0);

/** Point {@link joinRowsConfig} at the buffer the worker writes its rows into. */
export function setJoinRowsSource(buffer: Float32Array): void {
  bottomRows = buffer;
}

function kernelFunc({ inputs, backend, attrs }: KernelArgs<JoinRowsSig>): HeapTensorInfo {
  const k = coreKernels(backend)!;
  const out = k.output(attrs.shape);
  const topLen = sizeOf(inputs.top.shape);
  const total = sizeOf(attrs.shape);
  const heap = k.f32(k.ptr(out), total);
  heap.set(k.f32(k.ptr(inputs.top), topLen), 0);
  heap.set(bottomRows.subarray(attrs.off, attrs.off + total - topLen), topLen);
  return out;
}

/** Joins the rows this thread computed (a heap tensor) with those the parallel pool's worker did, on wasm. */
export const joinRowsConfig: SpikeflowKernelConfig<JoinRowsSig> = { kernelName: JoinRows, backendName: 'wasm', kernelFunc };
