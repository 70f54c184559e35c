import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { openEventFile, detectEventFormat } from './open-event-file.js';
import { readAllEvents } from './read-all-events.js';
import { summarizeEvents } from './event-summary.js';
import { eventSample } from '../test-utils/event-data.js';
import { truncatedCopy } from '../test-utils/truncate-copy.js';

// Expected values: ../shared/data/events/SOURCES.md, where they come from independent numpy
// decoders written to the cited specs (and, for EVT2/EVT3, also the count the source
// repository's own tests assert). Each case reads the real file with small chunks too, so
// records split across reads are exercised.
const cases = [
  { rel: 'nmnist/sample_nmnist.bin', format: 'nmnist-bin', count: 4325, on: 2145, tMin: 654, tMax: 311175, first: [{ t: 654, x: 7, y: 15, p: 1 }] },
  { rel: 'nmnist/1.bs2', format: 'nmnist-bin', count: 4681, on: 2328, tMin: 893, tMax: 305924, first: [{ t: 893, x: 18, y: 16, p: 1 }] },
  { rel: 'nmnist/60002.bs2', format: 'nmnist-bin', count: 4840, on: 2383, tMin: 3240, tMax: 308353, first: [{ t: 3240, x: 24, y: 22, p: 0 }] },
  {
    rel: 'aedat4/sample.aedat4',
    format: 'aedat4',
    count: 111954,
    on: 55023,
    tMin: 1605537493718345,
    tMax: 1605537494308262,
    width: 320,
    height: 240,
    first: [
      { t: 1605537493718345, x: 154, y: 204, p: 0 },
      { t: 1605537493718348, x: 149, y: 206, p: 0 },
      { t: 1605537493718349, x: 148, y: 199, p: 1 },
    ],
  },
  {
    rel: 'prophesee/evt2_sample.raw',
    format: 'evt2',
    count: 539481,
    on: 367855,
    tMin: 1317888,
    tMax: 1367888,
    width: 640,
    height: 480,
    first: [
      { t: 1317888, x: 237, y: 121, p: 1 },
      { t: 1317888, x: 246, y: 121, p: 1 },
      { t: 1317888, x: 248, y: 132, p: 1 },
    ],
    last: { t: 1367888, x: 210, y: 142, p: 1 },
  },
  {
    rel: 'prophesee/evt3_sample.raw',
    format: 'evt3',
    count: 219596,
    on: 115532,
    tMin: 11718656,
    tMax: 11727457,
    width: 1280,
    height: 720,
    first: [
      { t: 11718656, x: 874, y: 200, p: 0 },
      { t: 11718656, x: 806, y: 200, p: 1 },
      { t: 11718656, x: 882, y: 201, p: 0 },
    ],
    last: { t: 11727457, x: 1218, y: 572, p: 1 },
  },
  {
    rel: 'prophesee/sample_ncars.dat',
    format: 'prophesee-dat',
    count: 2009,
    on: 1350,
    tMin: 0,
    tMax: 99952,
    first: [
      { t: 0, x: 25, y: 8, p: 0 },
      { t: 35, x: 67, y: 35, p: 0 },
      { t: 152, x: 56, y: 27, p: 1 },
    ],
    last: { t: 99952, x: 75, y: 28, p: 1 },
  },
] as const;

describe('readers on the real sample recordings', () => {
  for (const c of cases) {
    it(`${c.rel}: ${c.count} events, polarity counts, time range and first/last events`, async () => {
      const path = eventSample(c.rel);
      if (path === undefined) return;
      expect(await detectEventFormat(path)).toBe(c.format);
      const file = await openEventFile(path);
      if ('width' in c) {
        expect(file.info.width).toBe(c.width);
        expect(file.info.height).toBe(c.height);
      }
      const s = await summarizeEvents(file, 3);
      expect(s.count).toBe(c.count);
      expect(s.on).toBe(c.on);
      expect(s.tMin).toBe(c.tMin);
      expect(s.tMax).toBe(c.tMax);
      expect(s.first.slice(0, c.first.length)).toEqual(c.first);
      if ('last' in c) expect(s.last[s.last.length - 1]).toEqual(c.last);
      // The same events when every read is tiny (records cut across reads).
      if (c.format !== 'aedat4') {
        const small = await readAllEvents(await openEventFile(path, { chunkBytes: 4093, batchEvents: 777 }));
        const big = await readAllEvents(file);
        expect(small.length).toBe(c.count);
        expect(Buffer.compare(Buffer.from(small.t.buffer), Buffer.from(big.t.buffer))).toBe(0);
        expect(Buffer.compare(Buffer.from(small.x.buffer), Buffer.from(big.x.buffer))).toBe(0);
      }
    });

    it(`${c.rel}: a truncated copy is a file-truncated error`, async () => {
      const path = eventSample(c.rel);
      if (path === undefined) return;
      const cut = await truncatedCopy(path, -3);
      const err = await expectSpikeflowError(readAllEvents(await openEventFile(cut, { format: c.format })), 'file-truncated');
      expect(err.message).toContain(cut);
    });
  }

  it('an AEDAT4 file cut inside a packet is a file-truncated error', async () => {
    const path = eventSample('aedat4/sample.aedat4');
    if (path === undefined) return;
    const cut = await truncatedCopy(path, 500_000);
    const err = await expectSpikeflowError(readAllEvents(await openEventFile(cut)), 'file-truncated');
    expect(err.message).toMatch(/inside a \d+-byte packet of stream 0/);
  });

  it('the first AEDAT4 packet holds 918 events', async () => {
    const path = eventSample('aedat4/sample.aedat4');
    if (path === undefined) return;
    const file = await openEventFile(path);
    for await (const b of file.batches()) {
      expect(b.length).toBe(918);
      break;
    }
  });
});
