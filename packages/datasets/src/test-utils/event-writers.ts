import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A plain event for test files. */
export interface TestEvent {
  t: number;
  x: number;
  y: number;
  p: number;
}

/** A seeded stream of `n` events with non-decreasing t in a `width x height` frame. */
export function randomEvents(n: number, width: number, height: number, seed: number, tStep = 7): TestEvent[] {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const out: TestEvent[] = [];
  let t = next() % 1000;
  for (let i = 0; i < n; i++) {
    t += next() % tStep;
    out.push({ t, x: next() % width, y: next() % height, p: next() & 1 });
  }
  return out;
}

/**
 * Write an AEDAT 3.1 file as cAER does: the ASCII header, then packets of a 28-byte header and
 * 8-byte polarity events (data = x<<17 | y<<2 | p<<1 | valid, then the low 31 timestamp bits; the
 * high bits go to the packet's eventTSOverflow). `packets` splits the events; `invalid` lists
 * indices written with the valid bit clear; a special-event packet (type 0) is put first.
 */
export async function writeAedat31(file: string, packets: TestEvent[][], invalid: ReadonlySet<TestEvent> = new Set()): Promise<void> {
  const parts: Buffer[] = [Buffer.from('#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#Start-Time: 2017-01-01 00:00:00 (TZ+0000)\r\n#!END-HEADER\r\n', 'latin1')];
  // A special-event packet (type 0, 8-byte events) that the reader must skip.
  const special = Buffer.alloc(28 + 2 * 8);
  special.writeUInt16LE(0, 0);
  special.writeUInt32LE(8, 4);
  special.writeUInt32LE(2, 16);
  special.writeUInt32LE(2, 20);
  special.writeUInt32LE(2, 24);
  parts.push(special);
  for (const events of packets) {
    const overflow = events.length ? Math.floor(events[0]!.t / 2 ** 31) : 0;
    const b = Buffer.alloc(28 + events.length * 8);
    b.writeUInt16LE(1, 0); // polarity
    b.writeUInt16LE(1, 2); // source
    b.writeUInt32LE(8, 4); // eventSize
    b.writeUInt32LE(4, 8); // eventTSOffset
    b.writeUInt32LE(overflow, 12);
    b.writeUInt32LE(events.length, 16); // capacity
    b.writeUInt32LE(events.length, 20); // number
    b.writeUInt32LE(events.length - [...invalid].filter((e) => events.includes(e)).length, 24);
    events.forEach((e, i) => {
      const data = ((e.x << 17) | (e.y << 2) | (e.p << 1) | (invalid.has(e) ? 0 : 1)) >>> 0;
      b.writeUInt32LE(data, 28 + 8 * i);
      b.writeUInt32LE(e.t - overflow * 2 ** 31, 32 + 8 * i);
    });
    parts.push(b);
  }
  await writeFile(file, Buffer.concat(parts));
}

/** Write a jAER AEDAT 2.0 file with DVS128 addresses (big-endian address, timestamp). */
export async function writeAedat2(file: string, events: TestEvent[]): Promise<void> {
  const head = Buffer.from(
    '#!AER-DAT2.0\r\n# This is a raw AE data file - do not edit\r\n# Data format is int32 address, int32 timestamp (8 bytes total), repeated for each event\r\n# Timestamps tick is 1 us\r\n# created Mon Jan 01 00:00:00 CET 2017\r\n',
    'latin1',
  );
  const b = Buffer.alloc(events.length * 8);
  events.forEach((e, i) => {
    b.writeUInt32BE((e.y << 8) | (e.x << 1) | e.p, 8 * i);
    b.writeUInt32BE(e.t, 8 * i + 4);
  });
  await writeFile(file, Buffer.concat([head, b]));
}

/** Write an N-MNIST .bin file (5 bytes per event, big-endian, polarity in bit 23). */
export async function writeNmnistBin(file: string, events: TestEvent[]): Promise<void> {
  const b = Buffer.alloc(events.length * 5);
  events.forEach((e, i) => {
    b[5 * i] = e.x;
    b[5 * i + 1] = e.y;
    b[5 * i + 2] = (e.p << 7) | ((e.t >> 16) & 0x7f);
    b[5 * i + 3] = (e.t >> 8) & 0xff;
    b[5 * i + 4] = e.t & 0xff;
  });
  await writeFile(file, b);
}

/** Write CIFAR-10 binary records: label byte, then R, G and B 32x32 planes. */
export async function writeCifar10(file: string, images: { label: number; pixel: (x: number, y: number, c: number) => number }[]): Promise<void> {
  const b = Buffer.alloc(images.length * 3073);
  images.forEach((im, n) => {
    b[n * 3073] = im.label;
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) b[n * 3073 + 1 + c * 1024 + y * 32 + x] = im.pixel(x, y, c);
  });
  await writeFile(file, b);
}

/**
 * Lay out a one-trial `DvsGesture/` folder as the official archive does: the trial
 * `user01_fluorescent.aedat` (AEDAT 3.1, the events in two packets of equal halves), its
 * `_labels.csv` with a row `class, t(from), t(to)` per segment (`from`, `to` are event indices), and
 * `trials_to_train.txt` listing the trial while `trials_to_test.txt` is empty. Creates `dir`.
 */
export async function writeGestureTrial(dir: string, events: TestEvent[], segments: ReadonlyArray<readonly [cls: number, from: number, to: number]>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const half = events.length / 2;
  await writeAedat31(join(dir, 'user01_fluorescent.aedat'), [events.slice(0, half), events.slice(half)]);
  const rows = segments.map(([cls, from, to]) => `${cls},${events[from]!.t},${events[to]!.t}\n`).join('');
  await writeFile(join(dir, 'user01_fluorescent_labels.csv'), `class,startTime_usec,endTime_usec\n${rows}`);
  await writeFile(join(dir, 'trials_to_train.txt'), 'user01_fluorescent.aedat\n');
  await writeFile(join(dir, 'trials_to_test.txt'), '');
}
