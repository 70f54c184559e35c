import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openShd } from './open-shd.js';
import { detectEventFormat } from '../../events/open-event-file.js';
import { summarizeEvents } from '../../events/event-summary.js';
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
});
