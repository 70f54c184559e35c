import { z } from 'zod';
import { SpikeflowError, epochPermutation, targetLayout, type Batch, type BatchLoader, type Dataset, type TargetSpec, type TaskDataset } from '@spikeflow/core';
import type { BatchAugment } from '../augment/batch-augment.js';
import { subsetIndices } from './subset-indices.js';

/** Options of a {@link DataLoader}. */
export interface DataLoaderOptions {
  /** A class-label dataset, or a task dataset (any split: train, valid, test) with typed targets. */
  readonly dataset: Dataset | TaskDataset;
  /** Samples per batch (the last batch may be smaller unless `dropLast`). */
  readonly batchSize: number;
  /** Visit samples in a seeded random order that changes every epoch (default true). */
  readonly shuffle?: boolean;
  /** Seed of the order and of the subset (default 0). */
  readonly seed?: number;
  /** Skip a final batch smaller than `batchSize` (default false). */
  readonly dropLast?: boolean;
  /** Use only this many samples: a fixed set chosen by the seed, the same in every epoch. */
  readonly subset?: number;
  /** Batches prepared ahead of the one being consumed (default 2; 0 prepares on demand). */
  readonly prefetch?: number;
  /**
   * Augment each batch in place after it is gathered (e.g. `imageAugmentPolicy(...)`), given the
   * batch's dataset indices, the epoch and `seed`: what a sample gets depends only on those, so a
   * resumed epoch (`batches(epoch, startBatch)`) yields exactly the batches an uninterrupted one
   * would. The dataset's `getBatch` must return a fresh `x` (the datasets of this package do).
   */
  readonly augment?: BatchAugment;
}

const optionsSchema = z.object({
  batchSize: z.number().int().min(1),
  shuffle: z.boolean().default(true),
  seed: z.number().int().default(0),
  dropLast: z.boolean().default(false),
  subset: z.number().int().min(1).optional(),
  prefetch: z.number().int().min(0).default(2),
  augment: z.custom<BatchAugment>((v) => typeof v === 'function', 'augment must be a function (x, context) => void').optional(),
});

function invalid(message: string): SpikeflowError {
  return new SpikeflowError('invalid-options', `DataLoader: ${message}`);
}

/**
 * Turns a {@link Dataset} (or a {@link TaskDataset}) into the batches the trainer consumes, in an order fixed by
 * `(seed, epoch)`: epoch `e` visits the samples in `epochPermutation(n, seed, e)` order, so a run is
 * reproducible, every worker of a data-parallel run agrees on the order, and a resumed run can skip
 * straight to its data cursor with `batches(epoch, startBatch)`.
 *
 * Batches are built up to `prefetch` ahead on later turns of the event loop (`setImmediate`), so
 * gathering and scaling the next batch fills the gaps while the trainer awaits its current step.
 *
 * @example
 * ```ts
 * const loader = new DataLoader({ dataset: train, batchSize: 64, seed: 0, subset: 5000 });
 * for await (const batch of loader.batches(epoch)) {
 *   batch.x; // Float32Array, 64 * 28 * 28 * 1, NHWC in [0, 1]
 *   batch.y; // Int32Array of labels; batch.indices are the dataset indices
 * }
 * // A forecasting split: y is a Float32Array of targetPerSample values per sample.
 * const valid = new DataLoader({ dataset: await sf.taskDataset('etth1', { split: 'valid' }), batchSize: 64, shuffle: false });
 * ```
 */
export class DataLoader implements BatchLoader {
  readonly dataset: Dataset | TaskDataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly prefetch: number;
  readonly augment: BatchAugment | undefined;
  /** Samples per epoch (the subset size when there is one). */
  readonly length: number;
  readonly batchesPerEpoch: number;
  readonly sampleShape: readonly number[];
  /** Classes of a class target; 0 for other targets. */
  readonly numClasses: number;
  /** What `y` holds per sample (class labels of a plain {@link Dataset}). */
  readonly targetSpec: TargetSpec;
  /** Target values per sample in `y` (1 for a class label). */
  readonly targetPerSample: number;
  /** The dataset indices this loader draws from, ascending (all of them without a subset). */
  private readonly pool: Int32Array;

