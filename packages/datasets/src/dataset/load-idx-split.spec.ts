import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { serve, startServer } from '../test-utils/http-server.js';
import { encodeIdx, labelOf, pixelOf, tinyFiles, tinySplit, tinySpec, TINY_COUNTS, writeFiles } from '../test-utils/idx-fixtures.js';
import { loadIdxSplit } from './load-idx-split.js';
import { openIdxDataset } from './open-idx-dataset.js';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});

async function put(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

const train = tinySplit('train', TINY_COUNTS.train);

describe('loadIdxSplit', () => {
  it('exposes the files it read as sources (so a run can say which copy it used)', async () => {
    const copy = path.join(dir, 'copy');
    await writeFiles(copy, [train.images, train.labels], 'gz');
    const ds = await openIdxDataset(tinySpec(), {
      split: 'train',
      dataDir: copy,
      download: false,
      env: {},
      cacheRoot: path.join(dir, 'cache'),
      systemRoot: path.join(dir, 'system'),
    });
    expect(ds.sources).toEqual([path.join(copy, 'train-images-idx3-ubyte.gz'), path.join(copy, 'train-labels-idx1-ubyte.gz')]);
  });

  it.each(['gz', 'raw'] as const)('loads a verified split from %s files', async (form) => {
    await writeFiles(dir, [train.images, train.labels], form);
    const suffix = form === 'gz' ? '.gz' : '';
    const ds = await loadIdxSplit(tinySpec(), 'train', { images: path.join(dir, `train-images-idx3-ubyte${suffix}`), labels: path.join(dir, `train-labels-idx1-ubyte${suffix}`) });
    expect(ds.length).toBe(TINY_COUNTS.train);
    expect(ds.name).toBe('tiny');
    expect(ds.split).toBe('train');
    expect(ds.sampleShape).toEqual([4, 4, 1]);
    expect(ds.numClasses).toBe(10);
    expect(ds.classNames).toHaveLength(10);
    expect(ds.labels[7]).toBe(labelOf(7));
    expect(ds.pixels[7 * 16 + 5]).toBe(pixelOf(7, 5));
  });

  it('refuses images and labels with different counts, naming both files', async () => {
    const images = await put('images', train.images.raw);
    const labels = await put(
      'labels',
      encodeIdx(
        [TINY_COUNTS.train - 1],
        Array.from({ length: TINY_COUNTS.train - 1 }, (_, i) => labelOf(i)),
      ),
    );
    const e = await expectSpikeflowError(loadIdxSplit(tinySpec(), 'train', { images, labels }, { verify: false }), 'dataset-corrupt');
    expect(e.message).toBe(`${images} has 30 images but ${labels} has 29 labels; expected one label per image`);
  });

  it('refuses a split with another sample count than the dataset has', async () => {
    const small = tinySplit('train', 10);
    const images = await put('images', small.images.raw);
    const labels = await put('labels', small.labels.raw);
    const e = await expectSpikeflowError(loadIdxSplit(tinySpec(), 'train', { images, labels }, { verify: false }), 'dataset-corrupt');
    expect(e.message).toMatch(/hold 10 samples; Tiny train has 30/);
  });

  it('refuses labels out of range, naming the file, the sample and the range', async () => {
    const images = await put('images', train.images.raw);
    const bad = Array.from({ length: TINY_COUNTS.train }, (_, i) => labelOf(i));
    bad[17] = 10;
    const labels = await put('labels', encodeIdx([TINY_COUNTS.train], bad));
    const e = await expectSpikeflowError(loadIdxSplit(tinySpec(), 'train', { images, labels }, { verify: false }), 'dataset-corrupt');
    expect(e.message).toBe(`${labels}: label 10 at sample 17 is out of range; expected 0..9`);
  });

  it('refuses images of another shape or type', async () => {
    const labels = await put('labels', train.labels.raw);
    const wide = await put('wide', encodeIdx([TINY_COUNTS.train, 4, 5], new Array(TINY_COUNTS.train * 20).fill(0)));
    expect((await expectSpikeflowError(loadIdxSplit(tinySpec(), 'train', { images: wide, labels }, { verify: false }), 'dataset-corrupt')).message).toContain(
      `${wide} is corrupt: dims are [30, 4, 5], expected [*, 4, 4]`,
    );
    const ints = await put(
      'ints',
      encodeIdx(
        [TINY_COUNTS.train],
        Array.from({ length: TINY_COUNTS.train }, (_, i) => labelOf(i)),
        'int32',
      ),
    );
    const images = await put('images', train.images.raw);
    expect((await expectSpikeflowError(loadIdxSplit(tinySpec(), 'train', { images, labels: ints }, { verify: false }), 'dataset-corrupt')).message).toContain(
      'element type is int32, expected uint8',
    );
  });

  it('verifies the decompressed content: a changed pixel is checksum-mismatch naming file, expected and actual', async () => {
    const edited = Buffer.from(train.images.raw);
    edited[16 + 3] ^= 1;
    const images = await put('train-images-idx3-ubyte.gz', gzipSync(edited));
    const labels = await put('train-labels-idx1-ubyte.gz', train.labels.gz);
    const spec = tinySpec();
    const e = await expectSpikeflowError(loadIdxSplit(spec, 'train', { images, labels }), 'checksum-mismatch');
    expect(e.message).toContain(`${images} (decompressed IDX bytes): SHA-256 mismatch, expected ${spec.splits.train.images.content!.sha256}`);
    expect(e.message).toMatch(/, got [0-9a-f]{64}\. The file is not the official one/);
    expect(e.details).toMatchObject({ file: images, algorithm: 'sha256', expected: spec.splits.train.images.content!.sha256 });
    // Structure is fine, so verify: false loads it.
    expect((await loadIdxSplit(spec, 'train', { images, labels }, { verify: false })).length).toBe(30);
  });

  it('accepts a recompressed copy when the content digest is known', async () => {
    const images = await put('images.gz', gzipSync(train.images.raw, { level: 1 }));
    const labels = await put('labels.gz', gzipSync(train.labels.raw, { level: 9 }));
    expect((await loadIdxSplit(tinySpec(), 'train', { images, labels })).length).toBe(30);
  });

  it('with only an archive MD5 (like MNIST): checks the original .gz, refuses a recompressed one, reads raw copies structurally', async () => {
    const spec = tinySpec({ checksums: 'archive-md5' });
    const labels = await put('labels.gz', train.labels.gz);
    const original = await put('images.gz', train.images.gz);
    expect((await loadIdxSplit(spec, 'train', { images: original, labels })).length).toBe(30);
    const recompressed = await put('images-level1.gz', gzipSync(train.images.raw, { level: 1 }));
    const e = await expectSpikeflowError(loadIdxSplit(spec, 'train', { images: recompressed, labels }), 'checksum-mismatch');
    expect(e.message).toContain(`${recompressed} (gzip file): MD5 mismatch, expected ${spec.splits.train.images.archive.md5}`);
    expect(e.message).toContain('verify: false');
    const raw = await put('images.raw', train.images.raw);
    expect((await loadIdxSplit(spec, 'train', { images: raw, labels })).length).toBe(30);
  });
});

describe('openIdxDataset', () => {
  it('downloads from a local mirror into the cache and loads the split', async () => {
    const files = tinyFiles();
    const server = await startServer(Object.fromEntries(files.map((f) => [`/${f.name}.gz`, serve(f.gz)])));
    try {
      const options = { split: 'test' as const, env: {}, cacheRoot: path.join(dir, 'cache'), systemRoot: path.join(dir, 'system'), mirrors: [server.base], onProgress: () => {} };
      const ds = await openIdxDataset(tinySpec(), options);
      expect(ds.length).toBe(TINY_COUNTS.test);
      expect(Array.from(ds.labels)).toEqual(Array.from({ length: TINY_COUNTS.test }, (_, i) => labelOf(i)));
      expect(server.requests).toEqual(['/t10k-images-idx3-ubyte.gz', '/t10k-labels-idx1-ubyte.gz']);
      await openIdxDataset(tinySpec(), { ...options, download: false });
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('reads from the system folder with downloading off', async () => {
    await writeFiles(path.join(dir, 'system', 'tiny'), tinyFiles());
    const ds = await openIdxDataset(tinySpec(), { split: 'train', env: {}, cacheRoot: path.join(dir, 'cache'), systemRoot: path.join(dir, 'system'), download: false });
    expect(ds.length).toBe(TINY_COUNTS.train);
  });
});
