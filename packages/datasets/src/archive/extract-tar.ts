import { createReadStream } from 'node:fs';
import { link, lstat, mkdir, open, rename, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SpikeflowError } from '@spikeflow/core';

const BLOCK = 512;
/** Pax headers and GNU long names are read into memory; anything larger is not a real one. */
const MAX_META_BYTES = 1 << 20;

/** Options of {@link extractTar}. */
export interface ExtractTarOptions {
  /**
   * Called after each extracted member with the bytes of the archive file read so far and its
   * size (a tar has no index, so the member count is not known up front).
   */
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void;
}

/**
 * Pulls bytes from a stream on demand, so at most one stream chunk (plus a 512-byte header) is
 * held in memory whatever the archive's size.
 */
class ByteSource {
  private readonly chunks: Buffer[] = [];
  /** Bytes handed out so far: the offset in the (uncompressed) tar stream. */
  pos = 0;

  constructor(private readonly it: AsyncIterator<Buffer>) {}

  /** The next at most `max` bytes (one chunk or part of one), or undefined at the end. */
  async next(max: number): Promise<Buffer | undefined> {
    if (this.chunks.length === 0) {
      const r = await this.it.next();
      if (r.done) return undefined;
      this.chunks.push(r.value);
    }
    const first = this.chunks[0]!;
    if (first.length <= max) {
      this.chunks.shift();
      this.pos += first.length;
      return first;
    }
    this.chunks[0] = first.subarray(max);
    this.pos += max;
    return first.subarray(0, max);
  }

