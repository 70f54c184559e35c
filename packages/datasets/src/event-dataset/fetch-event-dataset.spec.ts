import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { fetchEventDataset } from './fetch-event-dataset.js';
import { openEventDataset } from './open-event-dataset.js';
import { nMnistSpec } from '../descriptors/neuromorphic/n-mnist.js';
import { dvs128GestureSpec } from '../descriptors/neuromorphic/dvs128-gesture.js';
import { randomEvents, writeGestureTrial, writeNmnistBin } from '../test-utils/event-writers.js';
import { writeZip } from '../test-utils/zip-writer.js';
import { startServer } from '../test-utils/http-server.js';

describe('fetchEventDataset', () => {
  it('downloads the archives, checks their MD5, extracts them and opens the split; a second open needs no download', async () => {
    const dir = await tempDir();
    const sample = join(dir, 's.bin');
    await writeNmnistBin(sample, randomEvents(100, 34, 34, 1));
    const bin = readFileSync(sample);
    const train = await writeZip(join(dir, 'Train.zip'), [
      { name: 'Train/3/00001.bin', data: bin },
      { name: 'Train/7/00002.bin', data: bin },
    ]);
    const test = await writeZip(join(dir, 'Test.zip'), [{ name: 'Test/1/00001.bin', data: bin }]);
    const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
    // The real spec with this test's archives' MD5s (the addresses come from `mirror`).
    const spec = {
      ...nMnistSpec,
      files: [
        { ...nMnistSpec.files[0]!, md5: md5(train) },
        { ...nMnistSpec.files[1]!, md5: md5(test) },
      ],
    };
    const server = await startServer({
      '/Train.zip': (_req, res) => res.end(train),
      '/Test.zip': (_req, res) => res.end(test),
    });
    try {
      const dataDir = join(dir, 'data');
      await mkdir(dataDir); // an explicit data folder must exist
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

  it.skipIf(spawnSync('tar', ['--version']).status !== 0)('extracts a DvsGesture.tar.gz made by GNU tar and opens DVS128 Gesture from it', async () => {
    const dir = await tempDir();
    const src = join(dir, 'src', 'DvsGesture');
    const ev = randomEvents(2000, 128, 128, 5, 20);
    await writeGestureTrial(src, ev, [
      [2, 10, 800],
      [11, 900, 1900],
    ]);
    execFileSync('tar', ['-czf', join(dir, 'DvsGesture.tar.gz'), '-C', join(dir, 'src'), 'DvsGesture']);
    const tgz = readFileSync(join(dir, 'DvsGesture.tar.gz'));
    // The real spec, made downloadable, with only the archive and this test's MD5.
    const spec = { ...dvs128GestureSpec, downloadable: true, files: [{ ...dvs128GestureSpec.files[0]!, md5: createHash('md5').update(tgz).digest('hex') }] };
    const server = await startServer({ '/DvsGesture.tar.gz': (_req, res) => res.end(tgz) });
    try {
      const dataDir = join(dir, 'data');
      const phases: string[] = [];
      const dest = await fetchEventDataset(spec, { dataDir, mirror: server.base, onProgress: (e) => phases.push(e.phase) });
      expect(phases).toContain('extract');
      expect(readFileSync(join(dest, 'DvsGesture/user01_fluorescent.aedat')).equals(readFileSync(join(src, 'user01_fluorescent.aedat')))).toBe(true);
      expect(existsSync(join(dest, 'DvsGesture.tar.gz'))).toBe(false);
      const ds = await openEventDataset(spec, { split: 'train', dataDir, cacheDir: join(dir, 'frames'), threads: 0, progress: false });
      expect(ds.length).toBe(2);
      expect([ds.label(0), ds.label(1)]).toEqual([1, 10]);
      expect(server.requests).toEqual(['/DvsGesture.tar.gz']);
    } finally {
      await server.close();
    }
  });

  it('says how to get a dataset that needs a browser', async () => {
    const dir = await tempDir();
    await expect(fetchEventDataset(dvs128GestureSpec, { dataDir: dir })).rejects.toThrow(/cannot be downloaded automatically.*DvsGesture\.tar\.gz/);
  });
});
