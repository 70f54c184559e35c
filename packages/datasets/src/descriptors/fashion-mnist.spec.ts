// Tests on the real Fashion-MNIST files of Debian's dataset-fashion-mnist package. They are skipped
// (with the reason in the test name) where the package is not installed.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createSpikeflow, SpikeflowError } from '@spikeflow/core';
import { tempDir } from '@spikeflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdxDataset } from '../dataset/idx-dataset.js';
import { openIdxDataset } from '../dataset/open-idx-dataset.js';
import { resolveSplitFiles } from '../locate/resolve-split-files.js';
import { datasets } from '../plugin.js';
import { serve, startServer, type TestServer } from '../test-utils/http-server.js';
import { fashionMnistSpec as spec } from './fashion-mnist.js';
import { splitFiles } from './idx-dataset-spec.js';

const DIR = '/usr/share/datasets/fashion-mnist';
const FILES = [...splitFiles(spec, 'train'), ...splitFiles(spec, 'test')];
const installed = FILES.every((f) => existsSync(path.join(DIR, `${f.name}.gz`)));
const hash = (alg: 'md5' | 'sha256', b: Uint8Array) => createHash(alg).update(b).digest('hex');

/** Upstream gzip mtimes of the official files (recovered by matching the README MD5s). */
const UPSTREAM_MTIME: Record<string, number> = {
  'train-images-idx3-ubyte': 1504176606,
  'train-labels-idx1-ubyte': 1504176606,
  't10k-images-idx3-ubyte': 1504176627,
  't10k-labels-idx1-ubyte': 1504176627,
};

/**
 * Debian's files carry the official deflate streams under a header without the file name. Putting
 * the upstream header back (FNAME flag, mtime, XFL 0, OS 3, name) rebuilds the official archive.
 */
function officialArchive(name: string): Buffer {
  const debian = readFileSync(path.join(DIR, `${name}.gz`));
  expect(debian[3], 'Debian header has no optional fields').toBe(0);
  const header = Buffer.from([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3]);
  header.writeUInt32LE(UPSTREAM_MTIME[name], 4);
  return Buffer.concat([header, Buffer.from(`${name}\0`, 'latin1'), debian.subarray(10)]);
}

describe.skipIf(!installed)(`real Fashion-MNIST in ${DIR} (skipped unless \`apt-get install dataset-fashion-mnist\`)`, () => {
  let train: IdxDataset;
  let test: IdxDataset;
  beforeAll(async () => {
    const sf = createSpikeflow({ plugins: [datasets()] });
    train = (await sf.dataset('fashion-mnist', { split: 'train', dataDir: DIR, download: false })) as IdxDataset;
    test = (await sf.dataset('fashion-mnist', { split: 'test', dataDir: DIR, download: false })) as IdxDataset;
  });

  it('loads 60000 train and 10000 test samples of [28, 28, 1] with the class names', () => {
    expect(train.length).toBe(60000);
    expect(test.length).toBe(10000);
    expect(train.sampleShape).toEqual([28, 28, 1]);
    expect(train.classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  });

  it('has labels in 0..9, 6000 per class in train and 1000 per class in test', () => {
    expect(Math.max(...train.labels)).toBe(9);
    expect(Math.min(...train.labels)).toBe(0);
    expect(train.classCounts()).toEqual(new Array(10).fill(6000));
    expect(test.classCounts()).toEqual(new Array(10).fill(1000));
  });

  it('gives batches in [0, 1] with the known mean pixel of the training set (0.2860)', () => {
    let sum = 0;
    for (let i = 0; i < train.pixels.length; i++) sum += train.pixels[i];
    expect(sum / train.pixels.length / 255).toBeCloseTo(0.286, 3);
    const { x, y } = train.getBatch([0, 59999]);
    expect(x.length).toBe(2 * 784);
    expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    expect(Array.from(y)).toEqual([train.labels[0], train.labels[59999]]);
  });

  it('matches the stored content SHA-256 of every decompressed file', () => {
    for (const f of FILES) {
      const raw = gunzipSync(readFileSync(path.join(DIR, `${f.name}.gz`)));
      expect(raw.length, f.name).toBe(f.content!.size);
      expect(hash('sha256', raw), f.name).toBe(f.content!.sha256);
    }
  });

  it('rebuilds the official archives: README MD5, stored SHA-256 and size all match', () => {
    for (const f of FILES) {
      const official = officialArchive(f.name);
      expect(official.length, f.name).toBe(f.archive.size);
      expect(hash('md5', official), f.name).toBe(f.archive.md5);
      expect(hash('sha256', official), f.name).toBe(f.archive.sha256);
      // Debian's own .gz differs from the archive (only the header), which is why local files are checked by content.
      expect(hash('md5', readFileSync(path.join(DIR, `${f.name}.gz`))), f.name).not.toBe(f.archive.md5);
    }
  });

  it('is found in /usr/share/datasets by the default search path', async () => {
    const empty = await tempDir();
    try {
      const found = await resolveSplitFiles(spec, 'test', { env: {}, cacheRoot: empty, download: false });
      expect(found.folder).toEqual({ dir: DIR, source: 'system' });
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });

  describe('downloads from a 127.0.0.1 mirror (system folder hidden)', () => {
    let server: TestServer;
    let dir: string;
    beforeAll(async () => {
      const routes = Object.fromEntries(FILES.filter((f) => f.name.startsWith('t10k')).map((f) => [`/official/${f.name}.gz`, serve(officialArchive(f.name))]));
      routes['/debian/t10k-images-idx3-ubyte.gz'] = serve(readFileSync(path.join(DIR, 't10k-images-idx3-ubyte.gz')));
      server = await startServer(routes);
      dir = await tempDir();
    });
    const hidden = () => ({ env: {}, cacheRoot: path.join(dir, 'cache'), systemRoot: path.join(dir, 'system') });
    afterAll(async () => {
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('verifies the official archives and loads the test split', async () => {
      const events: string[] = [];
      const target = path.join(dir, 'good');
      await fs.mkdir(target); // an explicit data folder must exist
      const ds = await openIdxDataset(spec, {
        ...hidden(),
        split: 'test',
        dataDir: target,
        mirrors: [`${server.base}official/`],
        onProgress: (e) => events.push(`${e.phase}:${e.file}`),
      });
      expect(ds.length).toBe(10000);
      expect((await fs.readdir(target)).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
      expect(new Set(events)).toEqual(new Set(['download:t10k-images-idx3-ubyte.gz', 'download:t10k-labels-idx1-ubyte.gz']));
    });

    it('refuses a mirror serving other bytes (Debian recompressed file) with checksum-mismatch and keeps nothing', async () => {
      const target = path.join(dir, 'bad');
      await fs.mkdir(target);
      const e = await openIdxDataset(spec, { ...hidden(), split: 'test', dataDir: target, mirrors: [`${server.base}debian/`], onProgress: () => {} }).then(
        () => expect.unreachable(),
        (err: unknown) => err as SpikeflowError,
      );
      expect(SpikeflowError.is(e, 'checksum-mismatch')).toBe(true);
      expect(e.message).toContain(path.join(target, 't10k-images-idx3-ubyte.gz'));
      expect(e.message).toContain(spec.splits.test.images.archive.sha256!);
      expect(await fs.readdir(target)).toEqual([]);
    });
  });
});
