import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { decompressFrameSync } from 'lz4-napi';
import { FlatbufferTable } from '../formats/aedat4/flatbuffer-table.js';

/**
 * Rewrite an LZ4-compressed AEDAT4 file with every packet body (and the file data table)
 * decompressed with lz4-napi and compressed again by `compress`, and the IOHeader's compression
 * field set to `compression` (3 = Zstd, 4 = ZstdHigh). The data table's byte offsets and packet
 * sizes are patched in place so the result is a consistent file, as DV would have written it.
 * Returns the new file's bytes.
 */
export async function reencodeAedat4(src: string, dest: string, compress: (data: Uint8Array) => Uint8Array, compression: number): Promise<Buffer> {
  const bytes = readFileSync(src);
  const n = bytes.readUInt32LE(14);
  const header = Buffer.from(bytes.subarray(0, 18 + n));
  const io = FlatbufferTable.root(header.subarray(18));
  const compressionAt = io.field(0)!;
  const tableAt = io.field(1)!;
  const oldTablePos = Number(header.readBigInt64LE(18 + tableAt));
  header.writeInt32LE(compression, 18 + compressionAt);
  const parts: Buffer[] = [header];
  let pos = header.length;
  const moved = new Map<number, { offset: number; size: number }>();
  for (let at = 18 + n; at < oldTablePos; ) {
    const id = bytes.readInt32LE(at);
    const size = bytes.readInt32LE(at + 4);
    const body = Buffer.from(compress(decompressFrameSync(bytes.subarray(at + 8, at + 8 + size))));
    const head = Buffer.alloc(8);
    head.writeInt32LE(id, 0);
    head.writeInt32LE(body.length, 4);
    parts.push(head, body);
    moved.set(at + 8, { offset: pos + 8, size: body.length });
    pos += 8 + body.length;
    at += 8 + size;
  }
  // FileDataTable (size-prefixed): field 0 is a vector of FileDataDefinition tables, each with
  // ByteOffset (int64, field 0: where the packet's body starts) and PacketInfo (struct
  // {int32 streamId; int32 size}, field 1).
  const table = Buffer.from(decompressFrameSync(bytes.subarray(oldTablePos)));
  const root = FlatbufferTable.root(table, 4);
  const vec = root.vector(0)!;
  for (let i = 0; i < vec.length; i++) {
    const el = vec.start + 4 * i;
    const def = new FlatbufferTable(table, el + table.readUInt32LE(el));
    const offAt = def.field(0)!;
    const info = def.field(1)!;
    const m = moved.get(Number(table.readBigInt64LE(offAt)));
    if (m === undefined) throw new Error(`data table entry ${i} points at no packet body`);
    table.writeBigInt64LE(BigInt(m.offset), offAt);
    table.writeInt32LE(m.size, info + 4);
  }
  header.writeBigInt64LE(BigInt(pos), 18 + tableAt);
  parts.push(Buffer.from(compress(table)));
  const out = Buffer.concat(parts);
  await writeFile(dest, out);
  return out;
}
