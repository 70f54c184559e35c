import { z } from 'zod';
import { SpikeflowError, type DatasetDescriptor, type DatasetOpenOptions } from '@spikeflow/core';
import { parseOpenOptions } from '../descriptors/open-options.js';
import type { ImageFolderDataset } from './image-folder-dataset.js';
import type { ImageSplit } from './list-image-folder.js';
import { openImageFolder } from './open-image-folder.js';

const size = z.number().int().min(1);

/** The splits an image folder may have (a `valid/` or `val/` folder besides train and test). */
const IMAGE_SPLITS: readonly ImageSplit[] = ['train', 'test', 'valid'];

/** Options of the image datasets (given to `sf.dataset`, or `dataset.options` in a run config). */
export const imageFolderOptions = z
  .object({
    /** The image folder (default: `--data-dir`). */
    root: z.string().min(1).optional(),
    /** Scale every image to `[height, width]`; without it all images must have one size. */
    resize: z.tuple([size, size]).optional(),
    /** Share of each class held out as the test split of a folder without split sub-folders (default 0.2). */
    testFraction: z.number().gt(0).lt(1).optional(),
    /** Seed of that split (default 0). */
    seed: z.number().int().optional(),
    /** Folder of decoded-image caches (default `<user cache>/images`). */
    cacheDir: z.string().min(1).optional(),
    /** Decode worker threads (default: by file count). */
    threads: z.number().int().min(0).optional(),
  })
  .strict();

export type ImageFolderOptions = z.output<typeof imageFolderOptions>;

/** Core's open options, with the `valid` split an image folder may also have. */
export type ImageFolderOpenOptions = ImageFolderOptions & Omit<DatasetOpenOptions, 'split'> & { readonly split: ImageSplit };

/** The `datasets/image-folder` registry entry. */
export interface ImageFolderDescriptor extends DatasetDescriptor<ImageFolderOptions> {
  open(options: ImageFolderOpenOptions): Promise<ImageFolderDataset>;
}

/**
 * `datasets/image-folder`: your own images, one sub-folder per class (torchvision's
 * `ImageFolder` layout), given as `root` or `--data-dir`. Its shape and classes are known once
 * opened (the descriptor's `sampleShape` is `[0, 0, 3]` and `numClasses` 0).
 *
 * @example
 * ```ts
 * const train = await sf.dataset('image-folder', { split: 'train', root: '/data/pets', resize: [64, 64] });
 * ```
 */
export const imageFolderDataset: ImageFolderDescriptor = {
  id: 'image-folder',
  description: 'Your own images, one sub-folder per class (torchvision ImageFolder layout: root/{train,test}/<class>/*.jpg or root/<class>/*), decoded once into a cache',
  options: imageFolderOptions,
  sampleShape: [0, 0, 3],
  numClasses: 0,
  async open(options) {
    const { common, own } = parseOpenOptions('image-folder', options, imageFolderOptions, IMAGE_SPLITS);
    const root = own.root ?? common.dataDir;
    if (root === undefined) throw new SpikeflowError('invalid-options', "dataset 'image-folder' needs the folder of images: give the option root or --data-dir");
    return openImageFolder({ ...own, root, split: common.split, onProgress: common.onProgress });
  },
};
