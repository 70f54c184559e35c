import { open, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { fashionMnistSpec } from '../descriptors/fashion-mnist.js';
import { encodeIdx } from '../test-utils/idx-fixtures.js';
import { canMeasurePeakRss, peakRssGrowth } from '../test-utils/peak-rss.js';
import { loadIdxSplit } from './load-idx-split.js';

// Files named like Fashion-MNIST's training split whose headers are right but whose bodies are
// not: sparse files (no disk used) far larger than the header says, and gzip bombs. The header
// justifies 16 + 60000·28·28 = 47,040,016 bytes; reading must stay near that.
const HEADER_BYTES = 16 + 60000 * 28 * 28;
const JUSTIFIED_MIB = HEADER_BYTES / 2 ** 20;
const measurable = canMeasurePeakRss();

function imagesHeader(count: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32BE(0x00000803, 0);
  h.writeUInt32BE(count, 4);
  h.writeUInt32BE(28, 8);
  h.writeUInt32BE(28, 12);
  return h;
}

async function sparseImages(dir: string, size: number): Promise<string> {
  const file = path.join(dir, 'train-images-idx3-ubyte');
  const fh = await open(file, 'w');
  try {
    await fh.write(imagesHeader(60000), 0, 16, 0);
    await fh.truncate(size);
  } finally {
    await fh.close();
  }
  return file;
}

async function labelsFile(dir: string): Promise<string> {
  const file = path.join(dir, 'train-labels-idx1-ubyte');
  await writeFile(file, encodeIdx([60000], new Uint8Array(60000)));
  return file;
}

describe.skipIf(!measurable)('loadIdxSplit keeps memory near what the IDX headers justify', () => {
  it('a 1.9 GB sparse images file is refused from its header and size, without being read', async () => {
    const dir = await tempDir();
    const images = await sparseImages(dir, 1_900_000_000);
    const labels = await labelsFile(dir);
    const r = await peakRssGrowth(() => loadIdxSplit(fashionMnistSpec, 'train', { images, labels }, { verify: false }));
    expect(SpikeflowError.is(r.error, 'dataset-corrupt'), String(r.error)).toBe(true);
    expect((r.error as Error).message).toContain(
      `${images} is corrupt: longer than its header says: dims [60000, 28, 28] of uint8 need ${HEADER_BYTES} bytes, the file has 1900000000`,
    );
    expect(r.growthMiB).toBeLessThan(64);
  });

  it('a 2 GiB file is corrupt (its size disagrees with its header), not dataset-missing', async () => {
    const dir = await tempDir();
    const images = await sparseImages(dir, 2 ** 31 + 16);
    const labels = await labelsFile(dir);
    const err = await expectSpikeflowError(loadIdxSplit(fashionMnistSpec, 'train', { images, labels }, { verify: false }), 'dataset-corrupt');
    expect(err.message).toContain(`the file has ${2 ** 31 + 16}`);
  });

  it('a gzip bomb (a right header, then 1.5 GiB of zeros) is stopped at the size the header gives', async () => {
    const dir = await tempDir();
    const labels = await labelsFile(dir);
    // 96 gzip members of 16 MiB each (gunzip reads concatenated members as one stream).
    const chunk = 16 << 20;
    const zeros = gzipSync(Buffer.alloc(chunk));
    const bomb = (count: number): Buffer => Buffer.concat([gzipSync(Buffer.concat([imagesHeader(count), Buffer.alloc(chunk - 16)])), ...Array.from({ length: 95 }, () => zeros)]);
    const images = path.join(dir, 'train-images-idx3-ubyte.gz');
    await writeFile(images, bomb(60000));
    const r = await peakRssGrowth(() => loadIdxSplit(fashionMnistSpec, 'train', { images, labels }, { verify: false }));
    expect(SpikeflowError.is(r.error, 'dataset-corrupt'), String(r.error)).toBe(true);
    expect((r.error as Error).message).toMatch(new RegExp(`longer than its header says: dims \\[60000, 28, 28\\] of uint8 need ${HEADER_BYTES} bytes, the file has at least \\d+`));
    expect(r.growthMiB).toBeLessThan(JUSTIFIED_MIB + 64);

    // A header claiming more images than the split has is refused before inflating anything.
    await writeFile(images, bomb(2_000_000));
    const big = await peakRssGrowth(() => loadIdxSplit(fashionMnistSpec, 'train', { images, labels }, { verify: false }));
    expect(SpikeflowError.is(big.error, 'dataset-corrupt'), String(big.error)).toBe(true);
    expect((big.error as Error).message).toContain(`its header claims dims [2000000, 28, 28] of uint8, ${16 + 2_000_000 * 784} bytes; expected at most ${HEADER_BYTES}`);
    expect(big.growthMiB).toBeLessThan(64);
  });
});
