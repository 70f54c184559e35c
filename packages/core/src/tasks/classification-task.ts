import { z } from 'zod';
import type { Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Task, TaskContext, TaskDescriptor, TaskMetricSpec } from '../contracts/task.js';
import { assembleTask, expectOutputShape } from './task-tensors.js';

/** Options of the `classification` task. */
export interface ClassificationTaskOptions {
  /** How `[T, B, C]` becomes class scores (default `mean`, the firing rate). */
  readonly readOut: 'mean' | 'last' | 'membrane';
  /** Also report top-k accuracy as `top{k}` (default 5; 0 or k ≥ classes leaves it out). */
  readonly topK: number;
  /** The loss used when none is chosen (default `mse-rate`, today's). */
  readonly loss: string;
}

/** The classification losses core registers; they take `[T, B, C]` and integer labels. */
export const CLASSIFICATION_LOSSES: readonly string[] = Object.freeze(['core/mse-rate', 'core/ce-mean', 'core/tet', 'core/ce-membrane', 'core/mse-membrane']);

/**
 * The task of a trainer or cluster job that names none: classification of `numClasses` classes with
 * the mean read-out, accuracy and top-5 (the behaviour from before tasks existed).
 */
export function defaultClassificationTask(numClasses: number): Task {
  return classificationTask({ readOut: 'mean', topK: 5, loss: 'mse-rate' }, { target: { kind: 'class', numClasses } });
}

/**
 * Classification with integer class labels, today's behaviour: the network outputs `[T, B, C]`,
 * the prediction is its mean over T, scored by arg-max accuracy (and top-k); the best checkpoint
 * has the highest accuracy.
 *
 * @example
 * ```ts
 * const task = classificationTask({ readOut: 'mean', topK: 5, loss: 'mse-rate' }, { target: { kind: 'class', numClasses: 10 } });
 * task.metrics.map((m) => m.name); // ['accuracy', 'top5']
 * ```
 */
export function classificationTask(options: ClassificationTaskOptions, context: TaskContext): Task {
  const id = 'core/classification';
  const target = context.target;
  if (target.kind !== 'class') {
    throw new SpikeflowError('invalid-options', `task '${id}' learns class labels (a 'class' target), got a '${target.kind}' target; use the regression task for float targets`);
  }
  const C = target.numClasses;
  const metrics: TaskMetricSpec[] = [{ name: 'accuracy', id: 'core/accuracy' }];
  if (options.topK > 1 && options.topK < C) metrics.push({ name: `top${options.topK}`, id: 'core/top-k', options: { k: options.topK } });
  const checkOutput = (output: Tensor): void => expectOutputShape(id, output, [-1, -1, C], `[T, B, ${C}]`);
  return assembleTask({
    id,
    target,
    readOut: options.readOut,
    losses: CLASSIFICATION_LOSSES,
    defaultLoss: options.loss,
    metrics,
    selection: { metric: 'accuracy', mode: 'max' },
    checkOutput,
  });
}

export const classificationTaskDescriptor: TaskDescriptor<ClassificationTaskOptions> = {
  id: 'classification',
  description: 'Integer class labels: mean-over-T read-out, arg-max and top-k accuracy, best checkpoint by accuracy',
  options: z
    .object({
      readOut: z.enum(['mean', 'last', 'membrane']).default('mean'),
      topK: z.number().int().min(0).default(5),
      loss: z.string().min(1).default('mse-rate'),
    })
    .strict(),
  targetKinds: ['class'],
  create: (options, context) => classificationTask(options, context),
};
