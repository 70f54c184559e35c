import { tf, type Tensor } from '../engine/tf.js';

/** What the body of a {@link customOp} returns: the forward value and how to get input gradients. */
export interface CustomOpResult {
  readonly value: Tensor;
  /** One gradient per input, in input order, each with that input's shape. */
  readonly gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[];
}

/**
 * A typed wrapper over `tf.customGrad`: tfjs' own typing wants the save function mixed into a
 * variadic tensor list, which every caller would otherwise have to cast around.
 *
 * The gradient body runs inside `tf.tidy`, so its intermediates (transposes, patch matrices)
 * are freed as soon as the gradients exist instead of living until the whole backward pass ends.
 */
export function customOp(body: (inputs: Tensor[], save: tf.GradSaveFunc) => CustomOpResult): (...inputs: Tensor[]) => Tensor {
  return tf.customGrad(((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const inputs = args.slice(0, -1) as Tensor[];
    const { value, gradFunc } = body(inputs, save);
    return { value, gradFunc: (dy: Tensor, saved: Tensor[]) => tf.tidy(() => gradFunc(dy, saved)) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (...inputs: Tensor[]) => Tensor;
}
