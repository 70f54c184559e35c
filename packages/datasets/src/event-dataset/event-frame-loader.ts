import { inflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { Rng, SpikeflowError, epochPermutation, type Batch, type BatchLoader } from '@spikeflow/core';
import { augmentFrames, drawAugment, type EventAugmentOptions } from './event-augment.js';
import type { FrameDataset } from './frame-dataset.js';

const inflate = promisify(inflateRaw);

/** Options of an {@link EventFrameLoader}. */
export interface EventFrameLoaderOptions {
  readonly dataset: FrameDataset;
  readonly batchSize: number;
  /** Seeded order that changes every epoch (default true). */
  readonly shuffle?: boolean;
  readonly seed?: number;
  readonly dropLast?: boolean;
  /** Batches read ahead while the current one is used (default 2). */
  readonly prefetch?: number;
  /** Augmentations drawn per sample from `(seed, epoch, index)`; none by default (use for train only). */
  readonly augment?: EventAugmentOptions;
}

/**
 * Streams batches of cached event frames: the order of epoch `e` is `epochPermutation(n, seed,
 * e)`, as the static `DataLoader`, so runs resume at a data cursor; samples are read and inflated
 * asynchronously (zlib runs on libuv's thread pool) up to `prefetch` batches ahead; augmentations
 * are drawn from a generator keyed by `(seed, epoch, sample)`, so they are the same on every
 * worker and after a resume, and are applied identically to all T frames of a sample.
 *
 * @example
 * ```ts
 * const loader = new EventFrameLoader({ dataset: train, batchSize: 16, seed: 0, augment: { flipX: true, maxShift: 4 } });
 * for await (const batch of loader.batches(0)) batch.x; // [16, T, H, W, 2]
 * ```
 */
export class EventFrameLoader implements BatchLoader {
  readonly dataset: FrameDataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly prefetch: number;
  readonly augment?: EventAugmentOptions;

  constructor(options: EventFrameLoaderOptions) {
    const bad = (m: string): never => {
      throw new SpikeflowError('invalid-options', `EventFrameLoader: ${m}`);
    };
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) bad(`batchSize must be a positive integer, got ${options.batchSize}`);
    if (options.prefetch !== undefined && (!Number.isInteger(options.prefetch) || options.prefetch < 0)) bad(`prefetch must be a non-negative integer, got ${options.prefetch}`);
    this.dataset = options.dataset;
    this.batchSize = options.batchSize;
    this.shuffle = options.shuffle ?? true;
    this.seed = options.seed ?? 0;
    this.dropLast = options.dropLast ?? false;
    this.prefetch = options.prefetch ?? 2;
    this.augment = options.augment;
    if (this.augment) drawAugment(new Rng(0), this.augment); // validates maxShift now
  }

  get length(): number {
    return this.dataset.length;
  }

  get sampleShape(): readonly number[] {
    return this.dataset.sampleShape;
  }

  get numClasses(): number {
    return this.dataset.numClasses;
  }

  get batchesPerEpoch(): number {
    return this.dropLast ? Math.floor(this.length / this.batchSize) : Math.ceil(this.length / this.batchSize);
  }

  /** The sample order of an epoch. */
  order(epoch: number): Int32Array {
    if (this.shuffle) return epochPermutation(this.length, this.seed, epoch);
    return Int32Array.from({ length: this.length }, (_, i) => i);
  }

  private async load(epoch: number, indices: Int32Array): Promise<Batch> {
    const ds = this.dataset;
    const shape = ds.sampleShape;
    const size = shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(indices.length * size);
    const y = new Int32Array(indices.length);
    const blobs = await Promise.all(Array.from(indices, async (i) => inflate(ds.cache.readBlob(i))));
    blobs.forEach((raw, b) => {
      const i = indices[b]!;
      const stored = ds.cache.sampleSize(i);
      const bytes = raw.byteOffset % 2 === 0 ? raw : new Uint8Array(raw); // uint16 views need even offsets
      const u16 = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
      const n = Math.min(stored, size);
      const o = b * size;
      // TypedArray.set converts uint16 to float32 natively, much faster than a JS loop.
      x.set(u16.subarray(0, n), o);
      if (ds.binary) for (let k = o; k < o + n; k++) if (x[k]! > 1) x[k] = 1;
      if (this.augment) augmentFrames(x, shape, drawAugment(new Rng(`${this.seed}:${epoch}:${i}`), this.augment), o);
      y[b] = ds.label(i);
    });
    return { x, y, indices, size: indices.length, sampleShape: shape };
  }

  async *batches(epoch: number, startBatch = 0): AsyncGenerator<Batch> {
    const order = this.order(epoch);
    const total = this.batchesPerEpoch;
    const pending: Promise<Batch>[] = [];
    let next = startBatch;
    const schedule = (): void => {
      while (next < total && pending.length <= this.prefetch) {
        const b = next++;
        pending.push(this.load(epoch, order.subarray(b * this.batchSize, Math.min(order.length, (b + 1) * this.batchSize))));
        // Keep a rejected read from being reported as unhandled before it is awaited.
        pending[pending.length - 1]!.catch(() => undefined);
      }
    };
    schedule();
    while (pending.length > 0) {
      const batch = await pending.shift()!;
      schedule();
      yield batch;
    }
  }
}
