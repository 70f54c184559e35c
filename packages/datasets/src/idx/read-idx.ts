import * as buffer from 'node:buffer';
import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SpikeflowError } from '@spikeflow/core';

/** IDX element types, by the type byte of the magic number (LeCun's MNIST page lists them). */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds each dtype's values. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

const DTYPES: Readonly<Record<number, { dtype: IdxDType; bytes: number }>> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

/** A parsed IDX file: its element type, dimensions and values (row-major, host byte order). */
export interface IdxArray {
  /** Where the bytes came from, for messages. */
  readonly source: string;
  readonly dtype: IdxDType;
  readonly dims: readonly number[];
  readonly data: IdxData;
  /** True when the bytes were gzip-compressed. */
  readonly gzipped: boolean;
  /** The whole decompressed file (header + payload), e.g. to hash it. */
  readonly bytes: Uint8Array;
}

/** What the caller expects of a file; a mismatch is reported as a corrupt file. */
export interface IdxExpectation {
  readonly dtype?: IdxDType;
  /** Expected dimensions; `null` leaves one free (e.g. `[null, 28, 28]`). Also fixes the rank. */
  readonly dims?: readonly (number | null)[];
  /**
   * The largest (decompressed) file accepted, header included. A header claiming more is refused
   * before anything is allocated or decompressed, so a forged header or a gzip bomb cannot
   * exhaust memory.
   */
  readonly maxBytes?: number;
}

/** Extras of {@link readIdx}. */
export interface ReadIdxOptions {
  /** Called with the file's bytes as read from disk (compressed when gzipped), e.g. to hash them. */
  readonly onFileChunk?: (chunk: Uint8Array) => void;
}

function corrupt(source: string, problem: string, details: Record<string, unknown> = {}, cause?: unknown): SpikeflowError {
  return new SpikeflowError('dataset-corrupt', `IDX file ${source} is corrupt: ${problem}`, { file: source, ...details }, cause === undefined ? undefined : { cause });
}

/** True when `bytes` start with the gzip magic 1f 8b (files are recognised by content, not by name). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A parsed and checked IDX header: what the rest of the file must hold. */
interface IdxHeader {
  readonly dtype: IdxDType;
  readonly dims: number[];
  readonly count: number;
  readonly headerBytes: number;
  /** Header plus payload: the exact size of the (decompressed) file. */
  readonly totalBytes: number;
}

/** The most bytes a header may need: the magic and 255 dimensions. */
const MAX_HEADER_BYTES = 4 + 4 * 255;

/**
 * Parse the header at the start of `head` and check it against `expect` before any payload is
 * read. Returns undefined when `head` is too short to hold the whole header yet.
 */
