import { SpikeflowError, tf, type Tensor } from '@spikeflow/core';

/** Values per time step and neuron, `[T][N]`. */
export type TimeByNeuron = number[][];

/**
 * Bring a recording to `[T][N]`: a tensor `[T]`, `[T, N]` or `[T, B, ...]` (sample `sample` of the
 * batch, its other axes flattened — a monitor's record as it is), or nested arrays `[T][N]`.
 */
export function toTimeByNeuron(values: Tensor | readonly (readonly number[])[], sample: number, caller: string): TimeByNeuron {
  if (Array.isArray(values)) {
    const rows = values as readonly (readonly number[])[];
    if (rows.length === 0 || !rows.every((r) => Array.isArray(r) && r.length === rows[0].length && r.length > 0)) {
      throw new SpikeflowError('shape-mismatch', `${caller} expects a non-empty [T][N] array with the same N at every step`);
    }
    return rows.map((r) => [...r]);
  }
  const t = values as Tensor;
  if (!t || typeof (t as { rank?: unknown }).rank !== 'number') throw new SpikeflowError('invalid-options', `${caller} expects a tensor [T, B, ...] or [T, N], or an array [T][N]`);
  if (t.rank === 0 || t.size === 0) throw new SpikeflowError('shape-mismatch', `${caller} expects a tensor [T], [T, N] or [T, B, ...], got shape [${t.shape}]`);
  if (t.rank >= 3 && !(Number.isInteger(sample) && sample >= 0 && sample < t.shape[1]!)) {
    throw new SpikeflowError('invalid-options', `${caller}: sample ${sample} is outside the batch of ${t.shape[1]} (shape [${t.shape}])`);
  }
  const rows = tf.tidy(() => {
    const T = t.shape[0];
    if (t.rank === 1) return tf.reshape(t, [T, 1]);
    if (t.rank === 2) return t.clone();
    return tf.reshape(tf.slice(t, [0, sample], [T, 1]), [T, -1]);
  });
  const out = rows.arraySync() as number[][];
  rows.dispose();
  return out;
}
