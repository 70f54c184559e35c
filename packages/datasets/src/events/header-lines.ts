import { open } from 'node:fs/promises';

/** Header lines read from the start of a file, and where the binary data begins. */
export interface HeaderLines {
  /** The lines without their line ending. */
  readonly lines: readonly string[];
  /** Byte offset just past the header. */
  readonly end: number;
  /** Size of the whole file in bytes. */
  readonly fileSize: number;
}

/**
 * Read the text header of a file whose header lines all start with `marker` (`%` for Prophesee,
 * `#` for AEDAT 2/3). It stops at the first line not starting with `marker`, or just after a line
 * equal to one of `terminators` (`% end`, `#!END-HEADER`), whichever comes first. Headers are
 * small, so it reads at most `limit` bytes.
 */
export async function readHeaderLines(file: string, marker: string, terminators: readonly string[] = [], limit = 1 << 20): Promise<HeaderLines> {
  const fh = await open(file, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    const n = Math.min(limit, fileSize);
    const buf = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await fh.read(buf, got, n - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const code = marker.charCodeAt(0);
    const lines: string[] = [];
    let at = 0;
    while (at < got && buf[at] === code) {
      const nl = buf.indexOf(0x0a, at);
      if (nl < 0) break; // a header line with no newline: the data starts here
      let stop = nl;
      if (stop > at && buf[stop - 1] === 0x0d) stop--;
      const text = Buffer.from(buf.buffer, buf.byteOffset + at, stop - at).toString('latin1');
      lines.push(text);
      at = nl + 1;
      if (terminators.includes(text)) break;
    }
    return { lines, end: at, fileSize };
  } finally {
    await fh.close();
  }
}
