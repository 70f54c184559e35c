import { isTaskLossDescriptor, predictionShape, SpikeflowError, type Spikeflow, type TargetSpec, type Task } from '@spikeflow/core';
import type { RunConfig } from '../config/run-config.js';

/** A run's task and the loss it trains with, as the config resolves them against the data's target. */
export interface RunTask {
  readonly task: Task;
  /** The task as stored with the run: full id and validated options. */
  readonly component: { readonly id: string; readonly options: Record<string, unknown> };
  /** The loss: the configured one, or the task's default when the config kept the classification default. */
  readonly loss: { readonly id: string; readonly options: Record<string, unknown> };
  /** Outputs the model must produce per step (classes, or values of the target). */
  readonly outputs: number;
}

/** Was the loss left at the config's default (`mse-rate`, no options)? */
function defaultLoss(config: RunConfig): boolean {
  return config.loss.id === 'mse-rate' && Object.keys(config.loss.options).length === 0;
}

/**
 * Resolve the configured task (`--task`, default from the data: class labels → classification,
 * float targets → regression) and its loss. A loss the task does not take is refused, naming the
 * ones it takes; the config's default loss gives way to the task's default.
 *
 * @example
 * ```ts
 * const { task, loss } = resolveRunTask(sf, config, train.targetSpec); // regression, core/mse
 * ```
 */
export function resolveRunTask(sf: Spikeflow, config: RunConfig, target: TargetSpec): RunTask {
  const id = config.task?.id ?? (target.kind === 'class' ? 'classification' : 'regression');
  const { descriptor, options } = sf.tasks.parseOptions(id, config.task?.options ?? {});
  const task = descriptor.create(options, { target });
  const accepted = task.losses.map((l) => sf.losses.get(l).fullId);
  let loss = { id: config.loss.id, options: config.loss.options };
  const chosen = sf.losses.get(loss.id);
  // Besides the task's own list, any plugin's loss fits when it declares the target kind: a
  // TaskLoss by its targetKinds, a class-label LossFunction (e.g. models/ce-rate) by being one.
  const fits = accepted.includes(chosen.fullId) || (isTaskLossDescriptor(chosen) ? chosen.targetKinds.includes(target.kind) : target.kind === 'class');
  if (!fits) {
    if (!defaultLoss(config)) {
      throw new SpikeflowError(
        'invalid-options',
        `loss '${config.loss.id}' does not fit task '${task.id}' (${target.kind} targets); it takes ${accepted.join(', ')} (default ${task.defaultLoss})`,
      );
    }
    loss = { id: sf.losses.get(task.defaultLoss).fullId, options: {} };
  }
  const outputs = target.kind === 'class' ? target.numClasses : predictionShape(target).reduce((a, b) => a * b, 1);
  return { task, component: { id: descriptor.fullId, options: options as Record<string, unknown> }, loss, outputs };
}
