import { z } from 'zod';
import { tf, type Tensor } from '../engine/tf.js';
import type { Encoder, EncoderDescriptor } from '../contracts/encoder.js';

/** Direct (analog) encoding: the static input is repeated at every time step, `[B, ...] -> [T, B, ...]`. */
export function directEncoder(): Encoder {
  return {
    id: 'core/direct',
    timeInvariant: true,
    encode(x: Tensor, { timeSteps }) {
      // Concatenating T references copies rows; wasm's Tile kernel is far slower.
      return tf.tidy(() => {
        const flat = tf.reshape(x, [1, x.size]);
        return tf.reshape(tf.concat(new Array<Tensor>(timeSteps).fill(flat), 0), [timeSteps, ...x.shape]);
      });
    },
  };
}

export const directEncoderDescriptor: EncoderDescriptor<Record<string, never>> = {
  id: 'direct',
  description: 'Repeat the analog input at every time step',
  options: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  create: () => directEncoder(),
};
