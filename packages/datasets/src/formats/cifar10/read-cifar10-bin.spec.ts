import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { canMeasurePeakRss, peakRssGrowth } from '../../test-utils/peak-rss.js';
import { openCifar10 } from '../../descriptors/cifar10.js';
import { readCifar10Bin } from './read-cifar10-bin.js';
import { writeCifar10 } from '../../test-utils/event-writers.js';
import { truncatedCopy } from '../../test-utils/truncate-copy.js';

describe('readCifar10Bin', () => {
  it('turns the R, G, B planes of each record into NHWC pixels and reads labels', async () => {
    const dir = await tempDir();
    const file = join(dir, 'test_batch.bin');
    const pixel =
      (n: number) =>
      (x: number, y: number, c: number): number =>
        (x * 7 + y * 3 + c * 50 + n * 11) & 0xff;
    await writeCifar10(file, [
      { label: 3, pixel: pixel(0) },
      { label: 9, pixel: pixel(1) },
    ]);
    const b = await readCifar10Bin(file);
    expect(b.count).toBe(2);
    expect(Array.from(b.labels)).toEqual([3, 9]);
    for (const [n, x, y, c] of [
      [0, 0, 0, 0],
      [0, 31, 0, 2],
      [1, 5, 17, 1],
      [1, 31, 31, 2],
    ] as const) {
      expect(b.images[((n * 32 + y) * 32 + x) * 3 + c]).toBe(pixel(n)(x, y, c));
    }
  });

  it('reports a torn record as truncated', async () => {
    const dir = await tempDir();
    const file = join(dir, 'data_batch_1.bin');
    await writeCifar10(file, [{ label: 1, pixel: () => 0 }]);
    await expect(readCifar10Bin(await truncatedCopy(file, -1))).rejects.toMatchObject({ kind: 'file-truncated' });
  });

  it('refuses a label outside 0..9 naming the record, and a folder or missing file with a typed error', async () => {
    const dir = await tempDir();
    const file = join(dir, 'data_batch_1.bin');
    await writeCifar10(file, [
      { label: 1, pixel: () => 0 },
      { label: 2, pixel: () => 0 },
    ]);
    const b = await readFile(file);
    b[3073] = 12; // the second record's label byte
    await writeFile(file, b);
    await expect(readCifar10Bin(file)).rejects.toMatchObject({ kind: 'dataset-corrupt', message: expect.stringContaining('at byte 3073: record 1 has label 12, expected 0..9') });
    await expect(readCifar10Bin(dir)).rejects.toMatchObject({ kind: 'invalid-options' });
    await expect(readCifar10Bin(join(dir, 'nope.bin'))).rejects.toMatchObject({ kind: 'dataset-missing' });
  });

  it.skipIf(!canMeasurePeakRss())('refuses a 1.9 GB sparse file named like a batch from its size, without reading it', async () => {
    const file = join(await tempDir(), 'data_batch_1.bin');
    const fh = await open(file, 'w');
    await fh.truncate(3073 * 600_000); // a whole number of records, 60 times a batch
    await fh.close();
    const r = await peakRssGrowth(() => readCifar10Bin(file));
    expect(SpikeflowError.is(r.error, 'dataset-corrupt'), String(r.error)).toBe(true);
    expect((r.error as Error).message).toContain('600000 records; a batch file holds at most 10000');
    expect(r.growthMiB).toBeLessThan(64);
  });

  it('openCifar10: a --data-dir that does not exist is dataset-missing naming it; the opened split lists the files it read', async () => {
    const dir = await tempDir();
    const gone = join(dir, 'nonexistent');
    await expect(openCifar10({ split: 'test', dataDir: gone })).rejects.toMatchObject({
      kind: 'dataset-missing',
      message: expect.stringContaining(`--data-dir ${gone} does not exist; expected a folder holding test_batch.bin`),
    });
    await writeCifar10(join(dir, 'test_batch.bin'), [{ label: 4, pixel: () => 9 }]);
    const ds = await openCifar10({ split: 'test', dataDir: dir });
    expect(ds.length).toBe(1);
    expect(ds.sources).toEqual([join(dir, 'test_batch.bin')]);
  });
});
