import { SpikeflowError } from '@spikeflow/core';

/**
 * Throws `invalid-options` unless `i` (at `position` in a batch) is an integer in `[0, length)`;
 * `what` names the dataset in the message.
 */
export function checkSampleIndex(what: string, i: number, position: number, length: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= length) {
    throw new SpikeflowError('invalid-options', `${what}: sample index ${i} (position ${position} of the batch) is outside 0..${length - 1}`);
  }
}

/** How {@link gatherBatch} reads one dataset. */
export interface BatchSource {
  /** Names the dataset in messages, e.g. `dataset mnist/train`. */
  readonly what: string;
  readonly length: number;
  /** Floats per sample in `x`. */
  readonly sampleSize: number;
  /** Write sample `i`'s `sampleSize` floats into `x` at `offset`. */
  fill(i: number, x: Float32Array, offset: number): void;
  label(i: number): number;
}

/**
 * The class-labelled batch of `indices`: `x` holds the samples one after another, `y` their labels.
 *
 * @throws SpikeflowError `invalid-options` when an index is not an integer in `[0, length)`.
 * @example
 * ```ts
 * return gatherBatch(indices, { what: `dataset ${name}/${split}`, length, sampleSize, fill: (i, x, o) => x.set(sample(i), o), label: (i) => labels[i]! });
 * ```
 */
export function gatherBatch(indices: ArrayLike<number>, source: BatchSource): { x: Float32Array; y: Int32Array } {
  const size = source.sampleSize;
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b]!;
    checkSampleIndex(source.what, i, b, source.length);
    source.fill(i, x, b * size);
    y[b] = source.label(i);
  }
  return { x, y };
}
