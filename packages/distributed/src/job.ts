import type { Encoder, LossFunction, LrSchedule, Module, Optimizer } from '@spikeflow/core';

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
  readonly loss: LossFunction;
  readonly schedule?: LrSchedule;
  readonly timeSteps: number;
  readonly numClasses: number;
  readonly seed: number;
  /** Samples visited per epoch (the length of `order(epoch)`). */
  readonly samplesPerEpoch: number;
  readonly sampleShape: readonly number[];
  /** Dataset indices of epoch `epoch` in visiting order. */
  order(epoch: number): Int32Array;
  /** Gather samples by dataset index. */
  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array };
  /** Free tensors when the worker leaves. */
  dispose?(): void;
}

/** Builds a worker's job from the JSON configuration the coordinator distributes. */
export type JobFactory = (config: Readonly<Record<string, unknown>>) => Promise<DistributedJob> | DistributedJob;
