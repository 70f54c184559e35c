import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../test-utils/idx-fixtures.js';
import { isGzip, parseIdx, readIdx, type IdxDType } from './read-idx.js';

const dir = tempDir();

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

describe('readIdx round trip', () => {
  const pixels = Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 256);

  it.each(['raw', 'gzip'] as const)('reads a %s uint8 image file back exactly', async (form) => {
    const raw = encodeIdx([3, 4, 5], pixels);
    const file = await write(`images-${form}.idx`, form === 'gzip' ? gzipSync(raw) : raw);
    const idx = await readIdx(file, { dtype: 'uint8', dims: [null, 4, 5] });
    expect(idx.dtype).toBe('uint8');
    expect(idx.dims).toEqual([3, 4, 5]);
    expect(Array.from(idx.data)).toEqual(pixels);
    expect(idx.gzipped).toBe(form === 'gzip');
    expect(Buffer.from(idx.bytes).equals(raw)).toBe(true);
  });

  it('tells gzip from raw by the magic bytes, not by the file name', async () => {
    const raw = encodeIdx([4], [1, 2, 3, 4]);
    const gzNamedRaw = await write('labels-actually-gzip', gzipSync(raw));
    const rawNamedGz = await write('labels-actually-raw.gz', raw);
    expect(Array.from((await readIdx(gzNamedRaw)).data)).toEqual([1, 2, 3, 4]);
    expect(Array.from((await readIdx(rawNamedGz)).data)).toEqual([1, 2, 3, 4]);
    expect(isGzip(gzipSync(raw))).toBe(true);
    expect(isGzip(raw)).toBe(false);
  });

  it.each<[IdxDType, number[]]>([
    ['int8', [-128, -1, 0, 127]],
    ['int16', [-32768, -2, 300, 32767]],
    ['int32', [-2147483648, -5, 70000, 2147483647]],
    ['float32', [-1.5, 0, 0.25, 1e10]],
    ['float64', [-1e-300, 0, Math.PI, 1e300]],
  ])('decodes big-endian %s values', async (dtype, values) => {
    const idx = await parseIdx(encodeIdx([2, 2], values, dtype), `mem-${dtype}`, { dtype });
    expect(idx.dtype).toBe(dtype);
    expect(idx.dims).toEqual([2, 2]);
    expect(Array.from(idx.data)).toEqual(values.map((v) => (dtype === 'float32' ? Math.fround(v) : v)));
  });
});

describe('readIdx refuses corrupt files with dataset-corrupt naming the file', () => {
  const good = encodeIdx(
    [2, 3, 3],
    Array.from({ length: 18 }, (_, i) => i),
  );

  it('bad magic (non-zero first bytes)', async () => {
    const bad = Buffer.from(good);
    bad[0] = 0x12;
    const file = await write('bad-magic', bad);
    const e = await expectSpikeflowError(readIdx(file), 'dataset-corrupt', file);
    expect(e.message).toMatch(/bad magic number 12 00 08 03/);
  });

  it('unknown type byte', async () => {
    const bad = Buffer.from(good);
    bad[2] = 0x0a;
    const file = await write('bad-type', bad);
    const e = await expectSpikeflowError(readIdx(file), 'dataset-corrupt', file);
    expect(e.message).toMatch(/unknown IDX type byte 0x0a.*0x08 \(ubyte\)/);
  });

  it('rank 0 and a header cut short', async () => {
    const rank0 = await write('rank0', Buffer.from([0, 0, 8, 0]));
    expect((await expectSpikeflowError(readIdx(rank0), 'dataset-corrupt', rank0)).message).toMatch(/rank 0/);
    const shortHeader = await write('short-header', good.subarray(0, 10));
    expect((await expectSpikeflowError(readIdx(shortHeader), 'dataset-corrupt', shortHeader)).message).toMatch(/header needs 16 bytes.*has 10/);
    const tiny = await write('tiny', Buffer.from([0, 0]));
    expect((await expectSpikeflowError(readIdx(tiny), 'dataset-corrupt', tiny)).message).toMatch(/shorter than the 4-byte/);
  });

  it('truncated payload, raw and gzip', async () => {
    const cut = good.subarray(0, good.length - 5);
    const raw = await write('truncated', cut);
    expect((await expectSpikeflowError(readIdx(raw), 'dataset-corrupt', raw)).message).toMatch(/truncated: dims \[2, 3, 3\] of uint8 need 34 bytes, the file has 29/);
    const gz = await write('truncated-payload.gz', gzipSync(cut));
    expect((await expectSpikeflowError(readIdx(gz), 'dataset-corrupt', gz)).message).toMatch(/truncated/);
  });

  it('payload longer than the dims say', async () => {
    const file = await write('padded', Buffer.concat([good, Buffer.from([1, 2])]));
    expect((await expectSpikeflowError(readIdx(file), 'dataset-corrupt', file)).message).toMatch(/longer than its header says.*need 34 bytes, the file has 36/);
  });

  it('dims or dtype other than expected', async () => {
    const file = await write('dims', good);
    expect((await expectSpikeflowError(readIdx(file, { dims: [null, 28, 28] }), 'dataset-corrupt', file)).message).toMatch(/dims are \[2, 3, 3\], expected \[\*, 28, 28\]/);
    expect((await expectSpikeflowError(readIdx(file, { dims: [null] }), 'dataset-corrupt', file)).message).toMatch(/expected \[\*\]/);
    const ints = await write('ints', encodeIdx([2], [1, 2], 'int32'));
    expect((await expectSpikeflowError(readIdx(ints, { dtype: 'uint8' }), 'dataset-corrupt', ints)).message).toMatch(/element type is int32, expected uint8/);
  });

  it('gzip garbage and a truncated gzip stream', async () => {
    const garbage = await write('garbage.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(40, 0xab)]));
    expect((await expectSpikeflowError(readIdx(garbage), 'dataset-corrupt', garbage)).message).toMatch(/gzip data cannot be decompressed/);
    const gz = gzipSync(good);
    const cut = await write('cut.gz', gz.subarray(0, gz.length - 12));
    expect((await expectSpikeflowError(readIdx(cut), 'dataset-corrupt', cut)).message).toMatch(/gzip data cannot be decompressed/);
  });

  it('a damaged gzip body fails its CRC', async () => {
    const big = encodeIdx(
      [64, 8, 8],
      Array.from({ length: 64 * 64 }, (_, i) => (i * 131) % 256),
    );
    const gz = Buffer.from(gzipSync(big));
    gz[gz.length - 8] ^= 0xff; // flip a CRC32 byte of the trailer
    const file = await write('crc.gz', gz);
    await expectSpikeflowError(readIdx(file), 'dataset-corrupt', file);
  });

  it('a missing file is dataset-missing', async () => {
    const file = path.join(dir, 'nope.gz');
    await expectSpikeflowError(readIdx(file), 'dataset-missing', file);
  });
});
