import type { DatasetDescriptor, DatasetOpenOptions } from './dataset.js';
import type { TargetKind, TargetSpec } from './task.js';

/** The splits a task dataset may offer. */
export type TaskSplit = 'train' | 'valid' | 'test';

/**
 * A dataset whose targets are typed by a {@link TargetSpec} rather than fixed to class labels: the
 * general form of {@link Dataset}. `getBatch` returns `y` as an `Int32Array` for class targets and a
 * `Float32Array` laid out `[B, ...shape]` for regression targets. A dataset that is one graph
 * implements {@link GraphDataset} instead.
 *
 * @example
 * ```ts
 * const ds: TaskDataset = await sf.taskDataset('etth1', { split: 'valid', window: 96, horizon: 24 });
 * const { x, y } = ds.getBatch([0, 1]); // x: [2, 96, 7], y: [2, 24, 7]
 * ```
 */
export interface TaskDataset {
  readonly name: string;
  readonly split: TaskSplit;
  readonly length: number;
  /** Shape of one sample's input without the batch (e.g. `[window, features]`). */
  readonly sampleShape: readonly number[];
  readonly targetSpec: TargetSpec;
  /** Copy the samples at `indices` into one float array and their targets into `y`. */
  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Float32Array | Int32Array };
}

/** Options every task dataset accepts when opened. */
export interface TaskDatasetOpenOptions extends Omit<DatasetOpenOptions, 'split'> {
  readonly split: TaskSplit;
}

/**
 * A dataset descriptor whose datasets have targets other than class labels (forecasting series,
 * per-step targets). It is bound under the same `DatasetDescriptor` token, so it lives in the one
 * `datasets` registry; its classic `open` rejects with a `not-supported` SpikeflowError pointing at
 * `openTask`, since a {@link Dataset}'s `y` is class labels.
 */
export interface TaskDatasetDescriptor<TOptions = Record<string, unknown>> extends DatasetDescriptor<TOptions> {
  /** The target kind its datasets have (their exact spec depends on options, e.g. the horizon). */
  readonly targetKind: TargetKind;
  /** The splits it offers, and how each is made (e.g. chronological 60/20/20). */
  readonly splits: readonly TaskSplit[];
  openTask(options: TOptions & TaskDatasetOpenOptions): Promise<TaskDataset>;
}

/** True when a dataset descriptor opens {@link TaskDataset}s. */
export function isTaskDatasetDescriptor(d: DatasetDescriptor<any>): d is TaskDatasetDescriptor<any> {
  return typeof (d as Partial<TaskDatasetDescriptor>).openTask === 'function';
}
