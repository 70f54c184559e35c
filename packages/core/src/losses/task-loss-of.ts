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
        // Selecting the counted samples by a 0/1 matrix, not tf.gather: gather's gradient
        // (UnsortedSegmentSum) has no wasm kernel, a matMul's has. Exact: each entry is one product by 1.
        const B = output.shape[1]!;
        const ones = new Float32Array(B * keep.length);
        keep.forEach((b, j) => (ones[b * keep.length + j] = 1));
        const select = tf.tensor2d(ones, [B, keep.length]); // [B, B']: column j picks sample keep[j]
        const moved = tf.transpose(output, [0, ...output.shape.slice(2).map((_, i) => i + 2), 1]); // [T, ..., B]
        const picked = tf.matMul(tf.reshape(moved, [-1, B]), select); // [T * ..., B']
        const back = tf.reshape(picked, [output.shape[0]!, ...output.shape.slice(2), keep.length]);
        const selected = tf.transpose(back, [0, back.rank - 1, ...output.shape.slice(2).map((_, i) => i + 1)]); // [T, B', ...]
        return loss.compute(selected, tf.gather(target, idx), numClasses);
      });
    },
  };
}
