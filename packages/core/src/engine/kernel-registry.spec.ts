// One way to register kernels: registrars that selectBackend runs for the backend it activates,
// and at once for the selected backend when added later.
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { currentBackend, selectBackend } from './backend.js';
import { addKernelRegistrar, kernelRunner, registerKernelConfigs, type KernelArgs, type SpikeflowKernelConfig } from './kernel-registry.js';
import { CORE_GRADIENTS, CORE_KERNELS } from '../ops/kernels/register-core-kernels.js';

const initial = currentBackend()?.name ?? 'wasm';
afterAll(async () => {
  await selectBackend(initial);
});

interface TwiceSig {
  inputs: { x: tf.Tensor };
  attrs: { by: number };
}
const TWICE = 'SpikeflowTestScale';

/** A cpu kernel: x · by, through the backend's own arrays. */
const twiceCpu: SpikeflowKernelConfig<TwiceSig> = {
  kernelName: TWICE,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }: KernelArgs<TwiceSig>) => {
    const b = backend as { readSync(id: object): Float32Array; makeTensorInfo(shape: number[], dtype: string, v: Float32Array): ReturnType<SpikeflowKernelConfig['kernelFunc']> };
    const v = b.readSync(inputs.x.dataId).map((e) => e * attrs.by);
    return b.makeTensorInfo(inputs.x.shape, 'float32', v) as never;
  },
};

describe('kernel registrars', () => {
  it('a registrar added after a backend was selected runs at once for it, and again for each backend selectBackend activates', async () => {
    await selectBackend('cpu');
    const seen: string[] = [];
    addKernelRegistrar((name) => {
      seen.push(name);
      registerKernelConfigs([twiceCpu], name);
    });
    expect(seen).toEqual(['cpu']);
    const run = kernelRunner<{ [TWICE]: TwiceSig }>();
    const y = run(TWICE, { x: tf.tensor([1, 2, 3]) }, { by: 2 }) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([2, 4, 6]);
    await selectBackend('wasm');
    expect(seen).toEqual(['cpu', 'wasm']);
    // No wasm config: nothing registered there.
    expect(tf.getKernel(TWICE, 'wasm')).toBeUndefined();
  });

  it('core registers every one of its kernels for the backend selected, once', async () => {
    for (const name of ['wasm', 'cpu'] as const) {
      await selectBackend(name);
      for (const c of CORE_KERNELS.filter((k) => k.backendName === name)) expect(tf.getKernel(c.kernelName, name)?.kernelFunc, c.kernelName).toBe(c.kernelFunc);
      // Registering again is a no-op, not tfjs' "already registered" warning and replacement.
      registerKernelConfigs(CORE_KERNELS, name);
    }
    for (const g of CORE_GRADIENTS) expect(tf.getGradient(g.kernelName)?.gradFunc, g.kernelName).toBe(g.gradFunc);
    expect(tf.getGradient('SpikeflowSparseMatMul')).toBeDefined();
    // Max pool's argmax output takes no gradient: its backward runs in a custom op, not a registered gradient.
    expect(tf.getGradient('SpikeflowMaxPoolForward')).toBeUndefined();
  });
});
