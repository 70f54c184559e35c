import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { SpikeflowError } from '@spikeflow/core';

/** Bumped when the cache layout or the decoding changes, so old caches are not reused. */
export const IMAGE_CACHE_VERSION = 1;

/** The first bytes of an image cache file. */
const MAGIC = Buffer.from('SFIMAGES', 'latin1');

/** What a cache file was decoded from; its hash names the file, so any change gives a new cache. */
export interface ImageCacheKey {
  readonly dataset: string;
  readonly split: string;
  /** The image folder (absolute). */
  readonly root: string;
  /** Each image: its path under `root`, label, size in bytes and modification time (ms). */
  readonly files: readonly (readonly [path: string, label: number, bytes: number, mtimeMs: number])[];
  readonly classNames: readonly string[];
  readonly resize?: readonly [number, number];
}

/** The JSON header of a cache file. */
export interface ImageCacheHeader {
  readonly format: 'spikeflow-images';
  readonly version: number;
  /** SHA-256 of the key, hex. */
  readonly key: string;
  readonly dataset: string;
  readonly split: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 3;
  readonly classNames: readonly string[];
}

/** A cache file's contents: labels, then NHWC RGB bytes of every image. */
export interface ImageCacheData {
  readonly header: ImageCacheHeader;
  readonly labels: Int32Array;
  readonly pixels: Uint8Array;
}

/** SHA-256 (hex) of a key and the cache version. */
export function imageCacheHash(key: ImageCacheKey): string {
  const { dataset, split, root, files, classNames, resize } = key;
  // Fixed field order: the same key always hashes the same.
  const text = JSON.stringify([IMAGE_CACHE_VERSION, dataset, split, root, classNames, resize ?? null, files]);
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The file name of a cache: `<dataset>-<split>-<12 hex of the key hash>.sfimg`.
 *
 * @example
 * ```ts
 * imageCacheName(key); // 'cifar10-folder-train-3f2a9c0d11be.sfimg'
 * ```
 */
export function imageCacheName(key: ImageCacheKey): string {
  const safe = key.dataset.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe}-${key.split}-${imageCacheHash(key).slice(0, 12)}.sfimg`;
}

/**
 * The layout of a cache file: `SFIMAGES`, the header's byte length (uint32 LE), the JSON header,
 * zero padding to a multiple of 8, the labels (int32 LE), then the pixels.
 */
export function imageCacheLayout(header: ImageCacheHeader): { head: Buffer; labelsAt: number; pixelsAt: number; bytes: number } {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const labelsAt = Math.ceil((MAGIC.length + 4 + json.length) / 8) * 8;
  const head = Buffer.alloc(labelsAt);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, MAGIC.length);
  json.copy(head, MAGIC.length + 4);
  const pixelsAt = labelsAt + 4 * header.count;
  return { head, labelsAt, pixelsAt, bytes: pixelsAt + header.count * header.height * header.width * header.channels };
}

function readExactly(fd: number, out: Uint8Array, position: number, file: string): void {
  // readSync reads at most 2 GiB at a time.
  for (let at = 0; at < out.length; ) {
    const n = readSync(fd, out, at, Math.min(out.length - at, 1 << 30), position + at);
    if (n === 0) throw new SpikeflowError('dataset-corrupt', `image cache '${file}' ends early; delete it to rebuild it`, { file });
    at += n;
  }
}

function readHeader(fd: number, file: string, hash: string): ImageCacheHeader | undefined {
  const start = Buffer.alloc(MAGIC.length + 4);
  if (readSync(fd, start, 0, start.length, 0) !== start.length || !start.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const json = Buffer.alloc(start.readUInt32LE(MAGIC.length));
  readExactly(fd, json, start.length, file);
  const header = JSON.parse(json.toString('utf8')) as ImageCacheHeader;
  if (header.format !== 'spikeflow-images' || header.version !== IMAGE_CACHE_VERSION || header.key !== hash) return undefined;
  const size = fstatSync(fd).size;
  const { bytes } = imageCacheLayout(header);
  if (size !== bytes) {
    throw new SpikeflowError('dataset-corrupt', `image cache '${file}' is ${size} bytes, its header says ${bytes}; delete it to rebuild it`, { file });
  }
  return header;
}

/**
 * Read a complete cache file into memory, or undefined when `file` is absent or was written from
 * another key or cache version.
 *
 * @throws SpikeflowError `dataset-corrupt` when the file's size does not match its header.
 */
export function readImageCache(file: string, key: ImageCacheKey): ImageCacheData | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  try {
    const header = readHeader(fd, file, imageCacheHash(key));
    if (header === undefined) return undefined;
    const { labelsAt, pixelsAt, bytes } = imageCacheLayout(header);
    const raw = new Uint8Array(pixelsAt - labelsAt);
    readExactly(fd, raw, labelsAt, file);
    const view = new DataView(raw.buffer);
    const labels = Int32Array.from({ length: header.count }, (_, i) => view.getInt32(4 * i, true));
    const pixels = new Uint8Array(bytes - pixelsAt);
    readExactly(fd, pixels, pixelsAt, file);
    return { header, labels, pixels };
  } finally {
    closeSync(fd);
  }
}
