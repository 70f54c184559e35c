import { writeFile } from 'node:fs/promises';

/** One member for {@link writeTar}. */
export interface TarTestMember {
  readonly name: string;
  /** '0' file (default), '1' hard link, '2' symbolic link, '5' folder. */
  readonly type?: string;
  readonly data?: Buffer;
  readonly linkName?: string;
}

/**
 * A ustar header written field by field from POSIX's table (name 100, mode 8, uid 8, gid 8,
 * size 12, mtime 12, chksum 8, typeflag 1, linkname 100, magic "ustar\0", version "00", ...), for
 * archives the real `tar` refuses to make (paths leaving the destination).
 */
export function tarHeader(m: TarTestMember): Buffer {
  const h = Buffer.alloc(512);
  const put = (s: string, at: number, len: number): void => void h.write(s, at, len, 'utf8');
  const octal = (n: number, len: number): string => n.toString(8).padStart(len - 1, '0');
  put(m.name, 0, 100);
  put(octal(m.type === '5' ? 0o755 : 0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(m.data?.length ?? 0, 12), 124, 12);
  put(octal(1_700_000_000, 12), 136, 12);
  put(m.type ?? '0', 156, 1);
  put(m.linkName ?? '', 157, 100);
  put('ustar\u0000', 257, 6);
  put('00', 263, 2);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${octal(sum, 7)}\u0000 `, 148, 8);
  return h;
}

/** Write a plain tar of `members` with the two closing zero blocks; returns its bytes. */
export async function writeTar(file: string, members: readonly TarTestMember[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const m of members) {
    parts.push(tarHeader(m));
    const d = m.data ?? Buffer.alloc(0);
    parts.push(d, Buffer.alloc((512 - (d.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  const out = Buffer.concat(parts);
  await writeFile(file, out);
  return out;
}
