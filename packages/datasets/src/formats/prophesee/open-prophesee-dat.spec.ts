import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { openPropheseeDat } from './open-prophesee-dat.js';
import { readAllEvents } from '../../events/read-all-events.js';
import { detectEventFormat } from '../../events/open-event-file.js';
import { randomEvents } from '../../test-utils/event-writers.js';

describe('openPropheseeDat (generated in the DAT layout)', () => {
  it('reads Width/Height header lines and decodes t, x (bits 13..0), y (27..14), p (31..28)', async () => {
    const file = join(await tempDir(), 'rec_td.dat');
    const events = randomEvents(500, 304, 240, 8);
    const head = Buffer.from('% Data file containing Event2D events.\n% Version 2\n% Width 304\n% Height 240\n', 'latin1');
    const body = Buffer.alloc(2 + events.length * 8);
    body[0] = 0x0c; // CD event type
    body[1] = 8;
    events.forEach((e, i) => {
      body.writeUInt32LE(e.t, 2 + 8 * i);
      body.writeUInt32LE(((e.p << 28) | (e.y << 14) | e.x) >>> 0, 6 + 8 * i);
    });
    await writeFile(file, Buffer.concat([head, body]));
    expect(await detectEventFormat(file)).toBe('prophesee-dat');
    const f = await openPropheseeDat(file, { chunkBytes: 100 });
    expect([f.info.width, f.info.height]).toEqual([304, 240]);
    expect(f.info.header['Version']).toBe('2');
    const got = await readAllEvents(f);
    expect(got.length).toBe(500);
    events.forEach((e, i) => expect([got.t[i], got.x[i], got.y[i], got.p[i]]).toEqual([e.t, e.x, e.y, e.p]));
  });
});

describe('Prophesee .raw headers of newer recordings', () => {
  it('take the format and size from `% format EVT3;height=…;width=…` and stop at `% end`', async () => {
    const { openEvt3 } = await import('./open-evt3.js');
    const file = join(await tempDir(), 'new.raw');
    // Header, then: TIME_HIGH 1, TIME_LOW 5, ADDR_Y 7, ADDR_X pol 1 x 3, VECT_BASE_X pol 0 x 10, VECT_8 mask 0b101.
    const words = [0x8001, 0x6005, 0x0007, 0x2803, 0x300a, 0x5005];
    const body = Buffer.alloc(words.length * 2);
    words.forEach((w, i) => body.writeUInt16LE(w, 2 * i));
    await writeFile(file, Buffer.concat([Buffer.from('% camera_integrator_name Prophesee\n% format EVT3;height=720;width=1280\n% end\n', 'latin1'), body]));
    expect(await detectEventFormat(file)).toBe('evt3');
    const f = await openEvt3(file);
    expect([f.info.width, f.info.height]).toEqual([1280, 720]);
    const ev = await readAllEvents(f);
    // t = (1 << 12) | 5 = 4101 for all; events (x3,y7,p1), then the mask's bits 0 and 2 from base x 10.
    expect(Array.from(ev.t)).toEqual([4101, 4101, 4101]);
    expect(Array.from(ev.x)).toEqual([3, 10, 12]);
    expect(Array.from(ev.y)).toEqual([7, 7, 7]);
    expect(Array.from(ev.p)).toEqual([1, 0, 0]);
  });
});
