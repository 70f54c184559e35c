import { open, stat } from 'node:fs/promises';
import { SpikeflowError } from '@spikeflow/core';
import { eventBatch, type EventBatch } from '../../events/event-batch.js';
import type { EventFile, EventFileInfo, EventReadOptions } from '../../events/event-file.js';
import { EventChecker } from '../../events/event-checker.js';
import { corruptError, truncatedError } from '../../events/truncated.js';
import { FlatbufferTable } from './flatbuffer-table.js';
import { lz4FrameBound } from './lz4-frame-bound.js';
import { zstdFrameBound } from './zstd-frame-bound.js';

/** The largest IOHeader accepted (its XML describes a handful of streams). */
const MAX_IO_HEADER_BYTES = 16 << 20;

/** The 14 bytes every AEDAT 4.0 file starts with. */
export const AEDAT4_MAGIC = '#!AER-DAT4.0\r\n';

const COMPRESSION = ['none', 'lz4', 'lz4-high', 'zstd', 'zstd-high'] as const;

/** One stream declared in an AEDAT4 header. */
export interface Aedat4Stream {
  readonly id: number;
  readonly typeIdentifier: string;
  readonly width?: number;
  readonly height?: number;
  readonly source?: string;
}

/** What an AEDAT4 header says. */
export interface Aedat4Header {
  readonly compression: (typeof COMPRESSION)[number];
  /** Where the file data table starts (-1 when the file was not closed properly). */
  readonly dataTablePosition: number;
  /** Byte offset of the first packet. */
  readonly packetsStart: number;
  readonly streams: readonly Aedat4Stream[];
  readonly xml: string;
}

