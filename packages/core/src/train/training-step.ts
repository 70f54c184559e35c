import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import type { Encoder } from '../contracts/encoder.js';
import type { Batch } from '../contracts/batch-loader.js';
import type { TargetSpec, Task } from '../contracts/task.js';
import type { TaskLoss } from '../contracts/task-loss.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedule.js';
import { markDataTensor } from '../ops/data-tensor.js';

/**
 * What one training step needs besides the batch: the network, how its input is encoded over time,
 * the task that reads its output and the loss. `Trainer` and the distributed worker both build one
 * and run the same step parts on it, so a cluster step is a single-process step cut into slices.
 */
export interface StepParts {
  readonly model: Module;
  readonly encoder: Encoder;
  readonly task: Task;
  readonly loss: TaskLoss;
  readonly timeSteps: number;
  /** Seed of stochastic encoders (keyed by sample index and epoch). */
  readonly seed: number;
}

/** The loss of a batch, its gradients and the task's read-out of the output. */
export interface StepGradients {
  /** The batch's loss (the mean over counted samples, as the loss reduces). */
  readonly loss: number;
  /** Gradient of the loss by parameter name; parameters that took no part have none. */
  readonly grads: Map<string, Tensor>;
  /** {@link Task.predict} of the output: what the task's metrics take. */
  readonly prediction: Float32Array;
}

/**
 * Run the network on a batch from a freshly reset state and check its output: `[T, B, ...]`, with
 * `C` classes last for a class target, and whatever else the task requires. A time-invariant
 * encoding (every step is `x` itself) goes to `forwardStatic`, so models that compute their first
 * block once never see the input repeated T times. Inputs are marked as data so no layer computes a
 * gradient nobody reads. Returns the output (not kept: call inside a tidy or a gradient function).
 */
export function forwardBatch(parts: StepParts, batch: Batch, epoch: number): Tensor {
  const { model, encoder, timeSteps, task, seed } = parts;
  const x = tf.tensor(batch.x, [batch.size, ...batch.sampleShape]);
  model.resetState();
  const out =
    (encoder.timeInvariant ? model.forwardStatic(markDataTensor(x), timeSteps) : null) ??
    model.forward(markDataTensor(encoder.encode(x, { timeSteps, sampleIndices: batch.indices, epoch, seed })));
  const C = task.target.kind === 'class' ? task.target.numClasses : undefined;
  if (out.rank < 2 || out.shape[0] !== timeSteps || out.shape[1] !== batch.size || (C !== undefined && (out.rank !== 3 || out.shape[2] !== C))) {
    throw new SpikeflowError('shape-mismatch', `the model output must be [T=${timeSteps}, B=${batch.size}, ${C !== undefined ? `C=${C}` : '...'}], got [${out.shape}]`);
  }
  task.checkOutput(out);
  return out;
}

/**
 * Forward, loss and gradients of one batch with respect to `params` (the model's named parameters);
 * with a `mask` (one 0/1 entry per sample) the loss counts only the samples it selects, as a
 * full-graph step does with its training nodes. Call inside `tf.tidy`: the gradients live as long as
 * the tidy, which is where the caller applies or copies them.
 *
 * @example
 * ```ts
 * tf.tidy(() => {
 *   const { loss, grads } = lossAndGradients(parts, model.namedParameters(), batch, epoch);
 *   applyGradients(optimizer, grads);
 * });
 * ```
 */
export function lossAndGradients(parts: StepParts, params: ReadonlyArray<readonly [string, tf.Variable]>, batch: Batch, epoch: number, mask?: Float32Array): StepGradients {
  const { task, loss } = parts;
  const y = task.targetTensor(batch.y, batch.size);
  const context = { target: task.target, readOut: task.readOut, ...(mask ? { mask: tf.tensor1d(mask, 'float32') } : {}) };
  let output: Tensor | undefined;
  const { value, grads } = tf.variableGrads(
    () => {
      output = tf.keep(forwardBatch(parts, batch, epoch));
      return loss.compute(output, y, context) as tf.Scalar;
    },
    params.map(([, v]) => v),
  );
  const byName = new Map<string, Tensor>();
  for (const [name, v] of params) if (grads[v.name]) byName.set(name, grads[v.name]!);
  const prediction = task.predict(output!);
  output!.dispose();
  return { loss: value.dataSync()[0]!, grads: byName, prediction };
}

/**
 * One optimizer update: the schedule's rate for `step` (when there is a schedule), then the step on
 * the gradients by parameter name.
 */
export function applyGradients(optimizer: Optimizer, grads: ReadonlyMap<string, Tensor>, schedule?: LrSchedule, step?: number): void {
  if (schedule && step !== undefined) optimizer.lr = schedule.lrAt(step);
  optimizer.step(grads);
}

/**
 * Samples whose score row peaks at the label (arg-max taking the first maximum, as `tf.argMax`);
 * NaN for targets that are not one class label per sample.
 */
export function countCorrect(target: TargetSpec, prediction: Float32Array, labels: Int32Array | Float32Array): number {
  if (target.kind !== 'class') return Number.NaN;
  const C = target.numClasses;
  let correct = 0;
  for (let s = 0; s < labels.length; s++) {
    let arg = 0;
    for (let c = 1; c < C; c++) if (prediction[s * C + c]! > prediction[s * C + arg]!) arg = c;
    if (arg === labels[s]) correct++;
  }
  return correct;
}

/** A non-finite loss stops training with the step and epoch, instead of corrupting the weights. */
export function requireFiniteLoss(loss: number, where: string): void {
  if (!Number.isFinite(loss)) {
    throw new SpikeflowError('invalid-state', `loss became ${loss} at ${where}; lower the learning rate or check the data`);
  }
}

/**
 * The loss and the task's read-out of one batch without gradients (evaluation; the caller sets eval
 * mode). With a `mask` the loss counts only the selected samples, as in {@link lossAndGradients}.
 */
export function evaluateBatch(parts: StepParts, batch: Batch, epoch: number, mask?: Float32Array): { loss: number; prediction: Float32Array } {
  const { task, loss } = parts;
  return tf.tidy(() => {
    const y = task.targetTensor(batch.y, batch.size);
    const out = forwardBatch(parts, batch, epoch);
    const lv = loss.compute(out, y, { target: task.target, readOut: task.readOut, ...(mask ? { mask: tf.tensor1d(mask, 'float32') } : {}) });
    return { loss: lv.dataSync()[0]!, prediction: task.predict(out) };
  });
}
