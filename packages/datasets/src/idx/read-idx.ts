import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { SpikeflowError } from '@spikeflow/core';

const gunzipAsync = promisify(gunzip);

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
}

function corrupt(source: string, problem: string, details: Record<string, unknown> = {}, cause?: unknown): SpikeflowError {
  return new SpikeflowError('dataset-corrupt', `IDX file ${source} is corrupt: ${problem}`, { file: source, ...details }, cause === undefined ? undefined : { cause });
}

/** True when `bytes` start with the gzip magic 1f 8b (files are recognised by content, not by name). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parse IDX bytes (raw or gzip, told apart by the gzip magic) and check them strictly: the magic
 * (two zero bytes, a known type byte, a rank of at least 1), that the file holds the whole header,
 * and that the payload is exactly the product of the dimensions times the element size. Datasets
 * are read once and trusted for a whole training run, so a truncated or padded file must fail here
 * with the file named rather than yield shifted images later.
 *
 * @param source - a name for messages (usually the file path).
 * @throws SpikeflowError `dataset-corrupt` naming `source` and what was expected.
 */
export async function parseIdx(input: Uint8Array, source: string, expect: IdxExpectation = {}): Promise<IdxArray> {
  let bytes = input;
  const gzipped = isGzip(input);
  if (gzipped) {
    try {
      bytes = await gunzipAsync(input);
    } catch (e) {
      throw corrupt(source, `gzip data cannot be decompressed (${(e as Error).message}); the file is truncated or damaged`, {}, e);
    }
  }
  if (bytes.length < 4) throw corrupt(source, `${bytes.length} bytes is shorter than the 4-byte IDX magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw corrupt(source, `bad magic number ${magic}; an IDX file starts with 00 00, a type byte and the rank`, { magic });
  }
  const typeByte = bytes[2];
  const type = DTYPES[typeByte];
  if (!type) {
    throw corrupt(source, `unknown IDX type byte 0x${typeByte.toString(16).padStart(2, '0')}; expected one of 0x08 (ubyte), 0x09 (sbyte), 0x0b (short), 0x0c (int), 0x0d (float), 0x0e (double)`);
  }
  const rank = bytes[3];
  if (rank === 0) throw corrupt(source, 'rank 0 in the magic number; expected at least one dimension');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw corrupt(source, `the header needs ${headerBytes} bytes for ${rank} dimensions, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + count * type.bytes;
  if (bytes.length !== expectedBytes) {
    const how = bytes.length < expectedBytes ? 'truncated' : 'longer than its header says';
    throw corrupt(source, `${how}: dims [${dims.join(', ')}] of ${type.dtype} need ${expectedBytes} bytes, the file has ${bytes.length}`, { dims, expectedBytes, actualBytes: bytes.length });
  }
  if (expect.dtype && expect.dtype !== type.dtype) throw corrupt(source, `element type is ${type.dtype}, expected ${expect.dtype}`, { dtype: type.dtype });
  if (expect.dims) {
    const fits = expect.dims.length === rank && expect.dims.every((d, i) => d === null || d === dims[i]);
    if (!fits) {
      const want = `[${expect.dims.map((d) => (d === null ? '*' : d)).join(', ')}]`;
      throw corrupt(source, `dims are [${dims.join(', ')}], expected ${want}`, { dims, expected: expect.dims });
    }
  }
  return { source, dtype: type.dtype, dims, data: decode(bytes, headerBytes, count, type.dtype), gzipped, bytes };
}

/** Copy the big-endian payload into a host-order typed array (uint8 is a zero-copy view). */
function decode(bytes: Uint8Array, offset: number, count: number, dtype: IdxDType): IdxData {
  if (dtype === 'uint8') return bytes.subarray(offset, offset + count);
  if (dtype === 'int8') return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  switch (dtype) {
    case 'int16': return Int16Array.from({ length: count }, (_, i) => view.getInt16(2 * i, false));
    case 'int32': return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, false));
    case 'float32': return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, false));
    case 'float64': return Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, false));
  }
}

/**
 * Read and check an IDX file from disk (raw or gzip). See {@link parseIdx}.
 *
 * @example
 * ```ts
 * const labels = await readIdx('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz', { dtype: 'uint8', dims: [null] });
 * labels.dims; // [10000]
 * ```
 * @throws SpikeflowError `dataset-missing` when the file cannot be read, `dataset-corrupt` when it is not a valid IDX file.
 */
export async function readIdx(file: string, expect: IdxExpectation = {}): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    throw new SpikeflowError('dataset-missing', `cannot read IDX file ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
  return parseIdx(bytes, file, expect);
}
