import { SpikeflowError } from '@spikeflow/core';
import { gatherBatch } from '../dataset/gather-batch.js';
import { LabelledSplit, type LabelledSplitInit } from '../dataset/labelled-split.js';
import { FrameCache } from '../frames/frame-cache.js';

/** Options of a {@link FrameDataset}. */
export interface FrameDatasetInit extends LabelledSplitInit {
  readonly cache: FrameCache;
  /**
   * Frames per sample in batches. Defaults to the cache's common T; required when samples differ
   * in length (fixed-duration frames), which are then cut or padded with empty frames.
   */
  readonly frames?: number;
  /** Clip counts to 1 (binary spike frames) instead of passing raw counts (default false). */
  readonly binary?: boolean;
}

/**
 * A dataset split of integrated event frames read from a {@link FrameCache}. Each sample is
 * `[T, H, W, C]` (time-first frames, NHWC each); values are event counts as SpikingJelly feeds
 * them (or 0/1 with `binary`).
 *
 * @example
 * ```ts
 * const ds = new FrameDataset({ name: 'dvs128-gesture', split: 'train', cache: FrameCache.open(dir), numClasses: 11 });
 * const { x, y } = ds.getBatch([0, 1]); // x: 2 · 16 · 128 · 128 · 2 floats
 * ```
 */
export class FrameDataset extends LabelledSplit {
  readonly sampleShape: readonly number[];
  readonly frames: number;
  readonly binary: boolean;
  readonly cache: FrameCache;

  /** `init.sources` are the event files the frames were integrated from, in sample order (each once). */
  constructor(init: FrameDatasetInit) {
    super(init);
    this.cache = init.cache;
    this.binary = init.binary ?? false;
    const counts = new Set(init.cache.index.frames);
    if (init.frames === undefined && counts.size > 1) {
      throw new SpikeflowError(
        'invalid-options',
        `${init.name}/${init.split}: samples have between ${Math.min(...counts)} and ${Math.max(...counts)} frames; give 'frames' to cut or pad them to one length`,
      );
    }
    this.frames = init.frames ?? init.cache.index.frames[0] ?? 0;
    if (!Number.isInteger(this.frames) || this.frames < 1)
      throw new SpikeflowError('invalid-options', `${init.name}/${init.split}: frames must be a positive integer, got ${this.frames}`);
    this.sampleShape = [this.frames, ...init.cache.index.frameShape];
  }

  get length(): number {
    return this.cache.length;
  }

  /** Label of sample `i`. */
  label(i: number): number {
    return this.cache.index.labels[i]!;
  }

  /** Decode sample `i` into `out` at `offset` (cut or zero-padded to `frames`). */
  readInto(i: number, out: Float32Array, offset: number): void {
    const size = this.sampleShape.reduce((a, b) => a * b, 1);
    const stored = this.cache.sampleSize(i);
    if (stored === size) this.cache.readInto(i, out, offset);
    else {
      const tmp = new Float32Array(stored);
      this.cache.readInto(i, tmp, 0);
      out.set(stored > size ? tmp.subarray(0, size) : tmp, offset);
      if (stored < size) out.fill(0, offset + stored, offset + size);
    }
    if (this.binary) for (let k = offset; k < offset + size; k++) if (out[k]! > 1) out[k] = 1;
  }

  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
    const sampleSize = this.sampleShape.reduce((a, b) => a * b, 1);
    return gatherBatch(indices, {
      what: `${this.name}/${this.split}`,
      length: this.length,
      sampleSize,
      fill: (i, x, offset) => this.readInto(i, x, offset),
      label: (i) => this.label(i),
    });
  }
}
