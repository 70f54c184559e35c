import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SpikeflowError } from '@spikeflow/core';
import { decodeFrames } from './frame-codec.js';
import type { FramePipeline } from './frame-pipeline.js';

/** Bumped when the cache layout or the integration changes, so old caches are not reused. */
export const FRAME_CACHE_VERSION = 1;

/** The `index.json` of a frame cache. */
export interface FrameCacheIndex {
  readonly format: 'spikeflow-frames';
  readonly version: number;
  /** What was integrated (dataset, split, pipeline); its hash names the folder. */
  readonly key: Readonly<Record<string, unknown>>;
  /** `[H, W, C]` of one frame. */
  readonly frameShape: readonly [number, number, number];
  readonly count: number;
  /** Frames per sample. */
  readonly frames: readonly number[];
  readonly labels: readonly number[];
  /** Events per sample before integration. */
  readonly events: readonly number[];
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  /** Size of `frames.bin`, checked on open. */
  readonly bytes: number;
}

/** The identity of a cache: the dataset, its split and the pipeline. */
export interface FrameCacheKey {
  readonly dataset: string;
  readonly split: string;
  readonly pipeline: FramePipeline;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The folder name of a cache: `<dataset>-<split>-<12 hex of SHA-256 of the canonical key>`. Any
 * change of a parameter (frames, split mode, denoising, downsampling, cache version) gives a
 * different folder, so a stale cache is never read.
 *
 * @example
 * ```ts
 * frameCacheName({ dataset: 'n-mnist', split: 'train', pipeline: { width: 34, height: 34, split: { by: 'number', frames: 10 } } });
 * // 'n-mnist-train-3f2a…'
 * ```
 */
export function frameCacheName(key: FrameCacheKey): string {
  const hash = createHash('sha256')
    .update(canonical({ ...key, version: FRAME_CACHE_VERSION }))
    .digest('hex')
    .slice(0, 12);
  return `${key.dataset}-${key.split}-${hash}`;
}

/** Read `index.json` of a complete cache folder, or undefined when there is no complete cache. */
export function readFrameCacheIndex(dir: string): FrameCacheIndex | undefined {
  const indexFile = join(dir, 'index.json');
  const dataFile = join(dir, 'frames.bin');
  if (!existsSync(indexFile) || !existsSync(dataFile)) return undefined;
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as FrameCacheIndex;
  if (index.format !== 'spikeflow-frames' || index.version !== FRAME_CACHE_VERSION) return undefined;
  if (statSync(dataFile).size !== index.bytes) {
    throw new SpikeflowError(
      'dataset-corrupt',
      `frame cache '${dir}': frames.bin is ${statSync(dataFile).size} bytes, index.json says ${index.bytes}; delete the folder to rebuild it`,
      { dir },
    );
  }
  return index;
}

/**
 * Random access to a built frame cache (synchronous reads, as core's `Dataset.getBatch` is).
 *
 * @example
 * ```ts
 * const cache = FrameCache.open(dir);
 * const x = new Float32Array(cache.sampleSize(0));
 * cache.readInto(0, x, 0);
 * ```
 */
export class FrameCache {
  private fd: number | undefined;

  private constructor(
    readonly dir: string,
    readonly index: FrameCacheIndex,
  ) {}

  /** Open a complete cache; throws dataset-missing when `dir` holds none. */
  static open(dir: string): FrameCache {
    const index = readFrameCacheIndex(dir);
    if (index === undefined) throw new SpikeflowError('dataset-missing', `no complete frame cache in '${dir}' (expected index.json and frames.bin)`, { dir });
    return new FrameCache(dir, index);
  }

  get length(): number {
    return this.index.count;
  }

  /** Values in sample `i` (`frames · H · W · C`). */
  sampleSize(i: number): number {
    const [h, w, c] = this.index.frameShape;
    return this.index.frames[i]! * h * w * c;
  }

  /** The compressed bytes of sample `i`. */
  readBlob(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.index.count) throw new SpikeflowError('invalid-options', `frame cache sample ${i} is outside 0..${this.index.count - 1}`);
    this.fd ??= openSync(join(this.dir, 'frames.bin'), 'r');
    const blob = new Uint8Array(this.index.sizes[i]!);
    readSync(this.fd, blob, 0, blob.length, this.index.offsets[i]!);
    return blob;
  }

  /** Decode sample `i` into `out` at `offset`. */
  readInto(i: number, out: Float32Array, offset: number): void {
    decodeFrames(this.readBlob(i), out, offset, this.sampleSize(i));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
