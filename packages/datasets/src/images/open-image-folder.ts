import { basename, join, resolve } from 'node:path';
import { SpikeflowError } from '@spikeflow/core';
import { seededClassSplit } from '../event-dataset/seeded-split.js';
import { defaultCacheRoot, type DataLocationOptions } from '../locate/search-path.js';
import { buildImageCache, type ImageDecodeOptions } from './build-image-cache.js';
import { ImageFolderDataset } from './image-folder-dataset.js';
import { imageFolderLayout, listClassFolder, type ClassFolder, type ImageSplit } from './list-image-folder.js';

/** Options of {@link openImageFolder}. */
export interface OpenImageFolderOptions extends ImageDecodeOptions, Pick<DataLocationOptions, 'env' | 'cacheRoot'> {
  /** The image folder: `<root>/{train,test[,valid]}/<class>/<image>` or `<root>/<class>/<image>`. */
  readonly root: string;
  readonly split: ImageSplit;
  /** The dataset's name in messages and cache file names (default: the folder's name). */
  readonly name?: string;
  /** Share of each class held out as the test split of a folder without split sub-folders (default 0.2). */
  readonly testFraction?: number;
  /** Seed of that split (default 0). */
  readonly seed?: number;
  /** Folder of decoded-image caches (default `<user cache>/images`). */
  readonly cacheDir?: string;
  /** Progress of decoding, as phase `decode`. */
  readonly onProgress?: (event: { phase: string; done: number; total?: number; file?: string }) => void;
}

/** The default cache folder of decoded images: `<user cache>/images`. */
export function imageCacheDir(o: Pick<OpenImageFolderOptions, 'cacheDir' | 'cacheRoot' | 'env'> = {}): string {
  return o.cacheDir ?? join(o.cacheRoot ?? defaultCacheRoot(o.env ?? process.env), 'images');
}

/** The images of one split of the folder at `root` (absolute). */
async function listSplit(root: string, o: OpenImageFolderOptions): Promise<ClassFolder> {
  const layout = await imageFolderLayout(root);
  if (layout.kind === 'splits') {
    const dir = layout.splits[o.split];
    if (dir === undefined) {
      throw new SpikeflowError(
        'dataset-missing',
        `image folder '${root}' has no ${o.split} split (expected ${join(root, o.split === 'valid' ? 'valid or val' : o.split)}/<class>/…)`,
        {
          root,
        },
      );
    }
    // Every split is labelled with the train split's classes, so label k means the same class in each.
    const classNames = o.split === 'train' ? undefined : (await listClassFolder(layout.splits.train!)).classNames;
    return listClassFolder(dir, classNames);
  }
  if (o.split === 'valid') {
    throw new SpikeflowError('invalid-options', `image folder '${root}' has no split sub-folders, so no valid split; use train/test (a seeded split by testFraction)`);
  }
  const all = await listClassFolder(layout.dir);
  const fraction = o.testFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new SpikeflowError('invalid-options', `testFraction must be between 0 and 1 (exclusive), got ${fraction}`);
  const parts = seededClassSplit(
    all.images.map((im) => im.label),
    1 - fraction,
    o.seed ?? 0,
  );
  return { classNames: all.classNames, images: parts[o.split].map((i) => all.images[i]!) };
}

/**
 * Open one split of a folder of images, one sub-folder per class, as torchvision's `ImageFolder`
 * reads it: classes are the sorted sub-folder names, images their sorted `.jpg`/`.jpeg`/`.png`
 * files. Splits come from `train/`, `test/` (and `valid/` or `val/`) sub-folders when `train/`
 * exists, else from a seeded per-class split of `<root>/<class>/…`. Images are decoded with sharp
 * (pixel-identical to PIL) into an on-disk cache once; later opens and epochs read the cache.
 *
 * @throws SpikeflowError `dataset-missing` for a missing folder or split; `dataset-corrupt` naming an
 *   image that does not decode or (without `resize`) has another size; `not-supported` without sharp.
 * @example
 * ```ts
 * const train = await openImageFolder({ root: '/data/pets', split: 'train', resize: [64, 64] });
 * train.sampleShape; // [64, 64, 3]
 * ```
 */
export async function openImageFolder(o: OpenImageFolderOptions): Promise<ImageFolderDataset> {
  const root = resolve(o.root);
  const name = o.name ?? basename(root);
  const { classNames, images } = await listSplit(root, o);
  const r = await buildImageCache({
    cacheDir: imageCacheDir(o),
    dataset: name,
    split: o.split,
    root,
    images,
    classNames,
    resize: o.resize,
    threads: o.threads,
    progress: o.progress,
    onProgress: o.onProgress ? (done, total) => o.onProgress!({ phase: 'decode', done, total }) : undefined,
  });
  return new ImageFolderDataset({ name, split: o.split, data: r.data, cacheFile: r.file, sources: images.map((im) => im.file) });
}
