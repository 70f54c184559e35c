import { lz4FrameBound } from './lz4-frame-bound.js';

/**
 * The byte length of the LZ4 frame at the start of `bytes` (see {@link lz4FrameBound} for the
 * layout walked), or undefined when the frame does not end within `bytes` or does not start with
 * the LZ4 magic.
 */
export function lz4FrameLength(bytes: Uint8Array): number | undefined {
  return lz4FrameBound(bytes)?.length;
}
