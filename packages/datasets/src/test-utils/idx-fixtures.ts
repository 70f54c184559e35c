// Test fixtures: IDX files generated in memory, a tiny dataset spec whose checksums match them,
// and helpers to lay them out in folders. Not part of the published package.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IdxDatasetSpec, IdxFileSpec } from '../descriptors/idx-dataset-spec.js';
import type { IdxDType } from '../idx/read-idx.js';

/** Each IDX element type: its type byte in the header, its size, and how one big-endian value is written. */
const FORMATS: Record<IdxDType, { code: number; size: number; write: (b: Buffer, v: number, at: number) => void }> = {
  uint8: { code: 0x08, size: 1, write: (b, v, at) => b.writeUInt8(v, at) },
  int8: { code: 0x09, size: 1, write: (b, v, at) => b.writeInt8(v, at) },
  int16: { code: 0x0b, size: 2, write: (b, v, at) => b.writeInt16BE(v, at) },
  int32: { code: 0x0c, size: 4, write: (b, v, at) => b.writeInt32BE(v, at) },
  float32: { code: 0x0d, size: 4, write: (b, v, at) => b.writeFloatBE(v, at) },
  float64: { code: 0x0e, size: 8, write: (b, v, at) => b.writeDoubleBE(v, at) },
};

/** Encode values as an IDX file (big-endian), the reverse of readIdx, written independently of it. */
export function encodeIdx(dims: readonly number[], values: ArrayLike<number>, dtype: IdxDType = 'uint8'): Buffer {
  const { code, size, write } = FORMATS[dtype];
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = code;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const body = Buffer.alloc(values.length * size);
  for (let i = 0; i < values.length; i++) write(body, values[i], size * i);
  return Buffer.concat([header, body]);
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
export const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

/** One generated file in both forms. */
export interface GeneratedFile {
  readonly name: string;
  readonly raw: Buffer;
  readonly gz: Buffer;
}

/** Pixel value of sample `i` at position `k`: recognisable and different per sample. */
export const pixelOf = (i: number, k: number): number => (i * 7 + k * 3) % 256;
/** Label of sample `i`. */
export const labelOf = (i: number): number => (i * 3) % 10;

export const TINY_SHAPE = [4, 4, 1] as const;
export const TINY_COUNTS = { train: 30, test: 12 } as const;

/** Images and labels of a split of the tiny dataset. */
export function tinySplit(prefix: 'train' | 't10k', count: number): { images: GeneratedFile; labels: GeneratedFile } {
  const [h, w] = TINY_SHAPE;
  const pixels = Array.from({ length: count * h * w }, (_, j) => pixelOf(Math.floor(j / (h * w)), j % (h * w)));
  const labels = Array.from({ length: count }, (_, i) => labelOf(i));
  const make = (name: string, raw: Buffer): GeneratedFile => ({ name, raw, gz: gzipSync(raw) });
  return {
    images: make(`${prefix}-images-idx3-ubyte`, encodeIdx([count, h, w], pixels)),
    labels: make(`${prefix}-labels-idx1-ubyte`, encodeIdx([count], labels)),
  };
}

/** All four generated files of the tiny dataset. */
export function tinyFiles(): GeneratedFile[] {
  const train = tinySplit('train', TINY_COUNTS.train);
  const test = tinySplit('t10k', TINY_COUNTS.test);
  return [train.images, train.labels, test.images, test.labels];
}

/**
 * A spec for the tiny dataset. `checksums: 'full'` pins SHA-256 of the archives and of the content
 * (like Fashion-MNIST); `'archive-md5'` pins only the archive MD5 (like MNIST and KMNIST).
 */
export function tinySpec(options: { checksums?: 'full' | 'archive-md5'; mirrors?: string[]; systemPackage?: string; id?: string } = {}): IdxDatasetSpec {
  const files = new Map(tinyFiles().map((f) => [f.name, f]));
  const fileSpec = (name: string): IdxFileSpec => {
    const f = files.get(name)!;
    return options.checksums === 'archive-md5'
      ? { name, archive: { md5: md5(f.gz) } }
      : { name, archive: { size: f.gz.length, sha256: sha256(f.gz) }, content: { size: f.raw.length, sha256: sha256(f.raw) } };
  };
  return {
    id: options.id ?? 'tiny',
    title: 'Tiny',
    description: 'generated test dataset',
    homepage: 'http://127.0.0.1/tiny',
    license: 'test',
    sampleShape: TINY_SHAPE,
    numClasses: 10,
    classNames: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'],
    splits: {
      train: { count: TINY_COUNTS.train, images: fileSpec('train-images-idx3-ubyte'), labels: fileSpec('train-labels-idx1-ubyte') },
      test: { count: TINY_COUNTS.test, images: fileSpec('t10k-images-idx3-ubyte'), labels: fileSpec('t10k-labels-idx1-ubyte') },
    },
    mirrors: options.mirrors ?? ['http://127.0.0.1:9/unused/'],
    systemPackage: options.systemPackage,
  };
}

/** Write generated files into `dir` (created), gzip-compressed or raw. */
export async function writeFiles(dir: string, files: readonly GeneratedFile[], form: 'gz' | 'raw' = 'gz'): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const f of files) await fs.writeFile(path.join(dir, form === 'gz' ? `${f.name}.gz` : f.name), form === 'gz' ? f.gz : f.raw);
}