  /** @throws SpikeflowError `invalid-options` naming the bad option and what is allowed. */
  constructor(options: DataLoaderOptions) {
    const { dataset, ...rest } = options ?? ({} as DataLoaderOptions);
    if (!dataset || typeof dataset.getBatch !== 'function' || !Number.isInteger(dataset.length)) {
      throw invalid('`dataset` must be a Dataset (with length and getBatch)');
    }
    const parsed = optionsSchema.safeParse(rest);
    if (!parsed.success) throw invalid(`invalid options for dataset ${dataset.name}/${dataset.split}:\n${z.prettifyError(parsed.error)}`);
    const o = parsed.data;
    if (dataset.length < 1) throw invalid(`dataset ${dataset.name}/${dataset.split} is empty`);
    if (o.subset !== undefined && o.subset > dataset.length) {
      throw invalid(`subset ${o.subset} is larger than dataset ${dataset.name}/${dataset.split} (${dataset.length} samples)`);
    }
    this.dataset = dataset;
    this.batchSize = o.batchSize;
    this.shuffle = o.shuffle;
    this.seed = o.seed;
    this.dropLast = o.dropLast;
    this.prefetch = o.prefetch;
    this.augment = o.augment;
    this.sampleShape = dataset.sampleShape;
    const task = dataset as Partial<TaskDataset>;
    this.targetSpec = task.targetSpec ?? { kind: 'class', numClasses: (dataset as Dataset).numClasses };
    this.numClasses = this.targetSpec.kind === 'class' ? this.targetSpec.numClasses : 0;
    this.targetPerSample =
      this.targetSpec.kind === 'none' ? 0 : targetLayout(this.targetSpec, ['class', 'regression'], `DataLoader of ${dataset.name}/${dataset.split}`).targetPerSample;
    this.pool = o.subset === undefined ? Int32Array.from({ length: dataset.length }, (_, i) => i) : subsetIndices(dataset.length, o.subset, o.seed);
    this.length = this.pool.length;
    this.batchesPerEpoch = o.dropLast ? Math.floor(this.length / o.batchSize) : Math.ceil(this.length / o.batchSize);
    if (this.batchesPerEpoch === 0) {
      throw invalid(`batchSize ${o.batchSize} with dropLast leaves no batch of the ${this.length} samples; lower batchSize or drop dropLast`);
    }
  }

  /** The dataset indices of epoch `epoch`, in visiting order. */
  order(epoch: number): Int32Array {
    if (!Number.isInteger(epoch) || epoch < 0) throw invalid(`epoch must be an integer >= 0, got ${epoch}`);
    if (!this.shuffle) return this.pool.slice();
    const perm = epochPermutation(this.length, this.seed, epoch);
    const out = new Int32Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.pool[perm[i]];
    return out;
  }

  /** Build batch `b` of an epoch's order. */
  private batchAt(order: Int32Array, b: number, epoch: number): Batch {
    const start = b * this.batchSize;
    const indices = order.slice(start, Math.min(start + this.batchSize, order.length));
    const { x, y } = this.dataset.getBatch(indices);
    // A dataset whose targets do not match its declared target would train on shifted rows: refuse it here.
    const wantFloat = this.targetSpec.kind === 'regression' || (this.targetSpec.kind === 'sequence' && this.targetSpec.item.kind === 'regression');
    if (!(wantFloat ? y instanceof Float32Array : y instanceof Int32Array) || y.length !== indices.length * this.targetPerSample) {
      throw new SpikeflowError(
        'dataset-corrupt',
        `dataset ${this.dataset.name}/${this.dataset.split} returned y as ${y?.constructor?.name ?? typeof y}[${y?.length}] for ${indices.length} samples; expected ${wantFloat ? 'a Float32Array' : 'an Int32Array'} of ${indices.length * this.targetPerSample} (${this.targetPerSample} per sample)`,
      );
    }
    this.augment?.(x, { sampleShape: this.sampleShape, indices, epoch, seed: this.seed });
    return { x, y, indices, size: indices.length, sampleShape: this.sampleShape };
  }

  /**
   * The batches of `epoch`, starting at batch `startBatch` (a checkpoint's data cursor): exactly the
   * tail an uninterrupted epoch would have yielded from there.
   *
   * @throws SpikeflowError `invalid-options` for a negative or fractional epoch, or a `startBatch` outside `0..batchesPerEpoch`.
   */
  batches(epoch: number, startBatch = 0): AsyncIterable<Batch> {
    const order = this.order(epoch);
    if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > this.batchesPerEpoch) {
      throw invalid(`startBatch must be an integer in 0..${this.batchesPerEpoch}, got ${startBatch}`);
    }
    return this.iterate(order, startBatch, epoch);
  }

  private async *iterate(order: Int32Array, startBatch: number, epoch: number): AsyncGenerator<Batch> {
    const end = this.batchesPerEpoch;
    if (this.prefetch === 0) {
      for (let b = startBatch; b < end; b++) yield this.batchAt(order, b, epoch);
      return;
    }
    const queue: Promise<Batch>[] = [];
    let next = startBatch;
    let stopped = false;
    const schedule = (b: number): Promise<Batch> => {
      const p = new Promise<Batch>((resolve, reject) => {
        setImmediate(() => {
          if (stopped) return reject(new Error('loader stopped'));
          try {
            resolve(this.batchAt(order, b, epoch));
          } catch (e) {
            reject(e);
          }
        });
      });
      p.catch(() => {}); // surfaced when awaited; silenced if the consumer stops first
      return p;
    };
    try {
      while (next < end || queue.length > 0) {
        while (queue.length <= this.prefetch && next < end) queue.push(schedule(next++));
        yield await queue.shift()!;
      }
    } finally {
      stopped = true;
    }
  }
}
