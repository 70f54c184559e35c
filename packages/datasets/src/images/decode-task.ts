// The unit of decoding work, shared by the decode workers and the in-thread path. Imports nothing
// from `@spikeflow/core` (see decode-image.ts).
import { decodeImage, type SharpLike } from './decode-image.js';

/** A run of files to decode, numbered by their place in the split. */
export interface DecodeJob {
  readonly id: number;
  readonly files: readonly string[];
  readonly resize?: readonly [number, number];
}

/** The decoded images of a job, one after another, and each one's size. */
export interface DecodeResult {
  readonly id: number;
  readonly heights: number[];
  readonly widths: number[];
  /** The images' RGB bytes concatenated (sizes vary when files differ in size). */
  readonly pixels: Uint8Array;
}

/** A file of a job that does not decode. */
export interface DecodeFailure {
  readonly id: number;
  readonly error: { readonly file: string; readonly message: string };
}

/** Files decoded at once on one thread: sharp decodes on libuv's pool, so a few in flight keep it busy. */
const IN_FLIGHT = 4;

/** Decode every file of `job`; the first file that does not decode fails the job. */
export async function runDecodeJob(sharp: SharpLike, job: DecodeJob): Promise<DecodeResult | DecodeFailure> {
  const n = job.files.length;
  const images = new Array<Uint8Array>(n);
  const heights = new Array<number>(n).fill(0);
  const widths = new Array<number>(n).fill(0);
  let next = 0;
  let failed: DecodeFailure | undefined;
  const lane = async (): Promise<void> => {
    while (failed === undefined && next < n) {
      const i = next++;
      const file = job.files[i]!;
      try {
        const img = await decodeImage(sharp, file, job.resize);
        images[i] = img.data;
        heights[i] = img.height;
        widths[i] = img.width;
      } catch (e) {
        failed ??= { id: job.id, error: { file, message: (e as Error).message ?? String(e) } };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, n) }, lane));
  if (failed) return failed;
  const pixels = new Uint8Array(images.reduce((a, im) => a + im.length, 0));
  let at = 0;
  for (const im of images) {
    pixels.set(im, at);
    at += im.length;
  }
  return { id: job.id, heights, widths, pixels };
}
