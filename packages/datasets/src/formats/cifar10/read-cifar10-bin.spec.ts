import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCifar10Bin } from './read-cifar10-bin.js';
import { tempDir, writeCifar10 } from '../../test-utils/event-writers.js';
import { truncatedCopy } from '../../test-utils/truncate-copy.js';

describe('readCifar10Bin', () => {
  it('turns the R, G, B planes of each record into NHWC pixels and reads labels', async () => {
    const dir = await tempDir();
    const file = join(dir, 'test_batch.bin');
    const pixel = (n: number) => (x: number, y: number, c: number): number => (x * 7 + y * 3 + c * 50 + n * 11) & 0xff;
    await writeCifar10(file, [{ label: 3, pixel: pixel(0) }, { label: 9, pixel: pixel(1) }]);
    const b = await readCifar10Bin(file);
    expect(b.count).toBe(2);
    expect(Array.from(b.labels)).toEqual([3, 9]);
    for (const [n, x, y, c] of [[0, 0, 0, 0], [0, 31, 0, 2], [1, 5, 17, 1], [1, 31, 31, 2]] as const) {
      expect(b.images[((n * 32 + y) * 32 + x) * 3 + c]).toBe(pixel(n)(x, y, c));
    }
  });

  it('reports a torn record as truncated', async () => {
    const dir = await tempDir();
    const file = join(dir, 'data_batch_1.bin');
    await writeCifar10(file, [{ label: 1, pixel: () => 0 }]);
    await expect(readCifar10Bin(await truncatedCopy(file, -1))).rejects.toMatchObject({ kind: 'file-truncated' });
  });
});
