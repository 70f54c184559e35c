import type { Tensor } from '../engine/tf.js';
import type { Descriptor } from './descriptor.js';

/** One integer class per sample: `y` is an `Int32Array` of `B` labels in `[0, numClasses)`. */
export interface ClassTarget {
  readonly kind: 'class';
  readonly numClasses: number;
}

/** A float vector or tensor per sample: `y` is a `Float32Array` of `B * prod(shape)` values, sample-major. */
export interface RegressionTarget {
  readonly kind: 'regression';
  /** Shape of one sample's target (e.g. `[horizon, series]`); `[]` for one scalar. */
  readonly shape: readonly number[];
}

/**
 * One target per time step: `y` is laid out `[B, steps, ...item]` (an `Int32Array` of `B * steps`
 * labels for class items, a `Float32Array` of `B * steps * prod(item.shape)` for regression items).
 * Read out `per-step`: step `t` of the network's output is compared with step `t` of the target.
 */
export interface SequenceTarget {
  readonly kind: 'sequence';
  readonly steps: number;
  readonly item: ClassTarget | RegressionTarget;
}

/** No target (self-supervised objectives); `y` is an empty array. */
export interface NoTarget {
  readonly kind: 'none';
}

/** What a dataset's `y` holds per sample, as a task declares it. */
export type TargetSpec = ClassTarget | RegressionTarget | SequenceTarget | NoTarget;

/** The kinds of {@link TargetSpec}. */
export type TargetKind = TargetSpec['kind'];

/**
 * How the network's time-first output `[T, B, ...]` becomes one prediction per sample:
 * - `mean`: the mean over T (the firing rate, today's classification read-out);
 * - `last`: the last time step;
 * - `per-step`: every step is kept, `[T, B, ...]`, for {@link SequenceTarget}s;
 * - `membrane`: the output is the membrane potential of a non-firing read-out layer
 *   (e.g. `NonSpikingLIF`, which integrates the last spiking layer through its weights — the linear
 *   read-out of membrane), read at the last step, where it has integrated the whole input.
 */
export type ReadOut = 'mean' | 'last' | 'per-step' | 'membrane';

/** Which metric picks the best checkpoint, and whether larger (`max`) or smaller (`min`) is better. */
export interface SelectionMetric {
  /** A metric name of the task (a key of {@link Task.metrics}). */
  readonly metric: string;
  readonly mode: 'max' | 'min';
}

/** A metric the task reports: the name it is reported under, its registry id and options. */
export interface TaskMetricSpec {
  /** Key in epoch results and JSON output (e.g. `accuracy`, `top5`, `r2`). */
  readonly name: string;
  /** Metric registry id (e.g. `core/top-k`). */
  readonly id: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/**
 * What a model is trained to do: the target it learns, how its output is read out, the losses that
 * fit it and the metrics that score it. The trainer, the CLI and checkpoints ask the task instead of
 * assuming class labels.
 *
 * Losses still receive the raw `[T, B, ...]` output (so per-step losses such as TET can see every
 * step); losses that work on a read-out (the regression losses) take {@link Task.readOut} from their
 * context. Metrics receive {@link Task.predict}'s host copy.
 *
 * @example
 * ```ts
 * const task = sf.task('classification', {}, { target: { kind: 'class', numClasses: 10 } });
 * const scores = task.predict(model.forward(x)); // [B, 10], the mean over T
 * const metrics = sf.taskMetrics(task);          // accuracy, top5
 * ```
 */
export interface Task {
  /** Registry id of the task (e.g. `core/classification`). */
  readonly id: string;
  readonly target: TargetSpec;
  readonly readOut: ReadOut;
  /** Loss ids this task accepts (short or full registry ids). */
  readonly losses: readonly string[];
  /** The loss used when none is chosen; one of {@link Task.losses}. */
  readonly defaultLoss: string;
  readonly metrics: readonly TaskMetricSpec[];
  /** The metric that selects the best checkpoint; names one of {@link Task.metrics}. */
  readonly selection: SelectionMetric;
  /**
   * Check the network output is `[T, B, ...]` with the shape the target needs, and throw a
   * `shape-mismatch` SpikeflowError naming both shapes when it is not.
   */
  checkOutput(output: Tensor): void;
  /** The read-out of `[T, B, ...]`: `[B, ...]` (or `[T, B, ...]` for `per-step`). */
  readOutput(output: Tensor): Tensor;
  /**
   * The read-out in the target's sample-major layout, on the host: what metrics' `update` takes as
   * the prediction (`[B, numClasses]` scores, `[B, ...shape]` values, `[B, steps, ...]` sequences).
   */
  predict(output: Tensor): Float32Array;
  /**
   * Check a batch's `y` against the target (dtype, length for `size` samples, class range,
   * finiteness) and make it a tensor: `int32 [B]` (`[B, steps]`) labels or `float32 [B, ...shape]`.
   */
  targetTensor(y: Int32Array | Float32Array, size: number): Tensor;
}

/** What a task is created for: the target the dataset provides. */
export interface TaskContext {
  readonly target: TargetSpec;
}

export const TaskDescriptor = Symbol.for('@spikeflow/core/TaskDescriptor');
/**
 * A registered task. `targetKinds` lists the dataset targets it can learn; `create` refuses others
 * with an `invalid-options` SpikeflowError naming what it got and what it takes.
 */
export interface TaskDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  readonly targetKinds: readonly TargetKind[];
  create(options: TOptions, context: TaskContext): Task;
}
