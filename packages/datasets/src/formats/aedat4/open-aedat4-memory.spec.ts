import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressFrameSync } from 'lz4-napi';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { openAedat4 } from './open-aedat4.js';
import { readAllEvents } from '../../events/read-all-events.js';
import { eventSample } from '../../test-utils/event-data.js';
import { canMeasurePeakRss, peakRssGrowth } from '../../test-utils/peak-rss.js';

const measurable = canMeasurePeakRss();

/**
 * An LZ4 frame that inflates to `blocks` × 4 MiB of zeros: lz4-napi's frame of 4 MiB of zeros is
 * one 4 MiB-maximum block (BD 0x70) without checksums; its block is repeated behind the same
 * 7-byte frame header (LZ4 Frame Format: magic, FLG, BD, header checksum).
 */
function lz4Bomb(blocks: number): Buffer {
  const frame = compressFrameSync(Buffer.alloc(4 << 20));
  if (frame[4] !== 0x60 || frame[5] !== 0x70) throw new Error(`unexpected lz4-napi frame flags ${frame.subarray(4, 6).toString('hex')}`);
  const block = frame.subarray(7, frame.length - 4); // size word + data, without the end mark
  return Buffer.concat([frame.subarray(0, 7), ...Array.from({ length: blocks }, () => block), Buffer.alloc(4)]);
}

describe.skipIf(!measurable)('openAedat4 bounds what a packet may inflate to', () => {
  it('an LZ4 packet that would inflate to 1.5 GiB is refused from its block headers, before decompressing', async () => {
    const src = eventSample('aedat4/sample.aedat4');
    if (src === undefined) return;
    const b = readFileSync(src);
    // IOHeader: root offset at 18; the table's vtable gives field 1 (dataTablePosition, int64).
    const n = b.readUInt32LE(14);
    const table = 18 + b.readUInt32LE(18);
    const vtable = table - b.readInt32LE(table);
    const dtAt = table + b.readUInt16LE(vtable + 6);
    const first = 18 + n;
    expect(b.readInt32LE(first)).toBe(0); // the first packet is of the event stream (SOURCES.md)
    const bomb = lz4Bomb(384);
    const head = Buffer.alloc(8);
    head.writeInt32LE(0, 0);
    head.writeInt32LE(bomb.length, 4);
    const rest = b.subarray(first + 8 + b.readInt32LE(first + 4));
    const out = Buffer.concat([b.subarray(0, first), head, bomb, rest]);
    out.writeBigInt64LE(b.readBigInt64LE(dtAt) + BigInt(8 + bomb.length - (8 + b.readInt32LE(first + 4))), dtAt);
    const file = join(await tempDir(), 'bomb.aedat4');
    writeFileSync(file, out);

    const r = await peakRssGrowth(async () => readAllEvents(await openAedat4(file)));
    expect(SpikeflowError.is(r.error, 'dataset-corrupt'), String(r.error)).toBe(true);
    expect((r.error as Error).message).toContain(
      `at byte ${first}: the packet of stream 0 would decompress to as much as ${384 * (4 << 20)} bytes, more than the ${64 << 20}-byte packet limit`,
    );
    expect(r.growthMiB).toBeLessThan(64);
  });
});