  /** Exactly `n` bytes, or fewer when the stream ends first. */
  async read(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const c = await this.next(n - got);
      if (c === undefined) break;
      parts.push(c);
      got += c.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/** What one header (with any pax / GNU long-name records before it) describes. */
interface TarMember {
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly mode: number;
  readonly linkName: string;
  /** Offset of the member's header in the tar stream. */
  readonly offset: number;
}

function cString(b: Buffer, start: number, end: number): string {
  const z = b.indexOf(0, start);
  return b.toString('utf8', start, z >= start && z < end ? z : end);
}

/**
 * A numeric header field: octal ASCII padded with NULs or spaces, or GNU's base-256 form (high
 * bit of the first byte set) used for sizes of 8 GiB and more.
 */
function numeric(b: Buffer, start: number, len: number): number | undefined {
  if (b[start]! & 0x80) {
    if (b[start] === 0xff) return undefined; // negative
    let v = b[start]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[start + i]!;
    return Number.isSafeInteger(v) ? v : undefined;
  }
  const s = b
    .toString('latin1', start, start + len)
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (!/^[0-7]*$/.test(s)) return undefined;
  return s === '' ? 0 : parseInt(s, 8);
}

/**
 * The header checksum of POSIX.1-1988 ustar: the sum of the 512 header bytes with the checksum
 * field counted as eight spaces. Some old writers summed signed bytes, so both are accepted.
 */
function checksumMatches(h: Buffer, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** Parse pax extended-header records, each `<length> <key>=<value>\n` (POSIX.1-2001 pax). */
function parsePax(data: Buffer): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break; // trailing NUL padding some writers leave
    const sp = data.indexOf(0x20, at);
    if (sp < 0) return undefined;
    const len = Number(data.toString('latin1', at, sp));
    if (!Number.isInteger(len) || len <= sp - at + 1 || at + len > data.length || data[at + len - 1] !== 0x0a) return undefined;
    const rec = data.toString('utf8', sp + 1, at + len - 1);
    const eq = rec.indexOf('=');
    if (eq < 0) return undefined;
    out.set(rec.slice(0, eq), rec.slice(eq + 1));
    at += len;
  }
  return out;
}

/**
 * Check an archive path and turn it into path parts below the destination: absolute paths, drive
 * letters and any `..` part are refused rather than rewritten (GNU tar strips a leading `/`; a
 * dataset archive that needs that is not one to trust).
 */
function safeParts(name: string): string[] | undefined {
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return undefined;
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return undefined;
  return parts;
}

/**
 * Whether a symbolic link at `parts` with target `linkName` stays below the destination. The
 * target must be relative and may climb (`..`) only at its start, at most as many levels as the
 * link is deep: a `..` after a name is refused, because if that name is itself a link the kernel
 * climbs from where the link points, not from where the text suggests (`a/l/..` with `a/l -> ..`).
 */
function symlinkStaysInside(parts: readonly string[], linkName: string): boolean {
  if (linkName === '' || linkName.startsWith('/')) return false;
  const t = linkName.split('/').filter((p) => p !== '' && p !== '.');
  let up = 0;
  while (up < t.length && t[up] === '..') up++;
  return up <= parts.length - 1 && !t.slice(up).includes('..');
}

/**
 * Extract a tar archive — plain, or gzip-compressed (`.tar.gz`, `.tgz`; detected by its magic
 * bytes) — into `dest`, streaming: the file is read through node:zlib's gunzip into a parser of
 * the POSIX ustar format (POSIX.1-1988, IEEE Std 1003.1 "ustar Interchange Format") with its
 * pax extended headers (POSIX.1-2001: `path`, `linkpath`, `size`) and GNU tar's long-name and
 * long-link records (`L`, `K`) and base-256 sizes, so memory stays bounded by a stream chunk.
 *
 * Safety: every header checksum is checked; member paths that are absolute or contain `..`,
 * symbolic links whose target resolves outside `dest`, hard links to paths outside it, and
 * members that would be written through a symbolic link extracted earlier are all refused with a
 * `dataset-corrupt` error, before anything is written for that member. Devices, FIFOs and sparse
 * files are refused as `not-supported`. Each file is written beside its target and renamed into
 * place, so a target is never seen half-written. An archive cut short gives `file-truncated`
 * (including a gzip stream that ends early and a tar without its end-of-archive blocks); bad
 * bytes give `dataset-corrupt`.
 *
 * Returns the paths of the files and links extracted, in archive order.
 *
 * @example
 * ```ts
 * const files = await extractTar('DvsGesture.tar.gz', '/data/dvs128-gesture');
 * ```
 */
export async function extractTar(file: string, dest: string, options: ExtractTarOptions = {}): Promise<string[]> {
  const totalBytes = (await stat(file)).size;
  const magic = Buffer.alloc(2);
  const fh = await open(file, 'r');
  try {
    await fh.read(magic, 0, 2, 0);
  } finally {
    await fh.close();
  }
  const gzip = magic[0] === 0x1f && magic[1] === 0x8b;
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let stream: Readable = raw;
  if (gzip) {
    // Larger output chunks than zlib's 16 KiB default: fewer, larger file writes.
    const gunzip = createGunzip({ chunkSize: 256 << 10 });
    raw.on('error', (e) => gunzip.destroy(e));
    stream = raw.pipe(gunzip);
  }
  const what = gzip ? 'gzip-compressed tar' : 'tar';
  const truncated = (offset: number, inside: string): SpikeflowError =>
    new SpikeflowError('file-truncated', `${what} archive '${file}' is truncated: its tar stream ends at byte ${offset} inside ${inside}`, { file, offset });
  const corrupt = (offset: number, why: string): SpikeflowError =>
    new SpikeflowError('dataset-corrupt', `${what} archive '${file}' is not valid at byte ${offset} of its tar stream: ${why}`, { file, offset });
  const src = new ByteSource(stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const out: string[] = [];
  await mkdir(dest, { recursive: true });
  try {
    await extractMembers(src, dest, out, truncated, corrupt, () => options.onProgress?.(raw.bytesRead, totalBytes));
    // Read what follows the end-of-archive blocks (zero padding to the record size) so gunzip
    // checks the gzip trailer's CRC-32 and length: a cut .tar.gz is caught even there.
    if (gzip) while ((await src.next(1 << 20)) !== undefined);
  } catch (e) {
    if (e instanceof SpikeflowError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR') throw truncated(src.pos, 'the gzip stream (it ends before its trailer)');
    if (typeof code === 'string' && code.startsWith('Z_')) throw corrupt(src.pos, `the gzip stream does not decode (${(e as Error).message})`);
    throw e;
  } finally {
    stream.destroy();
    raw.destroy();
  }
  options.onProgress?.(totalBytes, totalBytes);
  return out;
}

async function extractMembers(
  src: ByteSource,
  dest: string,
  out: string[],
  truncated: (offset: number, inside: string) => SpikeflowError,
  corrupt: (offset: number, why: string) => SpikeflowError,
  progress: () => void,
): Promise<void> {
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  // Directories checked (by lstat) not to be symbolic links; see `checkParents`.
  const realDirs = new Set<string>();

  const readData = async (size: number, inside: string): Promise<Buffer> => {
    if (size > MAX_META_BYTES) throw corrupt(src.pos, `${inside} claims ${size} bytes (more than ${MAX_META_BYTES})`);
    const data = await src.read(size);
    if (data.length < size) throw truncated(src.pos, inside);
    await skipPadding(size, inside);
    return data;
  };
  const skipPadding = async (size: number, inside: string): Promise<void> => {
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if ((await src.read(pad)).length < pad) throw truncated(src.pos, `the padding of ${inside}`);
  };
  const skip = async (size: number, inside: string): Promise<void> => {
    for (let left = size; left > 0; ) {
      const c = await src.next(left);
      if (c === undefined) throw truncated(src.pos, inside);
      left -= c.length;
    }
    await skipPadding(size, inside);
  };
  // Refuse to write through a symbolic link an earlier member made (`a -> /etc`, then `a/passwd`).
  const checkParents = async (parts: string[], m: TarMember): Promise<void> => {
    let cur = dest;
    for (const p of parts.slice(0, -1)) {
      cur = join(cur, p);
      if (realDirs.has(cur)) continue;
      const st = await lstat(cur).catch(() => undefined);
      if (st === undefined) return; // nothing further exists yet; mkdir makes real folders
      if (st.isSymbolicLink()) throw corrupt(m.offset, `member '${m.name}' would be written through the symbolic link '${parts.join('/')}'`);
      realDirs.add(cur);
    }
  };

  for (;;) {
    const offset = src.pos;
    const h = await src.read(BLOCK);
    if (h.length === 0) throw truncated(offset, 'the archive (it ends without the two zero blocks that close a tar)');
    if (h.length < BLOCK) throw truncated(offset + h.length, 'a member header');
    if (h.every((b) => b === 0)) return; // end of archive (a second zero block, or padding, follows)
    const stored = numeric(h, 148, 8);
    if (stored === undefined || !checksumMatches(h, stored)) throw corrupt(offset, `header checksum mismatch (stored ${h.toString('latin1', 148, 156).replace(/\0/g, '\\0')})`);
    const type = String.fromCharCode(h[156]!);
    let size = numeric(h, 124, 12);
    if (size === undefined) throw corrupt(offset, `bad size field '${h.toString('latin1', 124, 136)}'`);
    const ustar = h.toString('latin1', 257, 263) === 'ustar\0';
    const prefix = ustar ? cString(h, 345, 500) : '';
    let name = cString(h, 0, 100);
    if (prefix !== '') name = `${prefix}/${name}`;

    if (type === 'x' || type === 'g') {
      const records = parsePax(await readData(size, 'a pax extended header'));
      if (records === undefined) throw corrupt(offset, 'malformed pax extended header records');
      // Global headers ('g') would apply to all later members; datasets do not use them for
      // paths or sizes, so only per-member ones ('x') are honoured.
      if (type === 'x') pax = records;
      continue;
    }
    if (type === 'L' || type === 'K') {
      const data = await readData(size, `a GNU long ${type === 'L' ? 'name' : 'link name'}`);
      const z = data.indexOf(0);
      const value = data.toString('utf8', 0, z < 0 ? data.length : z);
      if (type === 'L') longName = value;
      else longLink = value;
      continue;
    }
    const paxSize = pax.get('size');
    if (paxSize !== undefined) {
      if (!/^\d+$/.test(paxSize)) throw corrupt(offset, `bad pax size '${paxSize}'`);
      size = Number(paxSize);
    }
    const m: TarMember = {
      name: pax.get('path') ?? longName ?? name,
      linkName: pax.get('linkpath') ?? longLink ?? cString(h, 157, 257),
      type,
      size,
      mode: numeric(h, 100, 8) ?? 0o644,
      offset,
    };
    pax = new Map();
    longName = undefined;
    longLink = undefined;

    if (type === 'V') {
      await skip(m.size, 'a volume label');
      continue;
    }
    if ('346SM'.includes(type)) {
      const kinds: Record<string, string> = { '3': 'a character device', '4': 'a block device', '6': 'a FIFO', S: 'a GNU sparse file', M: 'a multi-volume continuation' };
      throw new SpikeflowError('not-supported', `tar member '${m.name}' is ${kinds[type]}, which is not extracted (only files, folders and links are)`, { offset });
    }
    if (m.name === '') throw corrupt(offset, 'member with an empty name');
    const parts = safeParts(m.name);
    if (parts === undefined) throw corrupt(offset, `member '${m.name}' points outside the destination (absolute path or '..')`);
    if (parts.length === 0) {
      // './' itself
      await skip(m.size, `member '${m.name}'`);
      continue;
    }
    await checkParents(parts, m);
    const target = join(dest, ...parts);

    if (type === '5' || type === 'D') {
      await mkdir(target, { recursive: true });
      await skip(m.size, `member '${m.name}'`); // GNU dumpdir ('D') data is a listing, not needed
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    if (type === '2') {
      if (!symlinkStaysInside(parts, m.linkName)) {
        throw corrupt(offset, `symbolic link '${m.name}' -> '${m.linkName}' points outside the destination`);
      }
      const tmp = `${target}.${process.pid}.part`;
      await rm(tmp, { force: true });
      await symlink(m.linkName, tmp);
      await rename(tmp, target);
      realDirs.delete(target);
      await skip(m.size, `member '${m.name}'`);
      out.push(target);
      progress();
      continue;
    }
    if (type === '1') {
      const linkParts = safeParts(m.linkName);
      if (linkParts === undefined || linkParts.length === 0) throw corrupt(offset, `hard link '${m.name}' -> '${m.linkName}' points outside the destination`);
      await checkParents(linkParts, { ...m, name: m.linkName });
      const existing = join(dest, ...linkParts);
      if ((await lstat(existing).catch(() => undefined)) === undefined) throw corrupt(offset, `hard link '${m.name}' -> '${m.linkName}' names a member not extracted before it`);
      const tmp = `${target}.${process.pid}.part`;
      await rm(tmp, { force: true });
      await link(existing, tmp);
      await rename(tmp, target);
      await skip(m.size, `member '${m.name}'`);
      out.push(target);
      progress();
      continue;
    }
    // Regular file ('0', NUL, contiguous '7'; POSIX says to treat unknown types the same way).
    const tmp = `${target}.${process.pid}.part`;
    const w = await open(tmp, 'w', m.mode & 0o777 || 0o644);
    try {
      for (let left = m.size; left > 0; ) {
        const c = await src.next(Math.min(left, 1 << 20));
        if (c === undefined) throw truncated(src.pos, `the ${m.size}-byte data of member '${m.name}'`);
        await w.write(c);
        left -= c.length;
      }
      await w.close();
      await skipPadding(m.size, `member '${m.name}'`);
      await rename(tmp, target);
    } catch (e) {
      await w.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw e;
    }
    out.push(target);
    progress();
  }
}
