import type { Encoder, LossFunction, LrSchedule, Module, Optimizer, Task, TaskLoss } from '@spikeflow/core';

/**
 * Everything a worker needs to train its shard, built on the worker from the configuration the
 * coordinator sends. The CLI builds it from a run config; programs can build their own.
 *
 * `order(epoch)` must be the same permutation on every worker (a function of `(seed, epoch)`,
 * as `DataLoader.order` is): the cluster cuts each global batch out of it and gives rank r its slice.
 */
export interface DistributedJob {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly encoder: Encoder;
  /** A class-label loss (`mse-rate`, `ce-mean`, ...); used through core's `taskLossOf` unless `taskLoss` is given. */
  readonly loss?: LossFunction;
  /** The loss under the task signature `(output, target, context)` (regression losses: `sf.taskLoss('mse')`). */
  readonly taskLoss?: TaskLoss;
  /**
   * What the job learns (its target, read-out and output check); default: classification of
   * `numClasses` classes with the mean read-out. Workers run core's training step with it.
   */
  readonly task?: Task;
  readonly schedule?: LrSchedule;
  readonly timeSteps: number;
  /** Classes of a class target (0 for other targets); part of the fingerprint every worker must share. */
  readonly numClasses: number;
  readonly seed: number;
  /** Samples visited per epoch (the length of `order(epoch)`). */
  readonly samplesPerEpoch: number;
  readonly sampleShape: readonly number[];
  /** Dataset indices of epoch `epoch` in visiting order. */
  order(epoch: number): Int32Array;
  /** Gather samples by dataset index. */
  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array | Float32Array };
  /** Free tensors when the worker leaves. */
  dispose?(): void;
}

/** Builds a worker's job from the JSON configuration the coordinator distributes. */
export type JobFactory = (config: Readonly<Record<string, unknown>>) => Promise<DistributedJob> | DistributedJob;
