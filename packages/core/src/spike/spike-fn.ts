import { tf, type Tensor } from '../engine/tf.js';
import type { SurrogateFunction } from '../contracts/surrogate.js';

/** Heaviside step that fires at x >= 0 (float32 0/1), with no gradient of its own. */
export function heaviside(x: Tensor): Tensor {
  return tf.tidy(() => tf.cast(tf.greaterEqual(x, 0), 'float32'));
}

const spikeFns = new WeakMap<SurrogateFunction, (x: Tensor) => Tensor>();

/**
 * The spike function: Heaviside forward (fires at x >= 0), surrogate gradient backward
 * (`dL/dx = dL/ds * surrogate.derivative(x)`).
 *
 * @example
 * ```ts
 * const s = spike(tf.sub(h, vThreshold), surrogate);
 * ```
 */
export function spike(x: Tensor, surrogate: SurrogateFunction): Tensor {
  let fn = spikeFns.get(surrogate);
  if (!fn) {
    fn = tf.customGrad(((input: Tensor, save: tf.GradSaveFunc) => {
      save([input]);
      return {
        value: heaviside(input),
        gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, surrogate.derivative(saved[0])),
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: Tensor) => Tensor;
    spikeFns.set(surrogate, fn);
  }
  return fn(x);
}

const detachFn = tf.customGrad(((x: Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: Tensor) => Tensor;

/** Identity forward, zero gradient backward (PyTorch's `detach()`; tfjs has no stop-gradient op). */
export function detach(x: Tensor): Tensor {
  return detachFn(x);
}
