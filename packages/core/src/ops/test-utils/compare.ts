// Helpers shared by the ops and nn tests: seeded random tensors, tolerant comparison, backend switching.
import { tf, type Tensor } from '../../engine/tf.js';
import { Rng } from '../../util/rng.js';
import { selectBackend, type BackendName } from '../../engine/backend.js';

/** Standard-normal values from a seeded generator (identical on every backend). */
export function randnData(size: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}

export function randn(shape: number[], rng: Rng): Tensor {
  return tf.tensor(
    randnData(
      shape.reduce((a, b) => a * b, 1),
      rng,
    ),
    shape,
  );
}

// One close-compare for every package's specs (absolute below 1, relative above, worst element named).
export { expectClose } from '@spikeflow/testing';

/** Run `fn` on the named backend (selected as users select it, kernels and all), then restore the previous one. */
export async function onBackend<T>(name: 'cpu' | 'wasm', fn: () => T): Promise<T> {
  const before = tf.getBackend() as BackendName;
  await selectBackend(name);
  try {
    return fn();
  } finally {
    await selectBackend(before);
  }
}
