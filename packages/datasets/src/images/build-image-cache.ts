import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fsyncDir, ProgressBar, SpikeflowError } from '@spikeflow/core';
import { decodeImageFiles } from './decode-image-files.js';
import {
  IMAGE_CACHE_VERSION,
  imageCacheHash,
  imageCacheLayout,
  imageCacheName,
  readImageCache,
  type ImageCacheData,
  type ImageCacheHeader,
  type ImageCacheKey,
} from './image-cache.js';
import { loadSharp } from './load-sharp.js';

/** One image of a split. */
export interface LabelledImage {
  readonly file: string;
  readonly label: number;
}

/** How the images of a split are decoded. */
export interface ImageDecodeOptions {
  /** Scale every image to `[height, width]`; without it all images must have one size. */
  readonly resize?: readonly [number, number];
  /** Decode worker threads (0: this thread; default: by file count, see `decodeImageFiles`). */
  readonly threads?: number;
  /** Draw a progress bar on stderr (default true; it draws only on a TTY). */
  readonly progress?: boolean;
}

/** Options of {@link buildImageCache}. */
export interface BuildImageCacheOptions extends ImageDecodeOptions {
  /** Folder holding caches; the cache is `<cacheDir>/<imageCacheName(key)>`. */
  readonly cacheDir: string;
  readonly dataset: string;
  readonly split: string;
  /** The image folder the files are in (part of the key). */
  readonly root: string;
  readonly images: readonly LabelledImage[];
  readonly classNames: readonly string[];
  /** Files per job sent to a worker (default 256). */
  readonly chunk?: number;
  /** Called after each decoded run of files. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What {@link buildImageCache} did. */
export interface BuildImageCacheResult {
  readonly file: string;
  /** The cache's contents, read into memory. */
  readonly data: ImageCacheData;
  /** False when a complete cache with the same key was already there (nothing was decoded). */
  readonly built: boolean;
  /** Decode worker threads used (0: this thread, or nothing decoded). */
  readonly threads: number;
}

async function cacheKey(o: BuildImageCacheOptions): Promise<ImageCacheKey> {
  const files: [string, number, number, number][] = new Array(o.images.length);
  // Stat a few files at a time: tens of thousands at once would exhaust file handles on some systems.
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < o.images.length) {
      const i = next++;
      const { file, label } = o.images[i]!;
      const st = await stat(file);
      files[i] = [relative(o.root, file), label, st.size, st.mtimeMs];
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return { dataset: o.dataset, split: o.split, root: o.root, files, classNames: o.classNames, resize: o.resize };
}

async function imageSize(file: string): Promise<[number, number]> {
  const sharp = await loadSharp();
  const meta = await sharp(file)
    .metadata()
    .catch((e: Error) => {
      throw new SpikeflowError('dataset-corrupt', `image file '${file}' cannot be decoded: ${e.message}`, { file });
    });
  if (!meta.height || !meta.width) throw new SpikeflowError('dataset-corrupt', `image file '${file}' has no size in its header`, { file });
  return [meta.height, meta.width];
}

/**
 * Decode every image of a split into one cache file of RGB bytes and labels, once: a complete
 * cache with the same key (file list, sizes, modification times, labels, resize) is read back
 * instead. Files are decoded on worker threads (see `decodeImageFiles`) into a temporary file
 * beside the cache, which is renamed into place only when complete, so an interrupted build
 * leaves no cache that looks complete.
 *
 * @throws SpikeflowError `dataset-corrupt` naming an image that does not decode, or (without
 *   `resize`) the first image whose size differs from the first file's.
 * @example
 * ```ts
 * const { data } = await buildImageCache({ cacheDir, dataset: 'pets', split: 'train', root, images, classNames });
 * ```
 */
export async function buildImageCache(o: BuildImageCacheOptions): Promise<BuildImageCacheResult> {
  if (o.images.length === 0) throw new SpikeflowError('dataset-missing', `image folder '${o.root}' has no ${o.split} images (.jpg, .jpeg, .png)`, { root: o.root });
  const key = await cacheKey(o);
  const file = join(o.cacheDir, imageCacheName(key));
  const cached = readImageCache(file, key);
  if (cached !== undefined) return { file, data: cached, built: false, threads: 0 };

  const [height, width] = o.resize ?? (await imageSize(o.images[0]!.file));
  const count = o.images.length;
  const header: ImageCacheHeader = {
    format: 'spikeflow-images',
    version: IMAGE_CACHE_VERSION,
    key: imageCacheHash(key),
    dataset: o.dataset,
    split: o.split,
    count,
    height,
    width,
    channels: 3,
    classNames: o.classNames,
  };
  const { head, labelsAt, pixelsAt, bytes } = imageCacheLayout(header);
  const labels = Int32Array.from(o.images, (im) => im.label);
  const pixels = new Uint8Array(bytes - pixelsAt);
  const imageBytes = height * width * 3;
  const odd: number[] = [];
  const sizes = new Map<number, string>();
  let done = 0;
  const bar = o.progress === false ? undefined : new ProgressBar({ total: count, label: `decode ${o.dataset}/${o.split}`, unit: 'images' });
  let threads: number;
  try {
    threads = await decodeImageFiles(
      o.images.map((im) => im.file),
      {
        resize: o.resize,
        threads: o.threads,
        chunk: o.chunk,
        onDecoded: (start, r) => {
          let at = 0;
          for (let k = 0; k < r.heights.length; k++) {
            const n = r.heights[k]! * r.widths[k]! * 3;
            if (r.heights[k] === height && r.widths[k] === width) pixels.set(r.pixels.subarray(at, at + n), (start + k) * imageBytes);
            else {
              odd.push(start + k);
              sizes.set(start + k, `${r.heights[k]}x${r.widths[k]}`);
            }
            at += n;
          }
          done += r.heights.length;
          bar?.tick(r.heights.length);
          o.onProgress?.(done, count);
        },
      },
    );
  } finally {
    bar?.done();
  }
  if (odd.length > 0) {
    const first = Math.min(...odd);
    const f = o.images[first]!.file;
    throw new SpikeflowError(
      'dataset-corrupt',
      `images of ${o.dataset}/${o.split} differ in size: '${f}' is ${sizes.get(first)} (height x width) but '${o.images[0]!.file}' is ${height}x${width}` +
        `${odd.length > 1 ? ` (${odd.length} files differ)` : ''}; give the option resize: [height, width] to scale them all to one size`,
      { file: f, size: sizes.get(first), expected: `${height}x${width}`, differing: odd.length },
    );
  }

  await mkdir(o.cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    const labelBytes = Buffer.alloc(4 * count);
    labels.forEach((l, i) => labelBytes.writeInt32LE(l, 4 * i));
    await fh.write(head, 0, head.length, 0);
    await fh.write(labelBytes, 0, labelBytes.length, labelsAt);
    for (let at = 0; at < pixels.length; at += 1 << 30) {
      const part = pixels.subarray(at, Math.min(pixels.length, at + (1 << 30)));
      await fh.write(part, 0, part.length, pixelsAt + at);
    }
    await fh.sync();
    await fh.close();
    await rename(tmp, file);
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(o.cacheDir);
  return { file, data: { header, labels, pixels }, built: true, threads };
}
