import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { openAedat3 } from './open-aedat3.js';
import { readGestureLabels, splitGestureSegments } from './gesture-labels.js';
import { readAllEvents } from '../../events/read-all-events.js';
import { detectEventFormat } from '../../events/open-event-file.js';
import { randomEvents, writeAedat31, type TestEvent } from '../../test-utils/event-writers.js';
import { truncatedCopy } from '../../test-utils/truncate-copy.js';

describe('openAedat3 (AEDAT 3.1, generated in the cAER layout)', () => {
  it('reads polarity packets across packets, skips other packets and invalid events, adds the timestamp overflow', async () => {
    const dir = await tempDir();
    const file = join(dir, 'user01_fluorescent.aedat');
    const events = randomEvents(3000, 128, 128, 5);
    // The last packet's events lie past 2^31 µs, so the overflow field carries their high bits.
    const late: TestEvent[] = [
      { t: 2 ** 31 + 5, x: 127, y: 0, p: 1 },
      { t: 2 ** 31 + 9, x: 0, y: 127, p: 0 },
    ];
    const invalid = new Set([events[10]!, events[2000]!]);
    await writeAedat31(file, [events.slice(0, 1000), events.slice(1000, 1001), events.slice(1001), late], invalid);
    expect(await detectEventFormat(file)).toBe('aedat3');
    const f = await openAedat3(file, { chunkBytes: 100 });
    expect(f.info.width).toBe(128);
    expect(f.info.header['Format']).toBe('RAW');
    const got = await readAllEvents(f);
    const want = [...events.filter((e) => !invalid.has(e)), ...late];
    expect(got.length).toBe(want.length);
    want.forEach((e, i) => {
      expect([got.t[i], got.x[i], got.y[i], got.p[i]]).toEqual([e.t, e.x, e.y, e.p]);
    });
  });

  it('reports a file cut inside a packet as truncated, and rejects other files', async () => {
    const dir = await tempDir();
    const file = join(dir, 'a.aedat');
    await writeAedat31(file, [randomEvents(50, 128, 128, 1)]);
    const cut = await truncatedCopy(file, -4);
    await expectSpikeflowError(readAllEvents(await openAedat3(cut)), 'file-truncated');
    const other = join(dir, 'b.aedat');
    await writeFile(other, '#!AER-DAT2.0\r\n');
    await expect(openAedat3(other)).rejects.toMatchObject({ kind: 'format-unknown' });
  });
});

describe('DVS128 Gesture labels', () => {
  it('reads the CSV (classes 1..11 become 0..10) and cuts segments as start <= t < end', async () => {
    const dir = await tempDir();
    const csv = join(dir, 'user01_fluorescent_labels.csv');
    await writeFile(csv, 'class,startTime_usec,endTime_usec\r\n1,100,200\r\n11,200,260\r\n');
    const segs = await readGestureLabels(csv);
    expect(segs).toEqual([
      { label: 0, start: 100, end: 200 },
      { label: 10, start: 200, end: 260 },
    ]);
    const ts = [50, 100, 150, 199, 200, 259, 260, 300];
    const events = { length: ts.length, t: Float64Array.from(ts), x: new Uint16Array(ts.length), y: new Uint16Array(ts.length), p: new Uint8Array(ts.length) };
    const cut = splitGestureSegments(events, segs);
    expect(Array.from(cut[0]!.events.t)).toEqual([100, 150, 199]);
    expect(Array.from(cut[1]!.events.t)).toEqual([200, 259]);
    await writeFile(csv, 'class,startTime_usec,endTime_usec\n12,1,2\n');
    await expect(readGestureLabels(csv)).rejects.toMatchObject({ kind: 'dataset-corrupt' });
  });
});
