import type { Tensor } from '../engine/tf.js';

// Tensors that carry input data: no parameter lies upstream of them, so no layer needs their
// gradient. tfjs' customGrad computes every input's gradient; a layer fed directly by data (the
// first Linear or Conv2d) would otherwise spend a whole matrix product on a gradient nobody reads
// (8 ms of a 26 ms lif-mlp step on wasm). The trainer marks the encoded batch; layers that only
// reshape or slice pass the mark on.

const dataTensors = new WeakSet<Tensor>();

/**
 * Mark `t` as input data (no gradient will be asked of it) and return it. Only mark tensors that no
 * trainable parameter influences: a layer receiving a marked tensor returns a zero gradient for it.
 *
 * @example
 * ```ts
 * const seq = markDataTensor(encoder.encode(x, ctx)); // the trainer does this for every batch
 * ```
 */
export function markDataTensor<T extends Tensor>(t: T): T {
  dataTensors.add(t);
  return t;
}

/** Whether `t` was marked by {@link markDataTensor}. */
export function isDataTensor(t: Tensor): boolean {
  return dataTensors.has(t);
}

/** Mark `to` as data when `from` is (for reshapes and slices of data); returns `to`. */
export function passDataMark<T extends Tensor>(from: Tensor, to: T): T {
  if (dataTensors.has(from)) dataTensors.add(to);
  return to;
}
