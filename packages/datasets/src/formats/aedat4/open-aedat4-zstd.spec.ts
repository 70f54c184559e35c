import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAedat4, readAedat4Header } from './open-aedat4.js';
import { zstdFrameLength } from './zstd-frame-length.js';
import { readAllEvents } from '../../events/read-all-events.js';
import type { EventBatch } from '../../events/event-batch.js';
import { eventSample } from '../../test-utils/event-data.js';
import { reencodeAedat4 } from '../../test-utils/reencode-aedat4.js';
import { truncatedCopy } from '../../test-utils/truncate-copy.js';

// There is no real Zstd AEDAT4 sample, so the real LZ4 DVXplorer sample is re-encoded with the
// reference `zstd` command-line tool (Debian package `zstd`), packet by packet, and read back.
const hasZstd = spawnSync('zstd', ['--version']).status === 0;
if (!hasZstd) console.warn('skipping Zstd AEDAT4 tests: the `zstd` command is not installed (apt-get install zstd)');

function zstd(data: Uint8Array, ...args: string[]): Buffer {
  const r = spawnSync('zstd', ['-q', '-c', ...args], { input: data, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr.toString()}`);
  return r.stdout;
}

function digest(b: EventBatch): string {
  const h = createHash('sha256');
  for (const a of [b.t, b.x, b.y, b.p]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

describe('zstdFrameLength', () => {
  it.skipIf(!hasZstd)('finds the end of frames made by the zstd tool (with and without checksum, several frames) and rejects cut ones', () => {
    const data = Buffer.alloc(400_000);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 31) % 251) ^ (i >> 9);
    for (const args of [['-3'], ['-1', '--no-check'], ['-9', '--check'], ['-3', '--no-content-size']]) {
      const frame = zstd(data, ...args);
      expect(zstdFrameLength(frame)).toBe(frame.length);
      expect(zstdFrameLength(frame.subarray(0, frame.length - 1))).toBeUndefined();
      expect(zstdFrameLength(frame.subarray(0, 10))).toBeUndefined();
      const two = Buffer.concat([frame, zstd(Buffer.from('tail'))]);
      expect(zstdFrameLength(two)).toBe(two.length);
    }
    expect(zstdFrameLength(zstd(Buffer.alloc(0)))).toBeGreaterThan(0);
    expect(zstdFrameLength(Buffer.from('not a zstd frame'))).toBeUndefined();
  });
});

describe('openAedat4 on Zstd-compressed files (the real sample re-encoded with zstd)', () => {
  let src: string | undefined;
  let dir: string;
  let zstdFile: string;
  const cache: Buffer[] = [];

  beforeAll(async () => {
    src = eventSample('aedat4/sample.aedat4');
    if (src === undefined || !hasZstd) return;
    dir = await tempDir();
    zstdFile = join(dir, 'zstd.aedat4');
    let i = 0;
    // DV compresses each packet in one call (ZSTD_compressCCtx), which records the content size
    // in the frame header; `--stream-size` makes the tool do the same for piped input.
    await reencodeAedat4(src, zstdFile, (d) => (cache[i++] = zstd(d, '-3', `--stream-size=${d.length}`)), 3);
  });

  it('reads exactly the events of the LZ4 original (count, first/last events, a digest of all events), for zstd and zstd-high', async () => {
    if (src === undefined || !hasZstd) return;
    const header = await readAedat4Header(zstdFile);
    expect(header.compression).toBe('zstd');
    const lz4 = await readAllEvents(await openAedat4(src));
    const z = await readAllEvents(await openAedat4(zstdFile));
    // SOURCES.md: 111954 events (55023 ON) from t = 1605537493718345 µs.
    expect(z.length).toBe(111954);
    expect(z.p.reduce((s, v) => s + v, 0)).toBe(55023);
    expect([z.t[0], z.x[0], z.y[0], z.p[0]]).toEqual([1605537493718345, 154, 204, 0]);
    const n = z.length - 1;
    expect([z.t[n], z.x[n], z.y[n], z.p[n]]).toEqual([lz4.t[n], lz4.x[n], lz4.y[n], lz4.p[n]]);
    expect(digest(z)).toBe(digest(lz4));
    // The frames record their content size, as DV's do.
    const fhd = cache[0]![4]!;
    expect(fhd >> 6 !== 0 || (fhd & 0x20) !== 0).toBe(true);
    // zstd-high (4) differs only in the level DV used to write; here its frames also leave out
    // the content size (valid Zstd, as a streaming writer would make), the other decoding path.
    const high = join(dir, 'zstd-high.aedat4');
    await reencodeAedat4(src, high, (d) => zstd(d, '-3', '--no-content-size'), 4);
    expect((await readAedat4Header(high)).compression).toBe('zstd-high');
    expect(digest(await readAllEvents(await openAedat4(high)))).toBe(digest(lz4));
  });

  it('reports a file cut inside a packet or inside its data table as truncated', async () => {
    if (src === undefined || !hasZstd) return;
    const h = await readAedat4Header(zstdFile);
    const midPacket = await truncatedCopy(zstdFile, h.packetsStart + 8 + 100);
    await expect(readAllEvents(await openAedat4(midPacket))).rejects.toMatchObject({ kind: 'file-truncated' });
    const inTable = await truncatedCopy(zstdFile, -3);
    await expect(readAllEvents(await openAedat4(inTable))).rejects.toMatchObject({ kind: 'file-truncated', message: expect.stringMatching(/data table.*Zstd/) });
  });

  it('reports a packet whose Zstd frame is cut short or garbled as corrupt', async () => {
    if (src === undefined || !hasZstd) return;
    // The first packet's frame loses its last 5 bytes; the packet size says so, so only the
    // frame itself is incomplete.
    const cut = join(dir, 'cut.aedat4');
    let i = 0;
    await reencodeAedat4(
      src,
      cut,
      () => {
        const b = cache[i++]!;
        return i === 1 ? b.subarray(0, b.length - 5) : b;
      },
      3,
    );
    await expect(readAllEvents(await openAedat4(cut))).rejects.toMatchObject({ kind: 'dataset-corrupt', message: expect.stringMatching(/Zstd frame.*not a whole Zstd frame/) });
    // Same length, garbage in the middle of the compressed data.
    const garbled = join(dir, 'garbled.aedat4');
    i = 0;
    await reencodeAedat4(
      src,
      garbled,
      () => {
        const b = Buffer.from(cache[i++]!);
        if (i === 1) b.fill(0xa5, 40, b.length - 20);
        return b;
      },
      3,
    );
    await expect(readAllEvents(await openAedat4(garbled))).rejects.toMatchObject({ kind: 'dataset-corrupt' });
  });
});
