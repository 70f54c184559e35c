import { copyFile } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { openAedat4, readAedat4Header } from './open-aedat4.js';
import { FlatbufferTable } from './flatbuffer-table.js';
import { readAllEvents } from '../../events/read-all-events.js';
import { eventSample } from '../../test-utils/event-data.js';

// Variants of the real DVXplorer sample with one header field changed in place.
async function patched(edit: (bytes: Buffer) => void): Promise<string | undefined> {
  const src = eventSample('aedat4/sample.aedat4');
  if (src === undefined) return undefined;
  const out = join(await tempDir(), 'x.aedat4');
  await copyFile(src, out);
  const bytes = readFileSync(out);
  edit(bytes);
  writeFileSync(out, bytes);
  return out;
}

describe('openAedat4 header handling (real sample)', () => {
  it('reads the IOHeader: LZ4, the data-table position and the three streams from the XML', async () => {
    const src = eventSample('aedat4/sample.aedat4');
    if (src === undefined) return;
    const h = await readAedat4Header(src);
    expect(h.compression).toBe('lz4');
    expect(h.dataTablePosition).toBe(945243); // SOURCES.md
    expect(h.packetsStart).toBe(14 + 4 + 2316);
    expect(h.streams.map((s) => [s.id, s.typeIdentifier])).toEqual([
      [0, 'EVTS'],
      [2, 'IMUS'],
      [3, 'TRIG'],
    ]);
    expect(h.streams[0]).toMatchObject({ width: 320, height: 240, source: 'DVXplorer_DXB00010' });
  });

  it('reports LZ4 packets in a file whose header says Zstd as corrupt, files without an event stream as not supported, and other magics as unknown', async () => {
    const zstd = await patched((b) => {
      const t = FlatbufferTable.root(b.subarray(18));
      b.writeInt32LE(3, 18 + t.field(0)!);
    });
    if (zstd === undefined) return;
    await expect(readAllEvents(await openAedat4(zstd))).rejects.toMatchObject({ kind: 'dataset-corrupt', message: expect.stringMatching(/Zstd frame/) });
    const noEvents = await patched((b) => {
      const at = b.indexOf('<attr key="typeIdentifier" type="string">EVTS<');
      b.write('XXXX', at + '<attr key="typeIdentifier" type="string">'.length, 'latin1');
    });
    await expect(openAedat4(noEvents!)).rejects.toMatchObject({ kind: 'not-supported', message: expect.stringMatching(/no event stream.*0:XXXX/) });
    const magic = await patched((b) => b.write('#!AER-DAT9.9', 0, 'latin1'));
    await expect(openAedat4(magic!)).rejects.toMatchObject({ kind: 'format-unknown' });
  });
});
