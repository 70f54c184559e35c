import { writeFile } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

/** What the local header and the central directory record both say about one member. */
interface EntryFields {
  readonly method: number;
  readonly crc: number;
  readonly compressed: number;
  readonly size: number;
  readonly nameLength: number;
}

/**
 * Write the run of fields the local header and the central directory record share, starting at
 * `at` (4 in the local header, 6 in the central record): version needed (2.0), flags (0), method,
 * time and date (0), CRC-32, compressed and uncompressed size, name length.
 */
function writeEntryFields(b: Buffer, at: number, e: EntryFields): void {
  b.writeUInt16LE(20, at);
  b.writeUInt16LE(e.method, at + 4);
  b.writeUInt32LE(e.crc, at + 10);
  b.writeUInt32LE(e.compressed, at + 14);
  b.writeUInt32LE(e.size, at + 18);
  b.writeUInt16LE(e.nameLength, at + 22);
}

/**
 * Write a zip archive laid out as PKWARE APPNOTE.TXT describes (local headers, central directory,
 * end record); members are deflated unless `store` is set. Directories are names ending in `/`.
 */
export async function writeZip(file: string, members: { name: string; data?: Uint8Array; store?: boolean }[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const data = m.data ?? new Uint8Array(0);
    const method = m.name.endsWith('/') || m.store ? 0 : 8;
    const body = method === 8 ? deflateRawSync(data) : Buffer.from(data);
    const crc = crc32(data) >>> 0;
    const entry = { method, crc, compressed: body.length, size: data.length, nameLength: name.length };
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(lh, 4, entry);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4); // version made by
    writeEntryFields(ch, 6, entry);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, body);
    centrals.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...locals, cd, end]);
  await writeFile(file, zip);
  return zip;
}
