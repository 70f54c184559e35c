import type { Tensor } from '../engine/tf.js';
import type { Descriptor } from './descriptor.js';

/**
 * A loss over the network's time-first output `[T, B, C]` and integer labels `[B]`; returns a scalar.
 */
export interface LossFunction {
  readonly id: string;
  compute(output: Tensor, labels: Tensor, numClasses: number): Tensor;
}

export const LossDescriptor = Symbol.for('@spikeflow/core/LossDescriptor');
export interface LossDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  create(options: TOptions): LossFunction;
}
