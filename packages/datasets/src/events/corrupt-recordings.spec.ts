import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { openEventFile } from './open-event-file.js';
import { readAllEvents } from './read-all-events.js';
import type { EventBatch } from './event-batch.js';
import type { EventFormat } from './event-file.js';
import { eventSample } from '../test-utils/event-data.js';

// Corruptions of the real recordings in ../shared/data/events, made here byte by byte. Offsets,
// word types and event counts are found with the formats' own definitions (SOURCES.md and the
// cited specs), not with the readers under test.

const EVT2_HEADER = 164; // SOURCES.md
const EVT3_HEADER = 166;

async function variant(rel: string, edit: (bytes: Buffer) => Buffer): Promise<string | undefined> {
  const src = eventSample(rel);
  if (src === undefined) return undefined;
  const out = join(await tempDir(), rel.split('/').pop()!);
  writeFileSync(out, edit(Buffer.from(readFileSync(src))));
  return out;
}

/** Every event of sample `rel` with `words` (little-endian, `wordBytes` each) appended; the sample must be present. */
async function readWithTail(rel: string, words: readonly number[], wordBytes: 2 | 4): Promise<EventBatch> {
  const file = await variant(rel, (b) => {
    const tail = Buffer.alloc(words.length * wordBytes);
    words.forEach((w, i) => tail.writeUIntLE(w, wordBytes * i, wordBytes));
    return Buffer.concat([b, tail]);
  });
  return readAllEvents(await openEventFile(file!));
}

// The dataset-corrupt error reading `file` to its end gives; any other outcome fails the test.
const readError = (file: string, format?: EventFormat) => expectSpikeflowError(openEventFile(file, format ? { format } : {}).then(readAllEvents), 'dataset-corrupt');

/** Seeded bytes (xorshift32), the same every run. */
function garbage(n: number, seed: number): Buffer {
  let s = seed;
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    b[i] = s & 0xff;
  }
  return b;
}

function replaceHeaderLine(bytes: Buffer, from: string, to: string): Buffer {
  const at = bytes.indexOf(from, 0, 'latin1');
  if (at < 0) throw new Error(`no '${from}' in the header`);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(to, 'latin1'), bytes.subarray(at + from.length)]);
}

