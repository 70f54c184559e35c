// Helpers shared by the ops and nn tests: seeded random tensors, tolerant comparison, backend switching.
import { expect } from 'vitest';
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

/**
 * Expect `actual` to equal `expected` elementwise within `tol`, absolute for values below 1 and
 * relative above (`|a - e| <= tol * max(1, |e|)`), reporting the worst element.
 */
export function expectClose(actual: Tensor | ArrayLike<number>, expected: Tensor | ArrayLike<number>, tol = 1e-5, label = ''): void {
  const a = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const e = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  expect(a.length, `${label} length`).toBe(e.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${label}: worst error at index ${at}: ${a[at]} vs ${e[at]}`).toBeLessThanOrEqual(tol);
}

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

/** The error `fn` throws (fails the test if it returns normally). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  expect.fail('expected the call to throw');
}
