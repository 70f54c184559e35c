// The `learnableThreshold` option of IF, LIF and PLIF: a trainable V_th per layer (a scalar) or per
// channel (a vector over the last axis, NHWC); core's BaseNode.learnThreshold registers and uses it.
import { SpikeflowError, tf, type Tensor } from '@spikeflow/core';
import { z } from 'zod';

/** Where a learnable threshold lives: one scalar for the layer, or one value per channel (last axis). */
export type LearnableThresholdMode = 'layer' | 'channel';

/** Constructor options a node with a learnable threshold takes. */
export interface LearnableThresholdOptions {
  /**
   * Learn V_th jointly with the weights: `'layer'` (one scalar) or `'channel'` (one per channel of
   * the last axis, needs `channels`). Initialised to `vThreshold`. Unset = fixed threshold.
   */
  readonly learnableThreshold?: LearnableThresholdMode;
  /** Size of the last (channel) axis; required with `learnableThreshold: 'channel'`. */
  readonly channels?: number;
}

/** Zod shape of the two options, spread into the IF/LIF/PLIF descriptor schemas. */
export const learnableThresholdOptionShape = {
  /** `'layer'` or `'channel'` learns V_th (composed tf path, never the fused op); unset = fixed. */
  learnableThreshold: z.enum(['layer', 'channel']).optional(),
  /** Channel count (last axis) for `learnableThreshold: 'channel'`. */
  channels: z.number().int().positive().optional(),
};

/**
 * The initial value of the threshold parameter for `options`, or null when the threshold is fixed.
 * Throws `invalid-options` for a channel threshold without a positive integer `channels`.
 */
export function initialThreshold(owner: string, vThreshold: number, options: LearnableThresholdOptions): Tensor | null {
  const mode = options.learnableThreshold;
  if (mode === undefined) {
    if (options.channels !== undefined) throw new SpikeflowError('invalid-options', `${owner}: channels is only used with learnableThreshold: 'channel'`, { option: 'channels' });
    return null;
  }
  if (mode === 'layer') return tf.scalar(vThreshold);
  if (mode !== 'channel')
    throw new SpikeflowError('invalid-options', `${owner}: learnableThreshold must be 'layer' or 'channel', got ${String(mode)}`, { option: 'learnableThreshold' });
  const c = options.channels;
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 1) {
    throw new SpikeflowError('invalid-options', `${owner}: learnableThreshold 'channel' needs channels (the size of the last axis) as a positive integer, got ${String(c)}`, {
      option: 'channels',
    });
  }
  return tf.fill([c], vThreshold);
}

/** `describe()` fragment: `learnable_threshold=layer` or `learnable_threshold=channel(16)`; none when fixed. */
export function thresholdTag(threshold: Tensor | null): string[] {
  if (!threshold) return [];
  return [threshold.rank === 0 ? 'learnable_threshold=layer' : `learnable_threshold=channel(${threshold.shape[0]})`];
}
