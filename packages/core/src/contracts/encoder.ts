import type { Tensor } from '../engine/tf.js';
import type { Descriptor } from './descriptor.js';

/** What an encoder knows about the batch it encodes. */
export interface EncodeContext {
  /** Number of time steps T. */
  readonly timeSteps: number;
  /** Global dataset index of each sample (keys stochastic encoders so runs are reproducible). */
  readonly sampleIndices: ArrayLike<number>;
  /** Epoch, for encoders that should draw differently each epoch. */
  readonly epoch: number;
  readonly seed: number;
}

/** Turns a static batch `[B, ...]` into a time-first sequence `[T, B, ...]`. */
export interface Encoder {
  readonly id: string;
  /** True when every time step of the encoding equals the input (direct encoding). */
  readonly timeInvariant?: boolean;
  /**
   * For samples that already are sequences (event frames `[T, ...step]`): T of a sample with
   * `sampleShape`. A runner then takes the time steps from the data instead of its own setting.
   */
  framesPerSample?(sampleShape: readonly number[]): number;
  /** For samples that already are sequences: the shape one time step has (what the model sees per step). */
  stepShape?(sampleShape: readonly number[]): number[];
  encode(x: Tensor, context: EncodeContext): Tensor;
}

export const EncoderDescriptor = Symbol.for('@spikeflow/core/EncoderDescriptor');
export interface EncoderDescriptor<TOptions = Record<string, unknown>> extends Descriptor<TOptions> {
  create(options: TOptions): Encoder;
}