describe('EVT 2.0: corruptions of the real Gen3 recording are dataset-corrupt errors that say where', () => {
  it('a CD_OFF word whose type bit flips into EVT_TIME_HIGH: time runs ahead, and the next real TIME_HIGH goes back; a real wrap does not', async () => {
    let flipped = -1;
    let nextHigh = -1;
    const file = await variant('prophesee/evt2_sample.raw', (b) => {
      let highs = 0;
      for (let o = EVT2_HEADER; o + 4 <= b.length; o += 4) {
        const type = b.readUInt32LE(o) >>> 28;
        if (type === 0x8) highs++;
        if (flipped < 0 && highs >= 2 && type === 0x0) flipped = o;
        else if (flipped >= 0 && type === 0x8) {
          nextHigh = o;
          break;
        }
      }
      b.writeUInt32LE((b.readUInt32LE(flipped) | 0x80000000) >>> 0, flipped);
      return b;
    });
    if (file === undefined) return;
    const err = await readError(file);
    expect(err.details['offset']).toBe(nextHigh);
    expect(err.message).toContain(`at byte ${nextHigh}`);
    expect(err.message).toMatch(/EVT_TIME_HIGH goes back/);
    // A real wrap of the 28-bit TIME_HIGH is not corruption: appended TIME_HIGH 2^28 - 1, a CD_ON
    // event (low 5, x 10, y 20), TIME_HIGH 0, the same event: t = (2^28 - 1)·64 + 5, then 2^34 + 5.
    const event = ((1 << 28) | (5 << 22) | (10 << 11) | 20) >>> 0;
    const tail = [0x8fffffff, event, 0x80000000, event];
    const ev = await readWithTail('prophesee/evt2_sample.raw', tail, 4);
    const n = ev.length;
    expect(n).toBe(539481 + 2); // SOURCES.md
    expect(ev.t[n - 2]).toBe((2 ** 28 - 1) * 64 + 5);
    expect(ev.t[n - 1]).toBe(2 ** 34 + 5);
    expect([ev.x[n - 1], ev.y[n - 1], ev.p[n - 1]]).toEqual([10, 20, 1]);
  });

  it('a flipped x bit puts an event off the 640x480 sensor: the error names its byte and index', async () => {
    let at = -1;
    let index = 0;
    const file = await variant('prophesee/evt2_sample.raw', (b) => {
      for (let o = EVT2_HEADER; o + 4 <= b.length; o += 4) {
        const w = b.readUInt32LE(o);
        if (w >>> 28 > 1) continue;
        // The 1000th CD event; bit 10 of x is bit 21 of the word: x gains 1024 (>= 640).
        if (index === 1000 && ((w >>> 11) & 0x7ff) < 1024) {
          at = o;
          b.writeUInt32LE((w | (1 << 21)) >>> 0, o);
          break;
        }
        index++;
      }
      return b;
    });
    if (file === undefined) return;
    const err = await readError(file);
    expect(err.details).toMatchObject({ offset: at, event: index });
    expect(err.message).toMatch(
      new RegExp(`at byte ${at}: event ${index} at x=\\d+, y=\\d+ lies outside the 640x480 sensor declared by the header's plugin_name 'hal_plugin_gen3_fx3'`),
    );
  });

  it('appended garbage is caught inside the garbage, not read as events', async () => {
    let size = 0;
    const file = await variant('prophesee/evt2_sample.raw', (b) => {
      size = b.length;
      return Buffer.concat([b, garbage(4096, 12345)]);
    });
    if (file === undefined) return;
    const err = await readError(file);
    expect(err.details['offset']).toBeGreaterThanOrEqual(size);
  });

  it('a header saying EVT 3.0 over EVT 2.0 data, and a sensor name of a smaller sensor, are refused', async () => {
    const swapped = await variant('prophesee/evt2_sample.raw', (b) => replaceHeaderLine(b, '% evt 2.0', '% evt 3.0'));
    if (swapped === undefined) return;
    expect((await openEventFile(swapped)).info.format).toBe('evt3');
    await readError(swapped);
    // GenX320 is 320x320; this recording's x reaches 599 (SOURCES.md).
    const small = await variant('prophesee/evt2_sample.raw', (b) => replaceHeaderLine(b, 'hal_plugin_gen3_fx3', 'hal_plugin_genx320'));
    const err = await readError(small!);
    expect(err.message).toMatch(/outside the 320x320 sensor declared by the header's plugin_name 'hal_plugin_genx320'/);
  });
});

describe('EVT 3.0: corruptions of the real Gen4.1 recording are dataset-corrupt errors that say where', () => {
  /** Events before word offset `end`: one per EVT_ADDR_X, one per set mask bit of VECT_12/VECT_8. */
  function eventsBefore(b: Buffer, end: number): number {
    let n = 0;
    for (let o = EVT3_HEADER; o < end; o += 2) {
      const w = b.readUInt16LE(o);
      const type = w >>> 12;
      const mask = type === 0x2 ? 1 : type === 0x4 ? w & 0xfff : type === 0x5 ? w & 0xff : 0;
      for (let m = mask; m; m &= m - 1) n++;
    }
    return n;
  }

  it('a flipped TIME_HIGH bit that steps time back by less than a wrap is reported at that word; a real wrap (4095 to 0) is not', async () => {
    let at = -1;
    const file = await variant('prophesee/evt3_sample.raw', (b) => {
      let highs = 0;
      for (let o = EVT3_HEADER; o + 2 <= b.length; o += 2) {
        if (b.readUInt16LE(o) >>> 12 === 0x8 && ++highs === 2) {
          at = o;
          // TIME_HIGH is 2861..2863 here; bit 11 off makes it 2048 less: not a 12-bit wrap.
          b.writeUInt16LE(b.readUInt16LE(o) & ~0x800, o);
          break;
        }
      }
      return b;
    });
    if (file === undefined) return;
    const err = await readError(file);
    expect(err.details['offset']).toBe(at);
    expect(err.message).toMatch(/EVT_TIME_HIGH goes back from 28\d\d .* to 8\d\d, which is not a wrap/);
    // Appended after the recording: TIME_HIGH 4095, TIME_LOW 0, ADDR_Y 5, ADDR_X 7, then TIME_HIGH 0
    // (the wrap) and ADDR_X 8: times 4095 · 4096 and 2^24 µs.
    const tail = [0x8fff, 0x6000, 0x0005, 0x2007, 0x8000, 0x2008];
    const ev = await readWithTail('prophesee/evt3_sample.raw', tail, 2);
    const n = ev.length;
    // SOURCES.md: 219596 events; no wrap inside the recording (TIME_HIGH 2861..2863).
    expect(n).toBe(219596 + 2);
    expect(ev.t[n - 2]).toBe(4095 * 4096);
    expect(ev.t[n - 1]).toBe(2 ** 24);
  });

  it('a flipped x bit in an EVT_ADDR_X word puts an event off the 1280x720 sensor', async () => {
    let at = -1;
    let index = -1;
    const file = await variant('prophesee/evt3_sample.raw', (b) => {
      for (let o = EVT3_HEADER; o + 2 <= b.length; o += 2) {
        const w = b.readUInt16LE(o);
        // The first single event past the first 5000 words with 256 <= x < 1024: x + 1024 >= 1280.
        if (o > EVT3_HEADER + 10000 && w >>> 12 === 0x2 && (w & 0x7ff) >= 256 && (w & 0x7ff) < 1024) {
          at = o;
          index = eventsBefore(b, o);
          b.writeUInt16LE(w | 0x400, o);
          break;
        }
      }
      return b;
    });
    if (file === undefined) return;
    const err = await readError(file);
    expect(err.details).toMatchObject({ offset: at, event: index });
    expect(err.message).toMatch(/outside the 1280x720 sensor/);
  });

  it('appended garbage, a header saying EVT 2.0, and a Gen3 (640x480) sensor name over Gen4.1 data are refused', async () => {
    const src = eventSample('prophesee/evt3_sample.raw');
    if (src === undefined) return;
    const size = readFileSync(src).length;
    const appended = await variant('prophesee/evt3_sample.raw', (b) => Buffer.concat([b, garbage(4096, 777)]));
    const err = await readError(appended!);
    expect(err.details['offset']).toBeGreaterThanOrEqual(size);
    const swapped = await variant('prophesee/evt3_sample.raw', (b) => replaceHeaderLine(b, '% evt 3.0', '% evt 2.0'));
    await readError(swapped!);
    const gen3 = await variant('prophesee/evt3_sample.raw', (b) => replaceHeaderLine(b, 'hal_plugin_gen41_evk3', 'hal_plugin_gen3_fx3'));
    const small = await readError(gen3!);
    expect(small.message).toMatch(/x=\d+, y=\d+ lies outside the 640x480 sensor/);
  });
});

describe('AEDAT4: header flatbuffers pointing past the header are dataset-corrupt, not RangeError', () => {
  // IOHeader layout: uint32 root offset at byte 18, the table at 18 + root, its vtable at
  // table - int32(table); vtable = [uint16 size, uint16 table size, field offsets...]; fields
  // 0 compression (int32), 1 dataTablePosition (int64), 2 infoNode (string = uint32 offset to a
  // uint32 length and the bytes).
  function layout(b: Buffer): { n: number; table: number; vtable: number; field: (i: number) => number } {
    const n = b.readUInt32LE(14);
    const table = 18 + b.readUInt32LE(18);
    const vtable = table - b.readInt32LE(table);
    return { n, table, vtable, field: (i) => table + b.readUInt16LE(vtable + 4 + 2 * i) };
  }

  const cases: [string, (b: Buffer) => void][] = [
    ['a vtable size past the header', (b) => b.writeUInt16LE(0xfffe, layout(b).vtable)],
    ['the compression field offset past the header', (b) => b.writeUInt16LE(0xfff0, layout(b).vtable + 4)],
    ['the data-table position field offset past the header', (b) => b.writeUInt16LE(0xfff0, layout(b).vtable + 6)],
    ['the info string offset past the header', (b) => b.writeUInt32LE(0x7fff0000, layout(b).field(2))],
    [
      'the info string length past the header',
      (b) => {
        const f = layout(b).field(2);
        b.writeUInt32LE(0x7fff0000, f + b.readUInt32LE(f));
      },
    ],
  ];
  for (const [what, edit] of cases) {
    it(what, async () => {
      const file = await variant('aedat4/sample.aedat4', (b) => {
        edit(b);
        return b;
      });
      if (file === undefined) return;
      const err = await readError(file);
      expect(err.message).toMatch(/IOHeader flatbuffer .*outside the \d+-byte buffer/);
    });
  }
});

describe('AEDAT4: packets and events that disagree with the file', () => {
  /** Offsets of the packets: [offset, stream id, size]. */
  function packets(b: Buffer): [number, number, number][] {
    const n = b.readUInt32LE(14);
    const table = 18 + b.readUInt32LE(18);
    const vtable = table - b.readInt32LE(table);
    const dataTable = Number(b.readBigInt64LE(table + b.readUInt16LE(vtable + 6)));
    const out: [number, number, number][] = [];
    for (let at = 18 + n; at < dataTable; at += 8 + b.readInt32LE(at + 4)) out.push([at, b.readInt32LE(at), b.readInt32LE(at + 4)]);
    return out;
  }

  it('a packet size one too large is a wrong size in a complete file (dataset-corrupt naming the packet), not a truncated file', async () => {
    let first: [number, number, number] | undefined;
    const file = await variant('aedat4/sample.aedat4', (b) => {
      first = packets(b)[0]!;
      b.writeInt32LE(first[2] + 1, first[0] + 4);
      return b;
    });
    if (file === undefined) return;
    const err = await readError(file);
    expect(err.message).toContain(`declares ${first![2] + 1} bytes, but its LZ4 frame is ${first![2]} bytes`);
    let last: [number, number, number] | undefined;
    const lastFile = await variant('aedat4/sample.aedat4', (b) => {
      last = packets(b).at(-1)!;
      b.writeInt32LE(last[2] + 1, last[0] + 4);
      return b;
    });
    const lastErr = await readError(lastFile!);
    expect(lastErr.message).toMatch(/runs 1 bytes past the file data table at byte 945243 \(the file has 949253 bytes, so it is not cut short there\); the packet size is wrong/);
  });

  it('a header sizeX smaller than the recorded events is refused at the first event off the sensor', async () => {
    const file = await variant('aedat4/sample.aedat4', (b) => {
      const at = b.indexOf('<attr key="sizeX" type="int">320</attr>', 0, 'latin1');
      if (at < 0) throw new Error('no sizeX attribute');
      b.write('100', at + '<attr key="sizeX" type="int">'.length, 'latin1');
      return b;
    });
    if (file === undefined) return;
    const err = await readError(file);
    expect(err.message).toMatch(/event \d+ \(event \d+ in the packet\) at x=(\d+), y=\d+ lies outside the 100x240 sensor/);
    expect(Number(/x=(\d+)/.exec(err.message)![1])).toBeGreaterThanOrEqual(100);
  });
});

describe('Prophesee DAT: corruptions of the real N-CARS sample', () => {
  const DAT_HEADER = 91 + 2; // SOURCES.md: 91 header bytes, then event type and size (8)

  it('a flipped timestamp bit sends one event into the future: the next one is reported as going back in time', async () => {
    const i = 100;
    const file = await variant('prophesee/sample_ncars.dat', (b) => {
      const at = DAT_HEADER + 8 * i;
      b.writeUInt32LE((b.readUInt32LE(at) | (1 << 24)) >>> 0, at);
      return b;
    });
    if (file === undefined) return;
    const err = await readError(file);
    expect(err.details).toMatchObject({ offset: DAT_HEADER + 8 * (i + 1), event: i + 1 });
    expect(err.message).toMatch(new RegExp(`event ${i + 1} has t=\\d+ µs, before the previous event's t=\\d+ µs`));
  });

  it('% Width / % Height lines smaller than the recorded events are refused', async () => {
    // SOURCES.md: x reaches 77, y 41.
    const file = await variant('prophesee/sample_ncars.dat', (b) => {
      const at = b.indexOf('% Date', 0, 'latin1');
      return Buffer.concat([b.subarray(0, at), Buffer.from('% Width 64\n% Height 48\n', 'latin1'), b.subarray(at)]);
    });
    if (file === undefined) return;
    const err = await readError(file);
    expect(err.message).toMatch(/x=(6[4-9]|7\d), y=\d+ lies outside the 64x48 sensor declared by the header's '% Width' and '% Height' lines/);
  });
});
