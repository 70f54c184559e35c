import { SpikeflowError, type Dataset } from '@spikeflow/core';
import { gatherBatch } from './gather-batch.js';
import { LabelledSplit, type LabelledSplitInit } from './labelled-split.js';

/** What an {@link IdxDataset} is made from: what it says about itself as a {@link Dataset}, and its bytes. */
export interface IdxDatasetInit extends LabelledSplitInit, Pick<Dataset, 'sampleShape'> {
  /** `length * prod(sampleShape)` pixel bytes, sample-major, NHWC. */
  readonly pixels: Uint8Array;
  /** One class index per sample. */
  readonly labels: Uint8Array;
}

/** `i / 255` for every byte, so scaling a batch is one table lookup per pixel. */
const SCALE = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/**
 * An image classification split held in memory as uint8, the way the IDX files store it: a
 * 60000-image split costs 47 MB instead of 188 MB as float32. Batches are converted on demand
 * ({@link getBatch}), which is cheap next to a training step.
 *
 * @example
 * ```ts
 * const ds = new IdxDataset({ name: 'toy', split: 'train', pixels, labels, sampleShape: [28, 28, 1], numClasses: 10 });
 * const { x, y } = ds.getBatch([0, 5, 7]); // x: 3*784 floats in [0, 1], y: 3 labels
 * ```
 */
export class IdxDataset extends LabelledSplit {
  readonly length: number;
  readonly sampleShape: readonly number[];
  /** Values per sample, `prod(sampleShape)`. */
  readonly sampleSize: number;
  /** The raw pixels (read-only by convention; shared, not copied). */
  readonly pixels: Uint8Array;
  /** The raw labels. */
  readonly labels: Uint8Array;

  /** `init.sources` are the images file, then the labels file. */
  constructor(init: IdxDatasetInit) {
    super(init);
    this.sampleShape = Object.freeze([...init.sampleShape]);
    this.sampleSize = init.sampleShape.reduce((a, b) => a * b, 1);
    this.length = init.labels.length;
    this.pixels = init.pixels;
    this.labels = init.labels;
    if (init.pixels.length !== this.length * this.sampleSize) {
      throw new SpikeflowError(
        'shape-mismatch',
        `${this.describe()}: ${init.pixels.length} pixel bytes do not make ${this.length} samples of shape [${this.sampleShape.join(', ')}]`,
      );
    }
    if (this.classNames && this.classNames.length !== this.numClasses) {
      throw new SpikeflowError('invalid-options', `${this.describe()}: ${this.classNames.length} class names for ${this.numClasses} classes`);
    }
  }

  /**
   * Gather samples into one float batch, NHWC, scaled to [0, 1] by /255, with their labels.
   *
   * @throws SpikeflowError `invalid-options` when an index is not an integer in `[0, length)`.
   */
  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
    const size = this.sampleSize;
    return gatherBatch(indices, {
      what: this.describe(),
      length: this.length,
      sampleSize: size,
      fill: (i, x, dst) => {
        const src = i * size;
        for (let k = 0; k < size; k++) x[dst + k] = SCALE[this.pixels[src + k]];
      },
      label: (i) => this.labels[i],
    });
  }

  /** How many samples each class has (index = class). */
  classCounts(): number[] {
    const counts = new Array<number>(this.numClasses).fill(0);
    for (let i = 0; i < this.length; i++) counts[this.labels[i]]++;
    return counts;
  }

  private describe(): string {
    return `dataset ${this.name}/${this.split}`;
  }
}
