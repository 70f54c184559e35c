import { z } from 'zod';
import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { LossFunction } from '../contracts/loss.js';
import type { LossContext, TaskLoss, TaskLossDescriptor } from '../contracts/task-loss.js';
import { readOutput } from '../tasks/read-out.js';
import { predictionShape } from '../tasks/target-layout.js';
import { noOptions } from '../util/no-options.js';

/** Element-wise penalty of the residual `d = prediction − target`. */
type Penalty = (d: Tensor) => Tensor;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Read the output out, line it up with the float target and average `penalty` over the counted
 * samples' values. `per-step` compares output step t with target step t (`[B, T, ...]` moved
 * time-first).
 */
function regressionLoss(id: string, penalty: Penalty): TaskLoss {
  return {
    id,
    compute(output: Tensor, target: Tensor, context: LossContext): Tensor {
      const spec = context.target;
      const item = spec.kind === 'sequence' ? spec.item : spec;
      if (item.kind !== 'regression') {
        throw new SpikeflowError('invalid-options', `loss '${id}' fits regression targets (float values), got a '${spec.kind}' target; use a classification loss such as ce-mean`);
      }
      if (target.dtype !== 'float32') throw new SpikeflowError('shape-mismatch', `loss '${id}' expects a float32 target, got ${target.dtype}`);
      const perStep = context.readOut === 'per-step';
      if (perStep !== (spec.kind === 'sequence')) {
        throw new SpikeflowError('invalid-options', `loss '${id}': read-out '${context.readOut}' does not fit a '${spec.kind}' target (per-step goes with sequence targets)`);
      }
      const B = target.shape[0]!;
      const sample = predictionShape(spec);
      if (!sameShape(target.shape, [B, ...sample])) {
        throw new SpikeflowError('shape-mismatch', `loss '${id}' expects the target [B, ${sample.join(', ')}], got [${target.shape}]`);
      }
      const expectOut = perStep ? [sample[0]!, B, ...sample.slice(1)] : [output.shape[0]!, B, ...sample];
      if (!sameShape(output.shape, expectOut)) {
        const wanted = perStep ? `[${expectOut.join(', ')}] (T = the target's ${sample[0]} steps)` : `[T, ${[B, ...sample].join(', ')}]`;
        throw new SpikeflowError('shape-mismatch', `loss '${id}' expects the network output ${wanted}, got [${output.shape}]`);
      }
      if (context.mask && !sameShape(context.mask.shape, [B])) {
        throw new SpikeflowError('shape-mismatch', `loss '${id}' expects a mask [${B}], got [${context.mask.shape}]`);
      }
      return tf.tidy(() => {
        const read = readOutput(output, context.readOut);
        // Per-step targets are sample-major [B, T, ...]; the output is time-first [T, B, ...].
        const aligned = perStep ? tf.transpose(target, [1, 0, ...sample.slice(1).map((_, i) => i + 2)]) : target;
        const elementwise = penalty(tf.sub(read, aligned));
        if (!context.mask) return tf.mean(elementwise);
        const batchAxis = perStep ? 1 : 0;
        const perSample = tf.sum(
          elementwise,
          elementwise.shape.map((_, i) => i).filter((i) => i !== batchAxis),
        );
        const valuesPerSample = elementwise.size / B;
        const weight = tf.cast(context.mask, 'float32');
        // Mean over the counted samples' values; an empty mask gives 0 rather than 0/0.
        const count = tf.maximum(tf.mul(tf.sum(weight), valuesPerSample), 1);
        return tf.div(tf.sum(tf.mul(perSample, weight)), count);
      });
    },
  };
}

/** Mean squared error of the read-out against float targets. */
export function mseRegressionLoss(): TaskLoss {
  return regressionLoss('core/mse', (d) => tf.square(d));
}

/** Mean absolute error of the read-out against float targets (gradient sign(d), 0 at d = 0). */
export function maeRegressionLoss(): TaskLoss {
  return regressionLoss('core/mae', (d) => tf.abs(d));
}

/**
 * Huber loss (PyTorch's `HuberLoss`): `½d²` for `|d| ≤ δ`, `δ(|d| − ½δ)` beyond, averaged.
 */
export function huberRegressionLoss(options: { delta?: number } = {}): TaskLoss {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new SpikeflowError('invalid-options', `loss 'core/huber': delta must be > 0, got ${delta}`);
  return regressionLoss('core/huber', (d) =>
    tf.tidy(() => {
      const a = tf.abs(d);
      // min(|d|, δ) splits the quadratic and linear parts so the gradient is d inside and δ·sign(d) outside.
      const q = tf.minimum(a, delta);
      return tf.add(tf.mul(tf.square(q), 0.5), tf.mul(tf.sub(a, q), delta));
    }),
  );
}

/** The classic `create` of a regression loss: it cannot take class labels, and says so. */
function refusesLabels(id: string): LossFunction {
  return {
    id,
    compute() {
      throw new SpikeflowError(
        'not-supported',
        `loss '${id}' is a regression loss: it compares a read-out with float targets and cannot take class labels; use it with a regression task (sf.taskLoss), or pick ce-mean, mse-rate or tet for classification`,
      );
    },
  };
}

/** A regression loss's descriptor: its classic `create` refuses class labels (see {@link refusesLabels}). */
function regressionDescriptor<O>(id: string, description: string, options: z.ZodType<O>, createTaskLoss: (o: O) => TaskLoss): TaskLossDescriptor<O> {
  return { id, description, options, targetKinds: ['regression'], create: () => refusesLabels(`core/${id}`), createTaskLoss };
}

export const mseRegressionDescriptor: TaskLossDescriptor<Record<string, never>> = regressionDescriptor(
  'mse',
  'Mean squared error of the task read-out against float targets (regression)',
  noOptions,
  () => mseRegressionLoss(),
);

export const maeRegressionDescriptor: TaskLossDescriptor<Record<string, never>> = regressionDescriptor(
  'mae',
  'Mean absolute error of the task read-out against float targets (regression)',
  noOptions,
  () => maeRegressionLoss(),
);

export const huberRegressionDescriptor: TaskLossDescriptor<{ delta: number }> = regressionDescriptor(
  'huber',
  'Huber loss of the task read-out against float targets (quadratic within delta, linear beyond)',
  z.object({ delta: z.number().positive().default(1) }).strict(),
  (o) => huberRegressionLoss(o),
);
