import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SpikeflowError, type Dataset, type DatasetDescriptor, type DatasetOpenOptions } from '@spikeflow/core';
import { CIFAR10_CLASSES, readCifar10Bin, type Cifar10Batch } from '../formats/cifar10/read-cifar10-bin.js';
import { checkDataDir, datasetSearchPath } from '../locate/search-path.js';
import { checkSplit } from './open-options.js';
import { gatherBatch } from '../dataset/gather-batch.js';

/** The official archive (Krizhevsky 2009, "binary version"). MD5 from the dataset page; SHA-256 as published alongside it by other projects. */
export const cifar10Archive = {
  name: 'cifar-10-binary.tar.gz',
  urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
  size: 170052171,
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
} as const;

/** Batch files of each split, inside `cifar-10-batches-bin/`. */
export const cifar10SplitFiles = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
} as const;

/** CIFAR-10 images of one split in memory, NHWC uint8 scaled to [0, 1] on the way out. */
export class Cifar10Dataset implements Dataset {
  readonly name = 'cifar10';
  readonly sampleShape = [32, 32, 3] as const;
  readonly numClasses = 10;
  readonly classNames = CIFAR10_CLASSES;

  constructor(
    readonly split: string,
    private readonly data: Cifar10Batch,
    /** The batch files the images were read from. */
    readonly sources: readonly string[] = [],
  ) {}

  get length(): number {
    return this.data.count;
  }

  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
    const { images, labels } = this.data;
    return gatherBatch(indices, {
      what: `cifar10/${this.split}`,
      length: this.length,
      sampleSize: 3072,
      fill: (i, x, offset) => {
        const src = images.subarray(i * 3072, (i + 1) * 3072);
        for (let k = 0; k < 3072; k++) x[offset + k] = src[k]! / 255;
      },
      label: (i) => labels[i]!,
    });
  }
}

/**
 * Open a CIFAR-10 split from the binary batches found on the search path (a folder holding
 * `cifar-10-batches-bin/` or the `.bin` files themselves).
 *
 * @example
 * ```ts
 * const test = await openCifar10({ split: 'test', dataDir: '/data' });
 * ```
 */
export async function openCifar10(options: DatasetOpenOptions): Promise<Cifar10Dataset> {
  const names = cifar10SplitFiles[options.split];
  const tried: string[] = [];
  if (options.dataDir) await checkDataDir('cifar10', options.dataDir, `${names.join(', ')} (or cifar-10-batches-bin/ holding them)`);
  for (const folder of datasetSearchPath('cifar10', { dataDir: options.dataDir })) {
    for (const dir of [join(folder.dir, 'cifar-10-batches-bin'), folder.dir]) {
      tried.push(dir);
      if (!names.every((n) => existsSync(join(dir, n)))) continue;
      const parts = await Promise.all(names.map((n) => readCifar10Bin(join(dir, n))));
      const count = parts.reduce((a, p) => a + p.count, 0);
      const images = new Uint8Array(count * 3072);
      const labels = new Uint8Array(count);
      let at = 0;
      for (const p of parts) {
        images.set(p.images, at * 3072);
        labels.set(p.labels, at);
        at += p.count;
      }
      return new Cifar10Dataset(
        options.split,
        { count, images, labels },
        names.map((n) => join(dir, n)),
      );
    }
  }
  throw new SpikeflowError(
    'dataset-missing',
    `CIFAR-10 (${names.join(', ')}) is not in any of: ${tried.join(', ')}; download ${cifar10Archive.urls[0]} (md5 ${cifar10Archive.md5}) and extract it into one of them`,
    { searched: tried },
  );
}

/** The `datasets/cifar10` registry entry (static images, 50000 train / 10000 test). */
export const cifar10Dataset: DatasetDescriptor<Record<string, never>> & { readonly classNames: readonly string[] } = {
  id: 'cifar10',
  description: 'CIFAR-10 binary version: 32x32 colour images, 10 classes, 50000 train / 10000 test',
  options: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  sampleShape: [32, 32, 3],
  numClasses: 10,
  classNames: CIFAR10_CLASSES,
  async open(options) {
    checkSplit('cifar10', options.split);
    return openCifar10(options);
  },
};