function parseHeader(head: Uint8Array, source: string, expect: IdxExpectation): IdxHeader | undefined {
  if (head.length < 4) return undefined;
  if (head[0] !== 0 || head[1] !== 0) {
    const magic = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw corrupt(source, `bad magic number ${magic}; an IDX file starts with 00 00, a type byte and the rank`, { magic });
  }
  const typeByte = head[2];
  const type = DTYPES[typeByte];
  if (!type) {
    throw corrupt(
      source,
      `unknown IDX type byte 0x${typeByte.toString(16).padStart(2, '0')}; expected one of 0x08 (ubyte), 0x09 (sbyte), 0x0b (short), 0x0c (int), 0x0d (float), 0x0e (double)`,
    );
  }
  const rank = head[3];
  if (rank === 0) throw corrupt(source, 'rank 0 in the magic number; expected at least one dimension');
  const headerBytes = 4 + 4 * rank;
  if (head.length < headerBytes) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (expect.dtype && expect.dtype !== type.dtype) throw corrupt(source, `element type is ${type.dtype}, expected ${expect.dtype}`, { dtype: type.dtype });
  if (expect.dims) {
    const fits = expect.dims.length === rank && expect.dims.every((d, i) => d === null || d === dims[i]);
    if (!fits) {
      const want = `[${expect.dims.map((d) => (d === null ? '*' : d)).join(', ')}]`;
      throw corrupt(source, `dims are [${dims.join(', ')}], expected ${want}`, { dims, expected: expect.dims });
    }
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const totalBytes = headerBytes + count * type.bytes;
  const limit = Math.min(expect.maxBytes ?? Infinity, buffer.constants.MAX_LENGTH);
  if (totalBytes > limit) {
    const why =
      expect.maxBytes !== undefined && totalBytes > expect.maxBytes ? `expected at most ${expect.maxBytes}` : `more than one buffer can hold (${buffer.constants.MAX_LENGTH})`;
    throw corrupt(source, `its header claims dims [${dims.join(', ')}] of ${type.dtype}, ${totalBytes} bytes; ${why}`, { dims, expectedBytes: totalBytes });
  }
  return { dtype: type.dtype, dims, count, headerBytes, totalBytes };
}

function sizeError(source: string, h: IdxHeader, actual: number, atLeast = false): SpikeflowError {
  const how = actual < h.totalBytes ? 'truncated' : 'longer than its header says';
  return corrupt(source, `${how}: dims [${h.dims.join(', ')}] of ${h.dtype} need ${h.totalBytes} bytes, the file has ${atLeast ? 'at least ' : ''}${actual}`, {
    dims: h.dims,
    expectedBytes: h.totalBytes,
    actualBytes: actual,
  });
}

function shortError(source: string, head: Uint8Array): SpikeflowError {
  if (head.length < 4) return corrupt(source, `${head.length} bytes is shorter than the 4-byte IDX magic number`);
  const rank = head[3];
  return corrupt(source, `the header needs ${4 + 4 * rank} bytes for ${rank} dimensions, the file has ${head.length}`);
}

function result(source: string, h: IdxHeader, bytes: Uint8Array, gzipped: boolean): IdxArray {
  return { source, dtype: h.dtype, dims: h.dims, data: decode(bytes, h.headerBytes, h.count, h.dtype), gzipped, bytes };
}

/**
 * Decompress a gzip stream into a buffer of exactly the size its IDX header gives: the header is
 * checked as soon as it has arrived, and the stream is stopped at the first byte past that size,
 * so memory never exceeds what the header justifies.
 */
async function inflateIdx(gunzipped: AsyncIterable<Uint8Array>, source: string, expect: IdxExpectation): Promise<IdxArray> {
  let head = new Uint8Array(0);
  let header: IdxHeader | undefined;
  let out: Uint8Array | undefined;
  let got = 0;
  // A bad header found in what the first bytes inflate to is reported only if the gzip data itself
  // is sound: garbage often inflates a little before zlib notices, and that is the real problem.
  let badHeader: SpikeflowError | undefined;
  let spare = 1 << 20;
  try {
    for await (const chunk of gunzipped) {
      if (badHeader !== undefined) {
        spare -= chunk.length;
        if (spare < 0) break;
        continue;
      }
      if (header === undefined) {
        const joined = new Uint8Array(head.length + chunk.length);
        joined.set(head, 0);
        joined.set(chunk, head.length);
        head = joined.subarray(0, Math.min(joined.length, MAX_HEADER_BYTES));
        try {
          header = parseHeader(head, source, expect);
        } catch (e) {
          badHeader = e as SpikeflowError;
          continue;
        }
        if (header === undefined) continue;
        out = new Uint8Array(header.totalBytes);
        if (joined.length > header.totalBytes) throw sizeError(source, header, joined.length, true);
        out.set(joined, 0);
        got = joined.length;
        continue;
      }
      if (got + chunk.length > header.totalBytes) throw sizeError(source, header, got + chunk.length, true);
      out!.set(chunk, got);
      got += chunk.length;
    }
  } catch (e) {
    if (SpikeflowError.is(e)) throw e;
    throw corrupt(source, `gzip data cannot be decompressed (${(e as Error).message}); the file is truncated or damaged`, {}, e);
  }
  if (badHeader !== undefined) throw badHeader;
  if (header === undefined) throw shortError(source, head);
  if (got !== header.totalBytes) throw sizeError(source, header, got);
  return result(source, header, out!, true);
}

/**
 * Parse IDX bytes (raw or gzip, told apart by the gzip magic) and check them strictly: the magic
 * (two zero bytes, a known type byte, a rank of at least 1), that the file holds the whole header,
 * that the header matches `expect`, and that the payload is exactly the product of the dimensions
 * times the element size. Datasets are read once and trusted for a whole training run, so a
 * truncated or padded file must fail here with the file named rather than yield shifted images
 * later. Gzip data is decompressed only up to the size the header gives.
 *
 * @param source - a name for messages (usually the file path).
 * @throws SpikeflowError `dataset-corrupt` naming `source` and what was expected.
 */
export async function parseIdx(input: Uint8Array, source: string, expect: IdxExpectation = {}): Promise<IdxArray> {
  if (isGzip(input)) return inflateIdx(Readable.from([Buffer.from(input.buffer, input.byteOffset, input.byteLength)]).pipe(createGunzip()), source, expect);
  const header = parseHeader(input.subarray(0, MAX_HEADER_BYTES), source, expect);
  if (header === undefined) throw shortError(source, input);
  if (input.length !== header.totalBytes) throw sizeError(source, header, input.length);
  return result(source, header, input, false);
}

/** Copy the big-endian payload into a host-order typed array (uint8 is a zero-copy view). */
function decode(bytes: Uint8Array, offset: number, count: number, dtype: IdxDType): IdxData {
  if (dtype === 'uint8') return bytes.subarray(offset, offset + count);
  if (dtype === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  switch (dtype) {
    case 'int16':
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(2 * i, false));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, false));
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, false));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, false));
  }
}

