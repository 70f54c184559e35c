import type { Tensor } from '../engine/tf.js';
import type { LossDescriptor } from './loss.js';
import type { ReadOut, TargetKind, TargetSpec } from './task.js';

/** What a {@link TaskLoss} knows besides the output and the target. */
export interface LossContext {
  readonly target: TargetSpec;
  /** The task's read-out; losses that compare a read-out with the target apply it. */
  readonly readOut: ReadOut;
  /**
   * Optional `float32 [B]` sample mask (1 = counted, 0 = ignored): a full-graph step passes every
   * node and counts the loss on the training nodes only. The loss is the mean over counted samples.
   */
  readonly mask?: Tensor;
}

/**
 * A loss over the network's time-first output `[T, B, ...]` and a target tensor typed by the task
 * (`int32 [B]` labels, `float32 [B, ...shape]` values); returns a scalar.
 *
 * The classification losses (`ce-mean`, `mse-rate`, `tet`, `ce-membrane`, `mse-membrane`) are
 * {@link LossFunction}s; `taskLossOf` maps them to this signature as
 * `compute(output, labels, { target: { kind: 'class', numClasses } })` →
 * `loss.compute(output, labels, numClasses)`, unchanged (bit-identical) when there is no mask, and
 * on the masked samples' output and labels when there is one. They keep their own read-out.
 */
export interface TaskLoss {
  readonly id: string;
  compute(output: Tensor, target: Tensor, context: LossContext): Tensor;
}

/**
 * A loss descriptor that makes a {@link TaskLoss} directly (the regression losses). It is bound under
 * the same `LossDescriptor` token, so it lives in the one `losses` registry; its classic `create`
 * returns a {@link LossFunction} that refuses class labels with a typed error.
 */
export interface TaskLossDescriptor<TOptions = Record<string, unknown>> extends LossDescriptor<TOptions> {
  /** Targets the loss can fit; a `sequence` target is accepted when its item is one of them. */
  readonly targetKinds: readonly TargetKind[];
  createTaskLoss(options: TOptions): TaskLoss;
}

/** True when a loss descriptor makes a {@link TaskLoss} itself. */
export function isTaskLossDescriptor(d: LossDescriptor<any>): d is TaskLossDescriptor<any> {
  return typeof (d as Partial<TaskLossDescriptor>).createTaskLoss === 'function';
}
