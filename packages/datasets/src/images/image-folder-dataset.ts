import { gatherBatch } from '../dataset/gather-batch.js';
import { LabelledSplit } from '../dataset/labelled-split.js';
import type { ImageCacheData } from './image-cache.js';

/** What an {@link ImageFolderDataset} is made from. */
export interface ImageFolderDatasetInit {
  readonly name: string;
  readonly split: string;
  readonly data: ImageCacheData;
  /** The image files, in sample order. */
  readonly sources?: readonly string[];
  /** The decoded-image cache file the pixels were read from. */
  readonly cacheFile?: string;
}

/**
 * Decoded images of one split in memory (RGB bytes, NHWC), scaled to [0, 1] as float32 on the way
 * out, like torchvision's `ToTensor` but channels last.
 *
 * @example
 * ```ts
 * const { x, y } = dataset.getBatch([0, 1]); // x: 2 * H * W * 3 floats
 * ```
 */
export class ImageFolderDataset extends LabelledSplit {
  declare readonly classNames: readonly string[];
  readonly sampleShape: readonly [number, number, 3];
  readonly cacheFile: string | undefined;
  private readonly data: ImageCacheData;

  constructor(init: ImageFolderDatasetInit) {
    const h = init.data.header;
    super({ name: init.name, split: init.split, numClasses: h.classNames.length, classNames: h.classNames, sources: init.sources });
    this.data = init.data;
    this.sampleShape = [h.height, h.width, 3];
    this.cacheFile = init.cacheFile;
  }

  get length(): number {
    return this.data.header.count;
  }

  /** Labels of every sample, in order. */
  get labels(): Int32Array {
    return this.data.labels;
  }

  /**
   * Mean and standard deviation of each channel over every pixel of the split, in [0, 1] units:
   * the statistics to normalise with (computed on the train split).
   *
   * @example
   * ```ts
   * const augment = imageAugmentPolicy({ cropPadding: 4, flip: true, normalize: train.channelStats() });
   * ```
   */
  channelStats(): { mean: number[]; std: number[] } {
    const sum = [0, 0, 0];
    const squares = [0, 0, 0];
    const { pixels } = this.data;
    for (let i = 0; i < pixels.length; i += 3) {
      for (let c = 0; c < 3; c++) {
        const v = pixels[i + c]!;
        sum[c] += v;
        squares[c] += v * v;
      }
    }
    const n = pixels.length / 3;
    const mean = sum.map((s) => s / n);
    return { mean: mean.map((m) => m / 255), std: squares.map((q, c) => Math.sqrt(Math.max(0, q / n - mean[c]! * mean[c]!)) / 255) };
  }

  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
    const { pixels, labels } = this.data;
    const size = this.sampleShape[0] * this.sampleShape[1] * 3;
    return gatherBatch(indices, {
      what: `dataset ${this.name}/${this.split}`,
      length: this.length,
      sampleSize: size,
      fill: (i, x, offset) => {
        const at = i * size;
        for (let k = 0; k < size; k++) x[offset + k] = pixels[at + k]! / 255;
      },
      label: (i) => labels[i]!,
    });
  }
}
