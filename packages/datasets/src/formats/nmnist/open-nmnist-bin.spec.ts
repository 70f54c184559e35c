import { join } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { openNmnistBin } from './open-nmnist-bin.js';
import { readAllEvents } from '../../events/read-all-events.js';
import { randomEvents, writeNmnistBin } from '../../test-utils/event-writers.js';

describe('openNmnistBin', () => {
  it('round-trips events through the 40-bit encoding, including 23-bit timestamps', async () => {
    const dir = await tempDir();
    const file = join(dir, 'x.bin');
    const events = [...randomEvents(1000, 240, 180, 3), { t: 0x7fffff, x: 239, y: 179, p: 1 }];
    await writeNmnistBin(file, events);
    const got = await readAllEvents(await openNmnistBin(file, { chunkBytes: 13 }));
    expect(got.length).toBe(events.length);
    events.forEach((e, i) => expect([got.t[i], got.x[i], got.y[i], got.p[i]]).toEqual([e.t, e.x, e.y, e.p]));
  });

  it('drops y = 240 overflow markers and adds 2^13 µs to every later timestamp (Read_Ndataset.m)', async () => {
    const dir = await tempDir();
    const file = join(dir, 'o.bin');
    await writeNmnistBin(file, [
      { t: 100, x: 1, y: 2, p: 1 },
      { t: 0, x: 0, y: 240, p: 0 },
      { t: 50, x: 3, y: 4, p: 0 },
      { t: 0, x: 0, y: 240, p: 0 },
      { t: 60, x: 5, y: 6, p: 1 },
    ]);
    const got = await readAllEvents(await openNmnistBin(file, { chunkBytes: 5 }));
    expect(Array.from(got.t)).toEqual([100, 8192 + 50, 16384 + 60]);
    expect(Array.from(got.y)).toEqual([2, 4, 6]);
  });
});
