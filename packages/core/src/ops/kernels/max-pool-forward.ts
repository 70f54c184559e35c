import { kernelRunner, type KernelArgs, type SpikeflowGradConfig, type SpikeflowKernelConfig } from '../../engine/kernel-registry.js';
import type { Tensor } from '../../engine/tf.js';
import type { HeapTensorInfo } from '../../engine/wasm-kernel-module.js';
import { MaxPoolBackward, MaxPoolForward, type CoreKernelSignatures, type MaxPoolForwardSig } from './core-kernel-names.js';
import { coreKernels, sizeOf } from './core-wasm-module.js';

function kernelFunc({ inputs, backend, attrs: a }: KernelArgs<MaxPoolForwardSig>): HeapTensorInfo[] {
  const k = coreKernels(backend)!;
  const { x } = inputs;
  const [N, H, W, C] = x.shape;
  const y = k.output([N, a.ho, a.wo, C]);
  const arg = k.output([N, a.ho, a.wo, C], 'int32');
  if (sizeOf(y.shape) > 0) k.fn.maxpool_forward(k.ptr(x), k.ptr(y), k.ptr(arg), N, H, W, C, a.kh, a.kw, a.sh, a.sw, a.ph, a.pw, a.ho, a.wo);
  return [y, arg];
}

/** PyTorch-exact max pooling on wasm (compiled), recording each window's first maximum: [y, argmax]. */
export const maxPoolForwardConfig: SpikeflowKernelConfig<MaxPoolForwardSig> = { kernelName: MaxPoolForward, backendName: 'wasm', kernelFunc };

const run = kernelRunner<CoreKernelSignatures>();

/** dx: dy routed to the recorded argmax (MaxPoolBackward); the argmax output has no gradient. */
export const maxPoolForwardGrad: SpikeflowGradConfig<MaxPoolForwardSig> = {
  kernelName: MaxPoolForward,
  inputsToSave: ['x'],
  outputsToSave: [false, true],
  gradFunc: (dy, [x, arg]) => {
    const [n, h, w, c] = x.shape;
    return { x: () => run(MaxPoolBackward, { dy: (dy as Tensor[])[0], arg }, { n, h, w, c }) as Tensor };
  },
};
