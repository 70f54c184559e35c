// Decoding one image file to RGB bytes with sharp. This module imports nothing from
// `@spikeflow/core` (whose index loads TensorFlow.js): it also runs inside the decode workers.
import { readFile } from 'node:fs/promises';

/** The part of sharp's API the decoder uses (sharp is an optional peer; its types are not exposed). */
export interface SharpLike {
  (input: string | Buffer): SharpPipeline;
}

/** What sharp's header read reports (only the fields used here). */
interface SharpMetadata {
  readonly width?: number;
  readonly height?: number;
}

interface SharpPipeline {
  metadata(): Promise<SharpMetadata>;
  removeAlpha(): SharpPipeline;
  toColourspace(space: string): SharpPipeline;
  resize(width: number, height: number, options: { fit: 'fill'; kernel: string }): SharpPipeline;
  raw(): SharpPipeline;
  toBuffer(options: { resolveWithObject: true }): Promise<{ data: Buffer; info: { width: number; height: number; channels: number } }>;
}

/** An image as interleaved RGB bytes, row by row (HWC). */
export interface DecodedImage {
  readonly data: Uint8Array;
  readonly height: number;
  readonly width: number;
}

/**
 * Decode `file` (JPEG or PNG) to 8-bit RGB the way torchvision's default loader does
 * (`PIL.Image.open(f).convert('RGB')`): grey is repeated into three channels, alpha is dropped
 * (not composited), and EXIF orientation is ignored. With `resize: [h, w]` the image is scaled to
 * exactly that size (aspect ratio not kept, as torchvision's `Resize((h, w))`), with a linear
 * kernel: resized pixels are close to, not identical with, PIL's.
 *
 * @example
 * ```ts
 * const { data, height, width } = await decodeImage((await import('sharp')).default, 'cat/0001.jpg');
 * ```
 */
export async function decodeImage(sharp: SharpLike, file: string, resize?: readonly [number, number]): Promise<DecodedImage> {
  // From the bytes rather than the path: libvips' own file opening costs more than the decode of a small image.
  let pipeline = sharp(await readFile(file))
    .removeAlpha()
    .toColourspace('srgb');
  if (resize) pipeline = pipeline.resize(resize[1], resize[0], { fit: 'fill', kernel: 'linear' });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), height: info.height, width: info.width };
}
