import type { Tensor } from '../engine/tf.js';
import { repeatTime } from '../ops/repeat-time.js';
import { noOptions } from '../util/no-options.js';
import type { Encoder, EncoderDescriptor } from '../contracts/encoder.js';

/** Direct (analog) encoding: the static input is repeated at every time step, `[B, ...] -> [T, B, ...]`. */
export function directEncoder(): Encoder {
  return {
    id: 'core/direct',
    timeInvariant: true,
    encode(x: Tensor, { timeSteps }) {
      return repeatTime(x, timeSteps);
    },
  };
}

export const directEncoderDescriptor: EncoderDescriptor<Record<string, never>> = {
  id: 'direct',
  description: 'Repeat the analog input at every time step',
  options: noOptions,
  create: () => directEncoder(),
};
