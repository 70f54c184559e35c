import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchEventDataset } from './fetch-event-dataset.js';
import { openEventDataset } from './open-event-dataset.js';
import { nMnistSpec } from '../descriptors/neuromorphic/n-mnist.js';
import { dvs128GestureSpec } from '../descriptors/neuromorphic/dvs128-gesture.js';
import { randomEvents, tempDir, writeNmnistBin } from '../test-utils/event-writers.js';
import { writeZip } from '../test-utils/zip-writer.js';
import { startServer } from '../test-utils/http-server.js';

describe('fetchEventDataset', () => {
  it('downloads the archives, checks their MD5, extracts them and opens the split; a second open needs no download', async () => {
    const dir = await tempDir();
    const sample = join(dir, 's.bin');
    await writeNmnistBin(sample, randomEvents(100, 34, 34, 1));
    const bin = readFileSync(sample);
    const train = await writeZip(join(dir, 'Train.zip'), [{ name: 'Train/3/00001.bin', data: bin }, { name: 'Train/7/00002.bin', data: bin }]);
    const test = await writeZip(join(dir, 'Test.zip'), [{ name: 'Test/1/00001.bin', data: bin }]);
    const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
    // The real spec with this test's archives' MD5s (the addresses come from `mirror`).
    const spec = { ...nMnistSpec, files: [{ ...nMnistSpec.files[0]!, md5: md5(train) }, { ...nMnistSpec.files[1]!, md5: md5(test) }] };
    const server = await startServer({
      '/Train.zip': (_req, res) => res.end(train),
      '/Test.zip': (_req, res) => res.end(test),
    });
    try {
      const dataDir = join(dir, 'data');
      const ds = await openEventDataset(spec, { split: 'train', dataDir, download: true, mirror: server.base, cacheDir: join(dir, 'frames'), threads: 0, progress: false });
      expect(ds.length).toBe(2);
      expect([ds.label(0), ds.label(1)]).toEqual([3, 7]);
      expect(server.requests).toEqual(['/Train.zip']);
      await openEventDataset(spec, { split: 'train', dataDir, download: true, mirror: server.base, cacheDir: join(dir, 'frames'), threads: 0, progress: false });
      expect(server.requests).toEqual(['/Train.zip']);
      // A wrong checksum is refused.
      const wrong = { ...spec, files: [spec.files[0]!, { ...spec.files[1]!, md5: '0'.repeat(32) }] };
      await expect(fetchEventDataset(wrong, { split: 'test', dataDir: join(dir, 'other'), mirror: server.base })).rejects.toMatchObject({ kind: 'checksum-mismatch' });
    } finally {
      await server.close();
    }
  });

  it('says how to get a dataset that needs a browser', async () => {
    const dir = await tempDir();
    await expect(fetchEventDataset(dvs128GestureSpec, { dataDir: dir })).rejects.toThrow(/cannot be downloaded automatically.*DvsGesture\.tar\.gz/);
  });
});