async function readAt(fh: FileHandle, buf: Uint8Array, pos: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, pos + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/**
 * Read and check an IDX file from disk (raw or gzip). See {@link parseIdx}. The header is read
 * and checked first: a raw file whose size disagrees with it is refused without reading the
 * payload, and a gzip file is decompressed as a stream and stopped at the size its header gives.
 *
 * @example
 * ```ts
 * const labels = await readIdx('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz', { dtype: 'uint8', dims: [null] });
 * labels.dims; // [10000]
 * ```
 * @throws SpikeflowError `dataset-missing` when the file cannot be opened, `invalid-options` when
 *   the path is not a regular file, `dataset-corrupt` when it is not a valid IDX file.
 */
export async function readIdx(file: string, expect: IdxExpectation = {}, options: ReadIdxOptions = {}): Promise<IdxArray> {
  let fh: FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    throw new SpikeflowError('dataset-missing', `cannot read IDX file ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
  let gzipped: boolean;
  let size: number;
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw new SpikeflowError('invalid-options', `${file} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; expected an IDX file (raw or .gz)`, { file });
    size = st.size;
    const head = new Uint8Array(Math.min(size, MAX_HEADER_BYTES));
    const n = await readAt(fh, head, 0);
    gzipped = isGzip(head.subarray(0, n));
    if (!gzipped) {
      const header = parseHeader(head.subarray(0, n), file, expect);
      if (header === undefined) throw shortError(file, head.subarray(0, n));
      if (size !== header.totalBytes) throw sizeError(file, header, size);
      const bytes = new Uint8Array(size);
      const got = await readAt(fh, bytes, 0);
      if (got !== size) throw sizeError(file, header, got);
      options.onFileChunk?.(bytes);
      return result(file, header, bytes, false);
    }
  } finally {
    await fh.close();
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  if (options.onFileChunk) raw.on('data', (c) => options.onFileChunk!(c as Buffer));
  raw.pipe(gunzip);
  try {
    return await inflateIdx(gunzip, file, expect);
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
}
