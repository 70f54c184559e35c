import { join } from 'node:path';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { openAedat2 } from './open-aedat2.js';
import { readAllEvents } from '../../events/read-all-events.js';
import { detectEventFormat } from '../../events/open-event-file.js';
import { randomEvents, writeAedat2 } from '../../test-utils/event-writers.js';
import { truncatedCopy } from '../../test-utils/truncate-copy.js';

describe('openAedat2 (jAER AEDAT 2.0, DVS128 addresses)', () => {
  it('decodes sensor coordinates, and the CIFAR10-DVS orientation turns them', async () => {
    const dir = await tempDir();
    const file = join(dir, 'cifar10_airplane_0.aedat');
    const events = randomEvents(2500, 128, 128, 9);
    await writeAedat2(file, events);
    expect(await detectEventFormat(file)).toBe('aedat2');
    const raw = await readAllEvents(await openAedat2(file, { chunkBytes: 99 }));
    expect(raw.length).toBe(events.length);
    events.forEach((e, i) => expect([raw.t[i], raw.x[i], raw.y[i], raw.p[i]]).toEqual([e.t, e.x, e.y, e.p]));
    const turned = await readAllEvents(await openAedat2(file, { orientation: 'cifar10-dvs' }));
    events.forEach((e, i) => expect([turned.x[i], turned.y[i], turned.p[i]]).toEqual([127 - e.y, 127 - e.x, 1 - e.p]));
  });

  it('reports a torn final record as truncated', async () => {
    const dir = await tempDir();
    const file = join(dir, 'x.aedat');
    await writeAedat2(file, randomEvents(10, 128, 128, 2));
    const err = await expectSpikeflowError(readAllEvents(await openAedat2(await truncatedCopy(file, -5))), 'file-truncated');
    expect(err.message).toContain('3 of 8 bytes');
  });
});
