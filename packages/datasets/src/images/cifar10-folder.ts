import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SpikeflowError, type DatasetDescriptor, type DatasetOpenOptions } from '@spikeflow/core';
import { extractTar } from '../archive/extract-tar.js';
import { parseOpenOptions } from '../descriptors/open-options.js';
import { CIFAR10_CLASSES } from '../formats/cifar10/read-cifar10-bin.js';
import { checkDataDir, datasetSearchPath, type DataLocationOptions } from '../locate/search-path.js';
import { imageFolderOptions } from './image-folder-descriptor.js';
import type { ImageFolderDataset } from './image-folder-dataset.js';
import { imageCacheDir, openImageFolder } from './open-image-folder.js';

/** The archive `cifar10-folder` reads: CIFAR-10 re-encoded as JPEG, `cifar10-images/{train,test}/<class>/<n>.jpg`. */
export const cifar10ImagesArchive = { name: 'cifar10-images.tar.gz', folder: 'cifar10-images' } as const;

/** Options of `cifar10-folder`: those of `image-folder` that apply to a fixed dataset. */
export const cifar10FolderOptions = imageFolderOptions.pick({ resize: true, cacheDir: true, threads: true }).strict();

export type Cifar10FolderOptions = z.output<typeof cifar10FolderOptions>;

/** Options of {@link openCifar10Folder}. */
export interface OpenCifar10FolderOptions extends Cifar10FolderOptions, DataLocationOptions {
  readonly split: 'train' | 'test';
  readonly progress?: boolean;
  readonly onProgress?: DatasetOpenOptions['onProgress'];
}

/**
 * Find the CIFAR-10 image folder: an extracted `cifar10-images/` on the search path, else the
 * archive there, extracted once into the image cache folder (to a temporary folder renamed into
 * place when complete, so an interrupted extraction is never taken for a complete one).
 */
export async function locateCifar10Images(o: Omit<OpenCifar10FolderOptions, 'split'>): Promise<string> {
  const { name, folder } = cifar10ImagesArchive;
  if (o.dataDir) await checkDataDir('cifar10-folder', o.dataDir, `${name} or ${folder}/`);
  const tried: string[] = [];
  for (const place of datasetSearchPath('cifar10-folder', o)) {
    tried.push(`${place.dir} (${place.source})`);
    if (existsSync(join(place.dir, folder, 'train'))) return join(place.dir, folder);
    const archive = join(place.dir, name);
    const st = await stat(archive).catch(() => undefined);
    if (!st?.isFile()) continue;
    // Named by the archive's path, size and time: a replaced archive is extracted anew.
    const id = createHash('sha256')
      .update(JSON.stringify([archive, st.size, st.mtimeMs]))
      .digest('hex')
      .slice(0, 12);
    const target = join(imageCacheDir(o), 'extracted', `${folder}-${id}`);
    if (!existsSync(target)) {
      const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await extractTar(archive, tmp, { onProgress: (done, total) => o.onProgress?.({ phase: 'extract', done, total, file: archive }) });
        await mkdir(join(target, '..'), { recursive: true });
        await rename(tmp, target);
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        // Another process finished the same extraction first: use its copy.
        if (!existsSync(target)) throw e;
      }
    }
    return join(target, folder);
  }
  throw new SpikeflowError(
    'dataset-missing',
    `CIFAR-10 images (${name}, or ${folder}/ extracted from it) are not in any of: ${tried.join(', ')}; put the archive in one of them or pass --data-dir`,
    { dataset: 'cifar10-folder', searched: tried },
  );
}

/**
 * Open a split of CIFAR-10 as JPEG images (`cifar10-images.tar.gz`): extracted once, decoded
 * once into the image cache, then read as an image folder of 10 classes, 32x32x3.
 *
 * @example
 * ```ts
 * const test = await openCifar10Folder({ split: 'test', dataDir: '/data/cifar10-jpeg' });
 * test.length; // 10000
 * ```
 */
export async function openCifar10Folder(o: OpenCifar10FolderOptions): Promise<ImageFolderDataset> {
  const root = await locateCifar10Images(o);
  const ds = await openImageFolder({ ...o, root, name: 'cifar10-folder' });
  if (ds.classNames.join() !== CIFAR10_CLASSES.join()) {
    throw new SpikeflowError('dataset-corrupt', `CIFAR-10 image folder '${root}' has classes ${ds.classNames.join(', ')}; expected ${CIFAR10_CLASSES.join(', ')}`, { root });
  }
  return ds;
}

/** The `datasets/cifar10-folder` registry entry. */
export const cifar10FolderDataset: DatasetDescriptor<Cifar10FolderOptions> & { readonly classNames: readonly string[] } = {
  id: 'cifar10-folder',
  description: 'CIFAR-10 as JPEG image folders (cifar10-images.tar.gz): 32x32 colour images, 10 classes, 50000 train / 10000 test',
  options: cifar10FolderOptions,
  sampleShape: [32, 32, 3],
  numClasses: 10,
  classNames: CIFAR10_CLASSES,
  async open(options) {
    const { common, own } = parseOpenOptions('cifar10-folder', options, cifar10FolderOptions);
    return openCifar10Folder({ ...own, split: common.split, dataDir: common.dataDir, onProgress: common.onProgress });
  },
};
