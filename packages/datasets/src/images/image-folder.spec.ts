import { copyFile, mkdir, readdir, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { buildImageCache } from './build-image-cache.js';
import { imageFolderDataset } from './image-folder-descriptor.js';
import { listClassFolder } from './list-image-folder.js';
import { loadSharp } from './load-sharp.js';
import { openImageFolder } from './open-image-folder.js';
import { expectedRgb, patternImage, writeCorrupt, writePng, type TestImage } from './test-utils/image-fixtures.js';

const dir = tempDir('sf-image-folder-');
const root = join(dir, 'pets');
const H = 5;
const W = 4;
// The train split in the order torchvision's ImageFolder lists it, and what each file holds.
const train: [string, TestImage][] = [
  ['cat/a.png', patternImage(H, W, 1, 10)], // grey: repeated into RGB
  ['cat/b.png', patternImage(H, W, 3, 20)],
  ['dog/x.png', patternImage(H, W, 4, 30)], // RGBA: alpha dropped
  ['dog/nested/y.png', patternImage(H, W, 2, 40)], // grey + alpha
];

beforeAll(async () => {
  for (const [name, image] of train) await writePng(join(root, 'train', name), image);
  await writeCorrupt(join(root, 'train', 'cat', '.hidden.png')); // hidden: never read
  await mkdir(join(root, 'train', '.cache', 'x'), { recursive: true }); // hidden folder: not a class
  await writeFile(join(root, 'train', 'dog', 'notes.txt'), 'not an image');
  await writePng(join(root, 'test', 'dog', 'd.png'), patternImage(H, W, 3, 50));
  await writePng(join(root, 'val', 'cat', 'e.png'), patternImage(H, W, 3, 60));
});

function open(split: 'train' | 'test' | 'valid', extra: Partial<Parameters<typeof openImageFolder>[0]> = {}): ReturnType<typeof openImageFolder> {
  return openImageFolder({ root, split, cacheDir: join(dir, 'cache'), progress: false, ...extra });
}

describe('image folders', () => {
  it('lists classes and files as torchvision ImageFolder does, skipping hidden and non-image files', async () => {
    const listed = await listClassFolder(join(root, 'train'));
    expect(listed.classNames).toEqual(['cat', 'dog']);
    expect(listed.images.map((im) => [im.file.slice(root.length + 7), im.label])).toEqual(train.map(([name]) => [name, name.startsWith('cat') ? 0 : 1]));
  });

  it('decodes to RGB, NHWC float32 in [0, 1], with labels and class names', async () => {
    const ds = await open('train');
    expect(ds.length).toBe(4);
    expect(ds.sampleShape).toEqual([H, W, 3]);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(ds.numClasses).toBe(2);
    expect(ds.sources).toEqual(train.map(([name]) => join(root, 'train', name)));
    const { x, y } = ds.getBatch([3, 0, 2, 1]);
    expect([...y]).toEqual([1, 0, 1, 0]);
    const want = [3, 0, 2, 1].flatMap((i) => [...expectedRgb(train[i]![1])].map((v) => v / 255));
    expect([...x]).toEqual(want.map(Math.fround));
  });

  it('gives per-channel mean and std of the split, from a direct sum over its pixels', async () => {
    const ds = await open('train');
    const rgb = train.map(([, im]) => expectedRgb(im));
    for (let c = 0; c < 3; c++) {
      const values = rgb.flatMap((px) => [...px].filter((_, i) => i % 3 === c).map((v) => v / 255));
      const mean = values.reduce((a, v) => a + v, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
      expect(ds.channelStats().mean[c]).toBeCloseTo(mean, 12);
      expect(ds.channelStats().std[c]).toBeCloseTo(std, 12);
    }
  });

  it('follows symbolic links to class folders, as torchvision does', async () => {
    const linked = join(dir, 'linked');
    await mkdir(linked);
    await symlink(join(root, 'train', 'dog'), join(linked, 'dog'));
    await symlink(linked, join(root, 'train', 'dog', 'loop')).catch(() => {}); // a loop is walked once
    const listed = await listClassFolder(linked);
    expect(listed.classNames).toEqual(['dog']);
    expect(listed.images.map((im) => im.file.slice(linked.length + 1))).toEqual(['dog/x.png', 'dog/nested/y.png']);
    await rm(join(root, 'train', 'dog', 'loop'));
  });

  it('labels the test and valid splits with the train classes', async () => {
    const test = await open('test');
    expect([...test.getBatch([0]).y]).toEqual([1]);
    expect(test.classNames).toEqual(['cat', 'dog']);
    const valid = await open('valid');
    expect([...valid.getBatch([0]).y]).toEqual([0]);
  });

  it('decodes on worker threads to the same bytes as on this thread', async () => {
    const images = (await listClassFolder(join(root, 'train'))).images;
    const base = { dataset: 'pets', split: 'train', root, images, classNames: ['cat', 'dog'], progress: false };
    const here = await buildImageCache({ ...base, cacheDir: join(dir, 'threads-0'), threads: 0 });
    const workers = await buildImageCache({ ...base, cacheDir: join(dir, 'threads-2'), threads: 2, chunk: 1 });
    expect(here.threads).toBe(0);
    expect(workers.threads).toBe(2);
    expect(workers.data.pixels).toEqual(here.data.pixels);
  });

  it('reuses a complete cache without decoding, and builds a new one when a file changes', async () => {
    const cacheDir = join(dir, 'reuse');
    const images = (await listClassFolder(join(root, 'train'))).images;
    const base = { cacheDir, dataset: 'pets', split: 'train', root, images, classNames: ['cat', 'dog'], progress: false, threads: 0 };
    let decoded = 0;
    const first = await buildImageCache({ ...base, onProgress: (done) => (decoded = done) });
    expect(first.built).toBe(true);
    expect(decoded).toBe(4);
    const mtime = (await stat(first.file)).mtimeMs;
    decoded = 0;
    const again = await buildImageCache({ ...base, onProgress: (done) => (decoded = done) });
    expect(again.built).toBe(false);
    expect(decoded).toBe(0);
    expect(again.file).toBe(first.file);
    expect((await stat(first.file)).mtimeMs).toBe(mtime);
    expect(again.data.pixels).toEqual(first.data.pixels);
    expect([...again.data.labels]).toEqual([0, 0, 1, 1]);

    // A changed file (size or time) is a new key: a new cache file.
    const copy = join(dir, 'pets-copy');
    for (const [name] of train) {
      await mkdir(join(copy, 'train', name, '..'), { recursive: true });
      await copyFile(join(root, 'train', name), join(copy, 'train', name));
    }
    const copied = (await listClassFolder(join(copy, 'train'))).images;
    const other = await buildImageCache({ ...base, root: copy, images: copied });
    expect(other.built).toBe(true);
    await writePng(join(copy, 'train', 'cat', 'a.png'), patternImage(H, W, 1, 99));
    const changed = await buildImageCache({ ...base, root: copy, images: copied });
    expect(changed.built).toBe(true);
    expect(changed.file).not.toBe(other.file);
    expect(changed.data.pixels).not.toEqual(other.data.pixels);
  });

  it('reports progress as phase decode', async () => {
    const events: { phase: string; done: number; total?: number }[] = [];
    await open('train', { cacheDir: join(dir, 'progress'), onProgress: (e) => events.push(e) });
    expect(events.at(-1)).toEqual({ phase: 'decode', done: 4, total: 4 });
  });

  it('splits a folder without split sub-folders per class, by seed', async () => {
    const flat = join(dir, 'flat');
    for (let i = 0; i < 10; i++) await writePng(join(flat, i < 6 ? 'a' : 'b', `${i}.png`), patternImage(2, 2, 3, i));
    const o = { root: flat, cacheDir: join(dir, 'flat-cache'), progress: false, testFraction: 0.5 };
    const tr = await openImageFolder({ ...o, split: 'train' });
    const te = await openImageFolder({ ...o, split: 'test' });
    expect([tr.length, te.length]).toEqual([5, 5]);
    expect([...tr.labels].sort()).toEqual([0, 0, 0, 1, 1]);
    const firstBytes = (d: typeof tr): number[] => Array.from({ length: d.length }, (_, i) => Math.round(d.getBatch([i]).x[0]! * 255));
    // Every image lands in exactly one split.
    expect([...firstBytes(tr), ...firstBytes(te)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const again = await openImageFolder({ ...o, split: 'train' });
    expect(firstBytes(again)).toEqual(firstBytes(tr));
    const seeds = await Promise.all([1, 2, 3].map(async (seed) => firstBytes(await openImageFolder({ ...o, seed, split: 'train' })).join()));
    expect(new Set([firstBytes(tr).join(), ...seeds]).size).toBeGreaterThan(1);
    await expectSpikeflowError(openImageFolder({ ...o, split: 'valid' }), 'invalid-options', 'no valid split');
  });

  it('names an image that does not decode, and leaves no cache behind', async () => {
    const bad = join(dir, 'bad');
    await writePng(join(bad, 'train', 'a', '0.png'), patternImage(H, W, 3, 1));
    await writeCorrupt(join(bad, 'train', 'a', '1.png'));
    const cacheDir = join(dir, 'bad-cache');
    for (const threads of [0, 1]) {
      await expectSpikeflowError(openImageFolder({ root: bad, split: 'train', cacheDir, progress: false, threads }), 'dataset-corrupt', join(bad, 'train', 'a', '1.png'));
    }
    expect(await readdir(cacheDir).catch(() => [])).toEqual([]);
  });

  it('refuses images of different sizes naming the first odd file, or resizes them all', async () => {
    const odd = join(dir, 'odd');
    await writePng(join(odd, 'train', 'a', '0.png'), patternImage(H, W, 3, 1));
    await writePng(join(odd, 'train', 'a', '1.png'), patternImage(H, W, 3, 2));
    await writePng(join(odd, 'train', 'b', '2.png'), patternImage(7, 3, 3, 3));
    await writePng(join(odd, 'train', 'b', '3.png'), patternImage(8, 8, 3, 4));
    const o = { root: odd, split: 'train' as const, cacheDir: join(dir, 'odd-cache'), progress: false };
    const err = await expectSpikeflowError(openImageFolder(o), 'dataset-corrupt', `'${join(odd, 'train', 'b', '2.png')}' is 7x3`);
    expect(err.message).toContain(`is ${H}x${W}`);
    expect(err.message).toContain('2 files differ');
    expect(err.message).toContain('resize');
    expect(err.details).toMatchObject({ file: join(odd, 'train', 'b', '2.png'), size: '7x3', differing: 2 });
    const resized = await openImageFolder({ ...o, resize: [6, 6] });
    expect(resized.sampleShape).toEqual([6, 6, 3]);
    expect(resized.length).toBe(4);
  });

  it('writes the cache atomically: a temporary or cut file is never taken for a cache', async () => {
    const cacheDir = join(dir, 'atomic');
    const images = (await listClassFolder(join(root, 'train'))).images;
    const base = { cacheDir, dataset: 'pets', split: 'train', root, images, classNames: ['cat', 'dog'], progress: false, threads: 0 };
    const built = await buildImageCache(base);
    expect(await readdir(cacheDir)).toEqual([built.file.slice(cacheDir.length + 1)]);
    // An interrupted build leaves at most a .tmp file, which is not the cache: a rebuild happens.
    await rm(built.file);
    await writeFile(`${built.file}.123.abcd.tmp`, 'partial');
    expect((await buildImageCache(base)).built).toBe(true);
    // A cache cut short (not written by us) is reported, not read.
    await truncate(built.file, (await stat(built.file)).size - 1);
    await expectSpikeflowError(buildImageCache(base), 'dataset-corrupt', 'delete it to rebuild it');
  });

  it('is the datasets/image-folder descriptor, taking root or --data-dir', async () => {
    const cacheDir = join(dir, 'cache');
    const byRoot = await imageFolderDataset.open({ split: 'train', root, cacheDir });
    const byDir = await imageFolderDataset.open({ split: 'train', dataDir: root, cacheDir });
    expect(byDir.getBatch([0, 1, 2, 3]).x).toEqual(byRoot.getBatch([0, 1, 2, 3]).x);
    await expectSpikeflowError(imageFolderDataset.open({ split: 'train' }), 'invalid-options', 'root or --data-dir');
    await expectSpikeflowError(imageFolderDataset.open({ split: 'train', root, resize: [0, 3] }), 'invalid-options', 'resize');
    await expectSpikeflowError(imageFolderDataset.open({ split: 'validation' as 'valid', root }), 'invalid-options', `split must be 'train', 'test' or 'valid', got "validation"`);
    await expectSpikeflowError(imageFolderDataset.open({ split: 'test', root: join(dir, 'nowhere') }), 'dataset-missing', join(dir, 'nowhere'));
  });
});

describe('without sharp', () => {
  it('says to install it', async () => {
    const noSharp = (): Promise<never> => Promise.reject(new Error("Cannot find package 'sharp'"));
    await expectSpikeflowError(loadSharp(noSharp), 'not-supported', 'npm install sharp');
    expect(typeof (await loadSharp())).toBe('function');
  });
});
