import type { EventFormat } from '../../events/event-file.js';
import type { FrameSplit } from '../../frames/integrate-frames.js';

/** One file of a dataset's official distribution. */
export interface DistributionFile {
  readonly name: string;
  /** Official download address (several when the publisher lists mirrors). */
  readonly urls: readonly string[];
  /** MD5 as published by the dataset's loaders (SpikingJelly, Tonic). */
  readonly md5?: string;
  /** Which split the file holds, when it holds one. */
  readonly split?: 'train' | 'test' | 'valid';
}

/** How a dataset's samples are divided into train and test. */
export type SplitRule =
  | { readonly kind: 'official'; readonly note: string }
  /**
   * No official split: per class, the samples (sorted by file name) are shuffled by a seeded
   * generator and the first `ceil(n · trainRatio)` form the train split (SpikingJelly's
   * `split_to_train_test_set` with `random_split=True`, made reproducible by the seed).
   */
  | { readonly kind: 'seeded'; readonly trainRatio: number; readonly seed: number };

/**
 * Everything spikeflow knows about a neuromorphic dataset: where it comes from, what its files
 * look like, its classes and its split.
 */
export interface NeuromorphicDatasetSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly homepage: string;
  readonly citation: string;
  readonly license: string;
  readonly format: EventFormat;
  /** Sensor size; SHD/SSC use width 700 (channels) and height 1. */
  readonly width: number;
  readonly height: number;
  /** 2 polarity channels, or 1 for SHD/SSC. */
  readonly channels: 1 | 2;
  readonly classNames: readonly string[];
  /** Classes, when `classNames` is filled only from the files. */
  readonly numClasses?: number;
  /** Samples per split in the standard preprocessing (as SpikingJelly counts them). */
  readonly counts?: { readonly train: number; readonly test: number };
  readonly split: SplitRule;
  readonly files: readonly DistributionFile[];
  /** True when the files can be fetched without a login or a click-through page. */
  readonly downloadable: boolean;
  /** How to lay out the extracted files under the data folder. */
  readonly layout: string;
  /** The frame split used when none is given (the common choice in the literature). */
  readonly defaultSplit: FrameSplit;
  /**
   * With fixed-duration frames (variable T), the frames per sample in batches: longer samples are
   * cut, shorter ones padded with empty frames.
   */
  readonly defaultBatchFrames?: number;
}
