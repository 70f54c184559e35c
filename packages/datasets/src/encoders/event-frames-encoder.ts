import { z } from 'zod';
import { SpikeflowError, tf, type Encoder, type EncoderDescriptor, type Tensor } from '@spikeflow/core';

/**
 * An encoder whose input samples are already sequences. The two extra members tell a runner how
 * to size the model (the per-step shape) and the trainer (T) from a dataset's `sampleShape`.
 */
export interface EventFramesEncoder extends Encoder {
  /** T of a sample `[T, ...step]`. */
  framesPerSample(sampleShape: readonly number[]): number;
  /** The shape one time step has: `[T, H, W, C]` gives `[H, W, C]`. */
  stepShape(sampleShape: readonly number[]): number[];
}

/**
 * The encoder for event-frame datasets: their samples already are sequences `[T, H, W, C]`, so a
 * batch `[B, T, H, W, C]` only moves time first, giving `[T, B, H, W, C]`. The trainer's
 * `timeSteps` must equal the frames per sample.
 *
 * @example
 * ```ts
 * const enc = eventFramesEncoder();
 * const seq = enc.encode(batchX, { timeSteps: 16, sampleIndices, epoch: 0, seed: 0 }); // [16, B, 128, 128, 2]
 * ```
 */
export function eventFramesEncoder(): EventFramesEncoder {
  return {
    id: 'datasets/event-frames',
    timeInvariant: false,
    framesPerSample: (sampleShape) => sampleShape[0]!,
    stepShape: (sampleShape) => sampleShape.slice(1),
    encode(x: Tensor, { timeSteps }) {
      if (x.rank < 3 || x.shape[1] !== timeSteps) {
        throw new SpikeflowError(
          'shape-mismatch',
          `event-frames encoder: expected a batch [B, T=${timeSteps}, ...] of frame sequences, got [${x.shape}]; set timeSteps to the dataset's frames per sample`,
        );
      }
      const perm = [1, 0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2)];
      return tf.transpose(x, perm);
    },
  };
}

/** The `datasets/event-frames` registry entry. */
export const eventFramesEncoderDescriptor: EncoderDescriptor<Record<string, never>> = {
  id: 'event-frames',
  description: 'Event-frame samples [T, H, W, C]: move time first, [B, T, ...] -> [T, B, ...]',
  options: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  create: () => eventFramesEncoder(),
};
