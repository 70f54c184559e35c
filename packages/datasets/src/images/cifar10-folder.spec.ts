import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { CIFAR10_CLASSES } from '../formats/cifar10/read-cifar10-bin.js';
import { cifar10FolderDataset, openCifar10Folder } from './cifar10-folder.js';
import { listClassFolder } from './list-image-folder.js';
import { openImageFolder } from './open-image-folder.js';
import { extractCifarSubset, havePil, packTarGz, pilRgb, realImagesMissing } from './test-utils/image-fixtures.js';

const missing = realImagesMissing();
if (missing) console.warn(`skipping the real CIFAR-10 JPEG tests: ${missing}`);
const PER_CLASS = 10;

describe.skipIf(missing !== undefined)('cifar10-folder on real JPEGs (a subset of the shared archive)', () => {
  const dir = tempDir('sf-cifar10-folder-');
  const images = join(dir, 'cifar10-images');
  const dataDir = join(dir, 'data');

  beforeAll(async () => {
    extractCifarSubset(dir, PER_CLASS);
    // The same layout as the shared archive, with 200 of its 60,000 images.
    await mkdir(dataDir);
    packTarGz(join(dataDir, 'cifar10-images.tar.gz'), dir, 'cifar10-images');
  });

  it.skipIf(!havePil())('decodes each JPEG to the same bytes as PIL (torchvision loader)', async () => {
    const ds = await openImageFolder({ root: images, split: 'test', cacheDir: join(dir, 'pil-cache'), progress: false });
    const files = (await listClassFolder(join(images, 'test'))).images.map((im) => im.file);
    expect(files).toHaveLength(10 * PER_CLASS);
    const want = pilRgb(files);
    const { x } = ds.getBatch(files.map((_, i) => i));
    expect(want.length).toBe(x.length);
    const got = Uint8Array.from(x, (v) => Math.round(v * 255));
    const differing = got.reduce((n, v, i) => n + (v === want[i] ? 0 : 1), 0);
    expect(differing).toBe(0);
    // And the floats are exactly PIL's bytes / 255 (torchvision's ToTensor).
    const scaled = Float32Array.from(want, (v) => v / 255);
    expect(x.every((v, i) => v === scaled[i])).toBe(true);
  });

  it('extracts the archive once into the cache and opens train and test as 10 classes of 32x32x3', async () => {
    const cacheDir = join(dir, 'cache');
    const train = await cifar10FolderDataset.open({ split: 'train', dataDir, cacheDir, threads: 0 });
    const test = await cifar10FolderDataset.open({ split: 'test', dataDir, cacheDir, threads: 0 });
    for (const ds of [train, test]) {
      expect(ds.length).toBe(10 * PER_CLASS);
      expect(ds.sampleShape).toEqual([32, 32, 3]);
      expect(ds.classNames).toEqual(CIFAR10_CLASSES);
      const { y } = ds.getBatch(Array.from({ length: ds.length }, (_, i) => i));
      expect([...y]).toEqual(CIFAR10_CLASSES.flatMap((_, c) => Array<number>(PER_CLASS).fill(c)));
    }
    const extracted = await readdir(join(cacheDir, 'extracted'));
    expect(extracted).toHaveLength(1); // no temporary folder left
    const before = await stat(join(cacheDir, 'extracted', extracted[0]!));
    const caches = (await readdir(cacheDir)).filter((f) => f.endsWith('.sfimg'));
    expect(caches.sort()).toEqual([expect.stringMatching(/^cifar10-folder-test-[0-9a-f]{12}\.sfimg$/), expect.stringMatching(/^cifar10-folder-train-[0-9a-f]{12}\.sfimg$/)]);
    const phases: string[] = [];
    const again = await openCifar10Folder({ split: 'train', dataDir, cacheDir, onProgress: (e) => phases.push(e.phase) });
    expect(phases).toEqual([]); // neither extracted nor decoded again
    expect((await stat(join(cacheDir, 'extracted', extracted[0]!))).mtimeMs).toBe(before.mtimeMs);
    expect(again.getBatch([5, 50]).x).toEqual(train.getBatch([5, 50]).x);
  });

  it('reads an already extracted cifar10-images/ folder in place', async () => {
    const cacheDir = join(dir, 'in-place');
    const ds = await openCifar10Folder({ split: 'test', dataDir: dir, cacheDir, progress: false });
    expect(ds.length).toBe(10 * PER_CLASS);
    expect(await readdir(cacheDir)).not.toContain('extracted');
  });

  it('says where it looked when the archive is nowhere', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expectSpikeflowError(openCifar10Folder({ split: 'test', dataDir: empty, cacheDir: join(dir, 'x') }), 'dataset-missing', 'cifar10-images.tar.gz');
  });
});
