import { tf } from '../../engine/tf.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { coreKernels } from './core-wasm-module.js';

let installed = false;

/**
 * Replace the wasm backend's Transpose for 2-D float32 tensors with a tiled compiled one
 * (tfjs-wasm's walks the output in order and thrashes the cache on power-of-two widths:
 * ~15 ms for [1024, 512]); other cases keep the original kernel. Idempotent.
 */
export function installWasmTranspose(): void {
  if (installed) return;
  const original = tf.getKernel('Transpose', 'wasm');
  if (!original) return;
  installed = true;
  const kernelFunc = (args: { inputs: { x: HeapTensorInfo }; backend: unknown; attrs: { perm: number[] } }) => {
    const { x } = args.inputs;
    const k = x.dtype === 'float32' && x.shape.length === 2 && args.attrs.perm[0] === 1 ? coreKernels(args.backend) : null;
    if (!k) return original.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]);
    const [R, C] = x.shape;
    const out = k.output([C, R]);
    if (R * C > 0) k.fn.transpose2d(k.ptr(x), k.ptr(out), R, C);
    return out;
  };
  tf.unregisterKernel('Transpose', 'wasm');
  // Keep the original setupFunc: it binds the wasm function other kernels (Mean, ...) call directly.
  tf.registerKernel({ kernelName: 'Transpose', backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc, setupFunc: original.setupFunc });
}
