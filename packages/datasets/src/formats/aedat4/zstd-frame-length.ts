import { zstdFrameBound } from './zstd-frame-bound.js';

/**
 * The byte length of the Zstandard frames at the start of `bytes` (one frame, or several back to
 * back up to `bytes.length`; see {@link zstdFrameBound} for the layout walked). Returns undefined
 * when a frame does not end within `bytes` or a magic is wrong.
 *
 * AEDAT4 files store their data table as one compressed frame running to the end of the file, so
 * this is how a Zstd file cut after its last packet is noticed.
 *
 * @example
 * ```ts
 * zstdFrameLength(frame); // frame.length for a whole frame, undefined for a cut one
 * ```
 */
export function zstdFrameLength(bytes: Uint8Array): number | undefined {
  return zstdFrameBound(bytes)?.length;
}