function parseStreams(xml: string): Aedat4Stream[] {
  // Each output is a `<node name="<id>" path=".../<id>/">` holding its attributes and an `info`
  // node; an output's text runs to the next numbered node.
  const heads = [...xml.matchAll(/<node name="(\d+)" path="[^"]*">/g)];
  return heads.map((m, i) => {
    const body = xml.slice(m.index, heads[i + 1]?.index ?? xml.length);
    const attr = (key: string): string | undefined => new RegExp(`<attr key="${key}" type="[^"]*">([^<]*)</attr>`).exec(body)?.[1];
    const sx = attr('sizeX');
    const sy = attr('sizeY');
    return {
      id: Number(m[1]),
      typeIdentifier: attr('typeIdentifier') ?? '',
      width: sx === undefined ? undefined : Number(sx),
      height: sy === undefined ? undefined : Number(sy),
      source: attr('source'),
    };
  });
}

async function readExactly(fh: import('node:fs/promises').FileHandle, pos: number, n: number): Promise<Uint8Array> {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const { bytesRead } = await fh.read(buf, got, n - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === n ? buf : buf.subarray(0, got);
}

/**
 * lz4-napi ships a native binary per platform; it is loaded only when an LZ4 file is read, so the
 * package still loads (and reads every other format) where no binary exists.
 */
async function loadLz4(file: string): Promise<(data: Buffer) => Buffer> {
  try {
    return (await import('lz4-napi')).decompressFrameSync;
  } catch (e) {
    throw new SpikeflowError('not-supported', `cannot read LZ4-compressed AEDAT4 file '${file}': the lz4-napi library has no binary for this platform (${(e as Error).message})`, {
      file,
    });
  }
}

/** How one packet body (or the data table) is decompressed, and how a whole frame is recognised. */
interface Aedat4Codec {
  readonly name: string;
  readonly decompress: (data: Uint8Array) => Uint8Array;
  /** The frame's length and the most it can inflate to, from its headers alone; undefined when it is not a whole frame. */
  readonly bound: (data: Uint8Array) => { length: number; maxContentBytes: number } | undefined;
}

/**
 * Default largest decompressed packet: 64 MiB is 4 Mi events, far above what DV writes per packet
 * (it cuts packets every few milliseconds), and small enough that a forged packet cannot exhaust
 * memory.
 */
export const AEDAT4_MAX_PACKET_BYTES = 64 << 20;

async function codecFor(file: string, compression: Aedat4Header['compression']): Promise<Aedat4Codec | undefined> {
  if (compression === 'none') return undefined;
  if (compression === 'lz4' || compression === 'lz4-high') {
    const lz4 = await loadLz4(file);
    return { name: 'LZ4', decompress: (d) => lz4(Buffer.from(d.buffer, d.byteOffset, d.byteLength)), bound: lz4FrameBound };
  }
  // fzstd is pure JavaScript (no native binary), so it is always there; DV writes each packet as
  // one Zstd frame (ZSTD_compress), possibly without a content size, which fzstd handles.
  const { decompress } = await import('fzstd');
  return {
    name: 'Zstd',
    decompress: (d) => {
      // Walk the frame first so a cut or padded packet gets a message saying so, rather than
      // whatever fzstd reports from deep inside its entropy decoder.
      if (zstdFrameBound(d)?.length !== d.length) throw new Error(`the ${d.length}-byte body is not a whole Zstd frame (cut short or trailing bytes)`);
      return decompress(d);
    },
    bound: zstdFrameBound,
  };
}

/** Read and check an AEDAT4 file's magic and IOHeader. */
export async function readAedat4Header(file: string): Promise<Aedat4Header> {
  const fh = await open(file, 'r');
  try {
    const head = await readExactly(fh, 0, 18);
    const magic = Buffer.from(head.subarray(0, 14)).toString('latin1');
    if (head.length >= 14 && magic !== AEDAT4_MAGIC) {
      throw new SpikeflowError('format-unknown', `'${file}' is not an AEDAT 4.0 file: it starts with ${JSON.stringify(magic)}, expected ${JSON.stringify(AEDAT4_MAGIC)}`, { file });
    }
    if (head.length < 18) throw truncatedError(file, 'AEDAT4', head.length, 'the file header');
    const n = new DataView(head.buffer).getUint32(14, true);
    // The length comes from the file: compare it with the file before allocating that much.
    const fileSize = (await fh.stat()).size;
    if (18 + n > fileSize) throw truncatedError(file, 'AEDAT4', fileSize, `the ${n}-byte IOHeader`);
    // DV's IOHeader is a few kilobytes of XML; a length in the megabytes is a damaged field.
    if (n > MAX_IO_HEADER_BYTES) throw corruptError(file, 'AEDAT4', 14, `IOHeader length ${n} bytes; expected at most ${MAX_IO_HEADER_BYTES}`);
    const body = await readExactly(fh, 18, n);
    if (body.length < n) throw truncatedError(file, 'AEDAT4', 18 + body.length, `the ${n}-byte IOHeader`);
    let compression: Aedat4Header['compression'] | undefined;
    let c: number;
    let xml: string;
    let dataTablePosition: number;
    try {
      const table = FlatbufferTable.root(body);
      c = table.int32(0, 0);
      compression = COMPRESSION[c];
      dataTablePosition = table.int64(1, -1);
      xml = table.string(2) ?? '';
    } catch (e) {
      throw corruptError(file, 'AEDAT4', 18, `bad ${n}-byte IOHeader flatbuffer (${(e as Error).message})`);
    }
    if (compression === undefined) throw corruptError(file, 'AEDAT4', 18, `unknown compression ${c}, expected 0..4`);
    if (dataTablePosition !== -1 && (dataTablePosition < 18 + n || !Number.isSafeInteger(dataTablePosition))) {
      throw corruptError(file, 'AEDAT4', 18, `data-table position ${dataTablePosition} lies inside the header; expected -1 or at least ${18 + n}`);
    }
    return { compression, dataTablePosition, packetsStart: 18 + n, streams: parseStreams(xml), xml };
  } finally {
    await fh.close();
  }
}

/** Decode the polarity events of one decompressed EventPacket (a size-prefixed flatbuffer). */
export function decodeAedat4EventPacket(body: Uint8Array): EventBatch {
  const table = FlatbufferTable.root(body, 4);
  const vec = table.vector(0, 16);
  if (vec === undefined) return eventBatch(0);
  const out = eventBatch(vec.length);
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let i = 0, o = vec.start; i < vec.length; i++, o += 16) {
    // struct Event { int64 t; int16 x; int16 y; bool on; } padded to 16 bytes
    out.t[i] = Number(v.getBigInt64(o, true));
    out.x[i] = v.getInt16(o + 8, true);
    out.y[i] = v.getInt16(o + 10, true);
    out.p[i] = body[o + 12]! ? 1 : 0;
  }
  return out;
}

/**
 * Open an AEDAT 4.0 recording (iniVation DV; CIFAR10-DVS's re-release) and stream the polarity
 * events of its first event stream (`typeIdentifier` EVTS), packet by packet.
 *
 * Format: iniVation's "AEDAT 4.0" file-format documentation
 * (https://docs.inivation.com/software/software-advanced-usage/file-formats/aedat-4.0.html) and
 * the flatbuffer schemas of dv-processing (`IOHeader`, `EventPacket`): the magic
 * `#!AER-DAT4.0\r\n`, a uint32-length IOHeader flatbuffer (compression, data-table position, XML
 * stream description), then packets of int32 stream id, int32 size and a body — an LZ4 frame
 * when compression is LZ4 (decoded with lz4-napi), a Zstandard frame (RFC 8878) when it is Zstd
 * (decoded with the pure-JS fzstd) — holding a size-prefixed EventPacket whose elements are
 * 16-byte `{int64 t, int16 x, int16 y, bool on}`. A packet cut short by the end of the file is
 * reported as truncated; a packet whose compressed frame is cut or garbled as corrupt.
 *
 * @example
 * ```ts
 * const file = await openAedat4('sample.aedat4');
 * file.info.width; // 320 for a DVXplorer
 * ```
 */
export async function openAedat4(file: string, options: EventReadOptions & { streamId?: number; maxPacketBytes?: number } = {}): Promise<EventFile> {
  const header = await readAedat4Header(file);
  const stream = options.streamId === undefined ? header.streams.find((s) => s.typeIdentifier === 'EVTS') : header.streams.find((s) => s.id === options.streamId);
  if (stream === undefined) {
    throw new SpikeflowError(
      'not-supported',
      `AEDAT4 file '${file}' has no event stream (EVTS); its streams are ${header.streams.map((s) => `${s.id}:${s.typeIdentifier}`).join(', ') || 'none'}`,
      { file },
    );
  }
  const codec = await codecFor(file, header.compression);
  const maxPacket = options.maxPacketBytes ?? AEDAT4_MAX_PACKET_BYTES;
  const hdr: Record<string, string> = { compression: header.compression, dataTablePosition: String(header.dataTablePosition), streamId: String(stream.id) };
  if (stream.source !== undefined) hdr['source'] = stream.source;
  const info: EventFileInfo = { format: 'aedat4', file, width: stream.width, height: stream.height, header: hdr };
  const end = header.dataTablePosition >= 0 ? header.dataTablePosition : (await stat(file)).size;
  return {
    info,
    async *batches(): AsyncGenerator<EventBatch> {
      const fh = await open(file, 'r');
      const check = new EventChecker(file, 'AEDAT4', { width: stream.width, height: stream.height, sizeFrom: `the header's sizeX/sizeY of stream ${stream.id}` });
      try {
        const fileSize = (await fh.stat()).size;
        // A packet running past the data table is a wrong size in a complete file, and a cut file
        // only when the file really ends before the data table.
        const overrun = (pos: number, size: number, id: number): SpikeflowError =>
          fileSize > end
            ? corruptError(
                file,
                'AEDAT4',
                pos,
                `the packet of stream ${id} declares ${size} bytes, which runs ${pos + 8 + size - end} bytes past the file data table at byte ${end} (the file has ${fileSize} bytes, so it is not cut short there); the packet size is wrong`,
              )
            : truncatedError(file, 'AEDAT4', fileSize, `a ${size}-byte packet of stream ${id}`);
        let pos = header.packetsStart;
        while (pos < end) {
          const ph = await readExactly(fh, pos, 8);
          if (ph.length === 0 && header.dataTablePosition < 0) return;
          if (ph.length < 8) throw truncatedError(file, 'AEDAT4', pos + ph.length, 'a packet header');
          const dv = new DataView(ph.buffer);
          const id = dv.getInt32(0, true);
          const size = dv.getInt32(4, true);
          if (size < 0) throw corruptError(file, 'AEDAT4', pos, `negative packet size ${size}`);
          if (pos + 8 + size > end) throw overrun(pos, size, id);
          if (codec === undefined && size > maxPacket) throw tooLarge(file, pos, id, size, maxPacket);
          const raw = await readExactly(fh, pos + 8, size);
          if (raw.length < size) throw truncatedError(file, 'AEDAT4', pos + 8 + raw.length, `a ${size}-byte packet of stream ${id}`);
          if (codec !== undefined) {
            // Every packet (of any stream) is one whole frame; its headers bound what it inflates to.
            const bound = codec.bound(raw);
            if (bound === undefined || bound.length !== size) {
              throw corruptError(
                file,
                'AEDAT4',
                pos + 8,
                `the packet of stream ${id} declares ${size} bytes, but its ${codec.name} frame ${bound === undefined ? `does not end there (they are not a whole ${codec.name} frame)` : `is ${bound.length} bytes`}; the packet size or the frame is wrong`,
              );
            }
            if (bound.maxContentBytes > maxPacket) throw tooLarge(file, pos, id, bound.maxContentBytes, maxPacket);
          }
          pos += 8 + size;
          if (id !== stream.id) continue;
          let body: Uint8Array;
          try {
            body = codec === undefined ? raw : codec.decompress(raw);
          } catch (e) {
            throw corruptError(file, 'AEDAT4', pos - size, `${codec!.name} frame of a ${size}-byte packet of stream ${id} does not decode (${(e as Error).message})`);
          }
          let batch: EventBatch;
          try {
            batch = decodeAedat4EventPacket(body);
          } catch (e) {
            throw corruptError(file, 'AEDAT4', pos - size, `bad EventPacket (${(e as Error).message})`);
          }
          check.batch(batch, pos - size, 'in the packet');
          if (batch.length > 0) yield batch;
        }
        if (header.dataTablePosition >= 0 && codec !== undefined) {
          // The file data table (a compressed frame to the end of the file) is written last, so a
          // file cut after its packets shows up only here.
          const size = fileSize - header.dataTablePosition;
          if (size > maxPacket)
            throw corruptError(file, 'AEDAT4', header.dataTablePosition, `the file data table would be ${size} bytes (to the end of the file); expected at most ${maxPacket}`);
          const table = await readExactly(fh, header.dataTablePosition, Math.max(0, size));
          if (codec.bound(table) === undefined) {
            throw truncatedError(file, 'AEDAT4', header.dataTablePosition + table.length, `the file data table (its ${codec.name} frame does not end)`);
          }
        }
      } finally {
        await fh.close();
      }
    },
  };
}

function tooLarge(file: string, pos: number, id: number, bytes: number, max: number): SpikeflowError {
  return corruptError(
    file,
    'AEDAT4',
    pos,
    `the packet of stream ${id} would decompress to as much as ${bytes} bytes, more than the ${max}-byte packet limit (option maxPacketBytes); refusing it rather than exhausting memory`,
  );
}
