import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import { SpikeflowError } from '@spikeflow/core';
import { corruptError, truncatedError } from '../events/truncated.js';

/** One member of a zip archive, from its central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

/**
 * List a zip archive's members from its central directory (PKWARE APPNOTE.TXT, sections 4.3.12 to
 * 4.3.16): the end-of-central-directory record is found in the last 64 KiB + 22 bytes, and each
 * central header gives the method, CRC-32, sizes and local-header offset. ZIP64 archives are
 * rejected as not supported.
 */
export async function listZip(file: string): Promise<ZipEntry[]> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLen = Math.min(size, 65557);
    const tail = new Uint8Array(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    const tv = new DataView(tail.buffer);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tv.getUint32(i, true) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw truncatedError(file, 'zip', size, 'the archive (no end-of-central-directory record)');
    const count = tv.getUint16(eocd + 10, true);
    const cdSize = tv.getUint32(eocd + 12, true);
    const cdOffset = tv.getUint32(eocd + 16, true);
    if (count === 0xffff || cdOffset === 0xffffffff) throw new SpikeflowError('not-supported', `zip '${file}' is a ZIP64 archive, which is not supported`, { file });
    if (cdOffset + cdSize > size) throw truncatedError(file, 'zip', size, 'the central directory');
    const cd = new Uint8Array(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const v = new DataView(cd.buffer);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let k = 0; k < count; k++) {
      if (at + 46 > cdSize || v.getUint32(at, true) !== 0x02014b50) throw corruptError(file, 'zip', cdOffset + at, 'expected a central directory header');
      const nameLen = v.getUint16(at + 28, true);
      const extraLen = v.getUint16(at + 30, true);
      const commentLen = v.getUint16(at + 32, true);
      entries.push({
        method: v.getUint16(at + 10, true),
        crc: v.getUint32(at + 16, true),
        compressedSize: v.getUint32(at + 20, true),
        size: v.getUint32(at + 24, true),
        localHeaderOffset: v.getUint32(at + 42, true),
        name: Buffer.from(cd.subarray(at + 46, at + 46 + nameLen)).toString('utf8'),
      });
      at += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

function crcCheck(expected: number, file: string, name: string): Transform {
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      done(crc >>> 0 === expected >>> 0 ? null : corruptError(file, 'zip', 0, `member '${name}' fails its CRC-32 check`));
    },
  });
}

/**
 * Extract a zip archive (stored or deflated members) into `dest`, streaming each member through
 * zlib and checking its CRC-32; each file is written beside its target and renamed into place.
 * Members whose path would leave `dest` are refused.
 *
 * @example
 * ```ts
 * const names = await extractZip('Train.zip', '/data/n-mnist');
 * ```
 */
export async function extractZip(file: string, dest: string, onEntry?: (done: number, total: number) => void): Promise<string[]> {
  const entries = await listZip(file);
  const fh = await open(file, 'r');
  const out: string[] = [];
  try {
    const head = new Uint8Array(30);
    const hv = new DataView(head.buffer);
    for (const [k, e] of entries.entries()) {
      const rel = normalize(e.name);
      if (rel.startsWith('..') || rel.startsWith(sep) || /^[a-zA-Z]:/.test(rel))
        throw corruptError(file, 'zip', e.localHeaderOffset, `member '${e.name}' points outside the destination`);
      const target = join(dest, rel);
      if (e.name.endsWith('/')) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await fh.read(head, 0, 30, e.localHeaderOffset);
      if (hv.getUint32(0, true) !== 0x04034b50) throw corruptError(file, 'zip', e.localHeaderOffset, `expected the local header of '${e.name}'`);
      const start = e.localHeaderOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
      if (e.method !== 0 && e.method !== 8)
        throw new SpikeflowError('not-supported', `zip '${file}': member '${e.name}' uses compression method ${e.method}; only stored (0) and deflate (8) are supported`, { file });
      await mkdir(dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.part`;
      if (e.compressedSize === 0) {
        await (await open(tmp, 'w')).close();
        await rename(tmp, target);
        out.push(target);
        continue;
      }
      const src = createReadStream(file, { start, end: start + e.compressedSize - 1 });
      const stages = e.method === 8 ? [createInflateRaw()] : [];
      await pipeline([src, ...stages, crcCheck(e.crc, file, e.name), createWriteStream(tmp)]);
      await rename(tmp, target);
      out.push(target);
      onEntry?.(k + 1, entries.length);
    }
  } finally {
    await fh.close();
  }
  return out;
}
