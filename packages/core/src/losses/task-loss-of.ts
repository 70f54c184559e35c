import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { LossFunction } from '../contracts/loss.js';
import type { LossContext, TaskLoss } from '../contracts/task-loss.js';

/**
 * A classification {@link LossFunction} under the general {@link TaskLoss} signature:
 * `compute(output, labels, { target: { kind: 'class', numClasses } })` is
 * `loss.compute(output, labels, numClasses)` — the same ops, so the same bits. With a mask (a
 * full-graph step) the loss runs on the counted samples' output `[T, B', C]` and labels only, which
 * is the mean over counted samples for every mean-reduced loss (0 when the mask counts none).
 *
 * @example
 * ```ts
 * const loss = taskLossOf(sf.loss('ce-mean'));
 * loss.compute(output, labels, { target: { kind: 'class', numClasses: 10 }, readOut: 'mean' });
 * ```
 */
export function taskLossOf(loss: LossFunction): TaskLoss {
  return {
    id: loss.id,
    compute(output: Tensor, target: Tensor, context: LossContext): Tensor {
      if (context.target.kind !== 'class') {
        throw new SpikeflowError('invalid-options', `loss '${loss.id}' fits class labels, got a '${context.target.kind}' target; use a regression loss such as mse`);
      }
      const numClasses = context.target.numClasses;
      if (!context.mask) return loss.compute(output, target, numClasses);
      const mask = context.mask;
      if (mask.rank !== 1 || mask.shape[0] !== target.shape[0]) {
        throw new SpikeflowError('shape-mismatch', `loss '${loss.id}' expects a mask [${target.shape[0]}], got [${mask.shape}]`);
      }
      const keep = Array.from(mask.dataSync()).flatMap((v, i) => (v !== 0 ? [i] : []));
      // Nothing counted: 0 with zero gradients, as the regression losses give.
      if (keep.length === 0) return tf.tidy(() => tf.mul(tf.sum(output), 0));
      return tf.tidy(() => {
        const idx = tf.tensor1d(keep, 'int32');
        return loss.compute(tf.gather(output, idx, 1), tf.gather(target, idx), numClasses);
      });
    },
  };
}
