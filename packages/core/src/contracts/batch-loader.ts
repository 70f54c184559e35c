import type { TargetSpec } from './task.js';

/** One mini-batch as plain arrays, ready to become tensors. */
export interface Batch {
  /** Samples, `size * prod(sampleShape)` floats, NHWC, scaled to [0, 1]. */
  readonly x: Float32Array;
  /**
   * Targets typed by the data's target: `size` integer class labels, or a `Float32Array` of
   * `size * prod(shape)` values for regression targets (see {@link TargetSpec}).
   */
  readonly y: Int32Array | Float32Array;
  /** Global dataset index of each sample (keys stochastic encoders). */
  readonly indices: Int32Array;
  readonly size: number;
  readonly sampleShape: readonly number[];
}

/**
 * Yields an epoch's batches in the order fixed by `(seed, epoch)`. The trainer asks for
 * `batches(epoch, startBatch)` to resume mid-epoch at a checkpoint's data cursor.
 */
export interface BatchLoader {
  readonly batchSize: number;
  /** Samples per epoch (after any subset). */
  readonly length: number;
  readonly batchesPerEpoch: number;
  readonly sampleShape: readonly number[];
  readonly numClasses: number;
  /** What `y` holds per sample; absent means `numClasses` class labels. */
  readonly targetSpec?: TargetSpec;
  batches(epoch: number, startBatch?: number): AsyncIterable<Batch>;
}
