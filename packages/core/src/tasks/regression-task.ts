import { z } from 'zod';
import type { Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { ReadOut, Task, TaskContext, TaskDescriptor, TaskMetricSpec } from '../contracts/task.js';
import { predictionShape } from './target-layout.js';
import { assembleTask, expectOutputShape } from './task-tensors.js';

/** Metrics the regression task reports, and whether larger is better. */
const REGRESSION_METRICS = { mse: 'min', mae: 'min', rmse: 'min', r2: 'max', rrse: 'min', corr: 'max' } as const;
type RegressionMetricName = keyof typeof REGRESSION_METRICS;

/** Options of the `regression` task. */
export interface RegressionTaskOptions {
  /** How `[T, B, ...]` becomes the prediction (default `mean`); `per-step` for sequence targets. */
  readonly readOut: ReadOut;
  /** The loss used when none is chosen (default `mse`). */
  readonly loss: 'mse' | 'mae' | 'huber';
  /** The metric selecting the best checkpoint (default `r2`, larger is better; `mse`, `rrse`… are minimised). */
  readonly select: RegressionMetricName;
}

/** The regression losses core registers. */
export const REGRESSION_LOSSES: readonly string[] = Object.freeze(['core/mse', 'core/mae', 'core/huber']);

/**
 * Regression of float targets (forecasting future values, per-step sequences): the network outputs
 * `[T, B, ...shape]`, read out by its mean over T or its last step (or kept per step for a sequence
 * target of `steps` = T), fitted by MSE / MAE / Huber and scored by MSE, MAE, RMSE, R², RRSE and CORR.
 *
 * @example
 * ```ts
 * const task = regressionTask({ readOut: 'last', loss: 'mse', select: 'r2' }, { target: { kind: 'regression', shape: [24, 7] } });
 * task.selection; // { metric: 'r2', mode: 'max' }
 * ```
 */
export function regressionTask(options: RegressionTaskOptions, context: TaskContext): Task {
  const id = 'core/regression';
  const target = context.target;
  const perStep = options.readOut === 'per-step';
  const fits = perStep ? target.kind === 'sequence' && target.item.kind === 'regression' : target.kind === 'regression';
  if (!fits) {
    throw new SpikeflowError(
      'invalid-options',
      `task '${id}' with read-out '${options.readOut}' learns ${perStep ? "a 'sequence' target of regression items" : "a 'regression' target (float values)"}, got a '${target.kind}' target${target.kind === 'class' ? '; use the classification task for labels' : ''}`,
    );
  }
  const sample = predictionShape(target);
  const expected = perStep ? [sample[0]!, -1, ...sample.slice(1)] : [-1, -1, ...sample];
  const described = perStep ? `[${sample[0]}, B, ${sample.slice(1).join(', ')}] (one step per target step)` : `[T, B, ${sample.join(', ')}]`;
  const metrics: TaskMetricSpec[] = (Object.keys(REGRESSION_METRICS) as RegressionMetricName[]).map((name) => ({ name, id: `core/${name}` }));
  const checkOutput = (output: Tensor): void => expectOutputShape(id, output, expected, described.replace(', ]', ']'));
  return assembleTask({
    id,
    target,
    readOut: options.readOut,
    losses: REGRESSION_LOSSES,
    defaultLoss: options.loss,
    metrics,
    selection: { metric: options.select, mode: REGRESSION_METRICS[options.select] },
    checkOutput,
  });
}

export const regressionTaskDescriptor: TaskDescriptor<RegressionTaskOptions> = {
  id: 'regression',
  description: 'Float targets (forecasting): mean or last-step read-out, MSE/MAE/Huber losses, MSE, MAE, RMSE, R², RRSE, CORR; best checkpoint by R²',
  options: z
    .object({
      readOut: z.enum(['mean', 'last', 'membrane', 'per-step']).default('mean'),
      loss: z.enum(['mse', 'mae', 'huber']).default('mse'),
      select: z.enum(Object.keys(REGRESSION_METRICS) as [RegressionMetricName, ...RegressionMetricName[]]).default('r2'),
    })
    .strict(),
  targetKinds: ['regression', 'sequence'],
  create: (options, context) => regressionTask(options, context),
};
