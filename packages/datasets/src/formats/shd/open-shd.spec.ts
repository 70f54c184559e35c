import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { openShd } from './open-shd.js';
import { detectEventFormat } from '../../events/open-event-file.js';
import { summarizeEvents } from '../../events/event-summary.js';
import { canMeasurePeakRss, peakRssGrowth } from '../../test-utils/peak-rss.js';
import { truncatedCopy } from '../../test-utils/truncate-copy.js';

// shd-sample.h5 was written by h5py (Debian's python3-h5py) with fixtures/make-shd-fixture.py in
// the SHD layout; the numbers below are the ones that script writes.
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'shd-sample.h5');

describe('openShd (SHD/SSC HDF5 via h5wasm)', () => {
  it('reads labels, speakers and each sample’s spikes as events (µs, channel in x)', async () => {
    expect(await detectEventFormat(fixture)).toBe('shd-hdf5');
    const f = await openShd(fixture);
    try {
      expect(f.length).toBe(3);
      expect(Array.from(f.labels)).toEqual([3, 19, 0]);
      expect(Array.from(f.speakers!)).toEqual([1, 2, 11]);
      const s0 = f.sample(0);
      expect(Array.from(s0.t)).toEqual([0, 500, 250000, 999900]);
      expect(Array.from(s0.x)).toEqual([0, 699, 350, 1]);
      expect(f.sample(1).length).toBe(0);
      expect(Array.from(f.sample(2).x)).toEqual([10, 20, 30]);
      expect(() => f.sample(3)).toThrow(/outside 0\.\.2/);
      const s = await summarizeEvents(f);
      expect(s.count).toBe(7);
      expect(f.info.width).toBe(700);
    } finally {
      f.close();
    }
  });

  it('reports a file shorter than its superblock says as truncated', async () => {
    const cut = await truncatedCopy(fixture, -100);
    await expect(openShd(cut)).rejects.toMatchObject({ kind: 'file-truncated' });
  });

  it('a missing file and a folder are typed errors', async () => {
    await expect(openShd('/nonexistent/shd_train.h5')).rejects.toMatchObject({ kind: 'dataset-missing', message: expect.stringContaining('/nonexistent/shd_train.h5') });
    const dir = await tempDir();
    await expect(openShd(dir)).rejects.toMatchObject({ kind: 'invalid-options', message: expect.stringMatching(/is a folder; expected an SHD\/SSC HDF5 file/) });
  });

  it.skipIf(!canMeasurePeakRss())('files whose dataspaces claim 2·10⁹ samples are refused as corrupt, without allocating them', async () => {
    // Chunked datasets are allocated lazily, so HDF5 itself accepts a count far beyond the file:
    // written here with h5wasm (chunked, then resized to 2·10⁹ without data).
    const { default: h5 } = await import('h5wasm/node');
    await h5.ready;
    const chunked = join(await tempDir(), 'shd_train.h5');
    const w = new h5.File(chunked, 'w');
    w.create_group('spikes');
    for (const name of ['spikes/times', 'spikes/units', 'labels']) {
      w.create_dataset({ name, data: new Uint16Array(3), shape: [3], dtype: '<H', maxshape: [null], chunks: [1024] }).resize([2_000_000_000]);
    }
    w.close();
    const r = await peakRssGrowth(() => openShd(chunked));
    expect(SpikeflowError.is(r.error, 'dataset-corrupt'), String(r.error)).toBe(true);
    expect((r.error as Error).message).toMatch(/claim 2000000000 samples, which need at least 68000000000 bytes of storage, but the file has \d+ bytes/);
    expect(r.growthMiB).toBeLessThan(64);

    // Contiguous datasets: the fixture's four version-1 dataspace messages (HDF5 spec IV.A.2.b:
    // version 1, rank 1, flags 1 = max dims present, 5 reserved bytes, then the 8-byte size and
    // max size) patched to 2·10⁹. HDF5 refuses these itself; that too must be a typed error.
    const b = Buffer.from(readFileSync(fixture));
    const pattern = Buffer.from('0101010000000000' + '0300000000000000' + '0300000000000000', 'hex');
    let patched = 0;
    for (let at = b.indexOf(pattern); at >= 0; at = b.indexOf(pattern, at + 1)) {
      b.writeBigUInt64LE(2_000_000_000n, at + 8);
      b.writeBigUInt64LE(2_000_000_000n, at + 16);
      patched++;
    }
    expect(patched).toBe(4);
    const contiguous = join(await tempDir(), 'shd_test.h5');
    writeFileSync(contiguous, b);
    await expect(openShd(contiguous)).rejects.toMatchObject({ kind: 'dataset-corrupt', message: expect.stringContaining(contiguous) });
  });
});
