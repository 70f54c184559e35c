import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { ReadOut } from '../contracts/task.js';

/**
 * Apply a read-out to a time-first output `[T, B, ...]`: `mean` over T, the `last` step, the
 * `membrane` at the last step, or `per-step` (the output itself).
 *
 * @example
 * ```ts
 * readOutput(tf.ones([4, 2, 3]), 'mean').shape; // [2, 3]
 * ```
 */
export function readOutput(output: Tensor, readOut: ReadOut): Tensor {
  if (output.rank < 2) {
    throw new SpikeflowError('shape-mismatch', `read-out '${readOut}' expects a time-first output [T, B, ...], got [${output.shape}]`);
  }
  switch (readOut) {
    case 'mean':
      return tf.mean(output, 0);
    case 'last':
    case 'membrane':
      return tf.tidy(() => tf.squeeze(tf.slice(output, [output.shape[0]! - 1], [1]), [0]));
    case 'per-step':
      return tf.clone(output);
    default:
      throw new SpikeflowError('invalid-options', `unknown read-out '${String(readOut)}'; expected mean, last, per-step or membrane`);
  }
}
