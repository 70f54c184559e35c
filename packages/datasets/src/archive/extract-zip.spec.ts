import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { extractZip, listZip } from './extract-zip.js';
import { writeZip } from '../test-utils/zip-writer.js';
import { truncatedCopy } from '../test-utils/truncate-copy.js';

describe('extractZip', () => {
  it('extracts deflated, stored and empty members into folders, checking CRC-32', async () => {
    const dir = await tempDir();
    const zip = join(dir, 'Train.zip');
    const big = Buffer.alloc(200_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 253;
    await writeZip(zip, [
      { name: 'Train/' },
      { name: 'Train/0/00002.bin', data: big },
      { name: 'Train/1/a.bin', data: Buffer.from('hello'), store: true },
      { name: 'Train/1/empty.bin' },
    ]);
    expect((await listZip(zip)).map((e) => [e.name, e.method])).toEqual([
      ['Train/', 0],
      ['Train/0/00002.bin', 8],
      ['Train/1/a.bin', 0],
      ['Train/1/empty.bin', 8],
    ]);
    const out = join(dir, 'out');
    await extractZip(zip, out);
    expect(readFileSync(join(out, 'Train/0/00002.bin')).equals(big)).toBe(true);
    expect(readFileSync(join(out, 'Train/1/a.bin'), 'utf8')).toBe('hello');
    expect(readFileSync(join(out, 'Train/1/empty.bin')).length).toBe(0);
  });

  it('refuses corrupt members, paths leaving the destination and truncated archives', async () => {
    const dir = await tempDir();
    const zip = join(dir, 'a.zip');
    const bytes = await writeZip(zip, [{ name: 'x.bin', data: Buffer.from('abcdefgh'), store: true }]);
    const bad = Buffer.from(bytes);
    bad[30 + 5] ^= 0xff; // flip a byte of the stored data
    await writeFile(zip, bad);
    await expect(extractZip(zip, join(dir, 'o1'))).rejects.toThrow(/CRC-32/);
    await writeZip(zip, [{ name: '../evil.bin', data: Buffer.from('x') }]);
    await expect(extractZip(zip, join(dir, 'o2'))).rejects.toThrow(/outside the destination/);
    expect(existsSync(join(dir, 'evil.bin'))).toBe(false);
    await writeZip(zip, [{ name: 'y.bin', data: Buffer.from('y') }]);
    await expect(extractZip(await truncatedCopy(zip, -10), join(dir, 'o3'))).rejects.toMatchObject({ kind: 'file-truncated' });
  });
});
