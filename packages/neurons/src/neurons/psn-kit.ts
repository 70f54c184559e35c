// What the parallel spiking neurons share: the time-step check, the one-matmul charge over time,
// SpikingJelly's weight initialisation and the spike.
import { SpikeflowError, globalRng, spike, tf, type SurrogateFunction, type Tensor } from '@spikeflow/core';

/** Throw `invalid-options` unless `value` is an integer ≥ `min`. */
export function requireInt(owner: string, option: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new SpikeflowError('invalid-options', `${owner}: ${option} must be an integer ≥ ${min}, got ${String(value)}`, { option, value });
  }
  return value;
}

/** A time-first input `[T, B, ...]`, with `T = timeSteps` when given. */
export function requireTimeSteps(owner: string, xSeq: Tensor, timeSteps?: number): void {
  if (xSeq.rank < 2) throw new SpikeflowError('shape-mismatch', `${owner} expects a time-first input [T, B, ...], got shape [${xSeq.shape}]`, { actual: [...xSeq.shape] });
  if (timeSteps !== undefined && xSeq.shape[0] !== timeSteps) {
    throw new SpikeflowError(
      'shape-mismatch',
      `${owner} was built for T = ${timeSteps} time steps (its weight is [${timeSteps}, ${timeSteps}]) but got an input with T = ${xSeq.shape[0]}, shape [${xSeq.shape}]`,
      { expected: timeSteps, actual: [...xSeq.shape] },
    );
  }
}

/**
 * `U(−1/√fanIn, 1/√fanIn)` from the global seeded generator: PyTorch's
 * `kaiming_uniform_(w, a=√5)`, which SpikingJelly uses for the PSN weights.
 */
export function kaimingUniform(shape: number[], fanIn: number): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const rng = globalRng();
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => (rng.uniform() * 2 - 1) * bound),
    shape,
  );
}

/** `S = Θ(W·X + b)` over time: `x [T, B, ...]` flattened to `[T, N]`, one `[T, T]·[T, N]` product. */
export function parallelFire(weight: Tensor, bias: Tensor, xSeq: Tensor, surrogate: SurrogateFunction): Tensor {
  const T = xSeq.shape[0];
  const h = tf.add(tf.matMul(weight, tf.reshape(xSeq, [T, -1])), bias);
  return tf.reshape(spike(h, surrogate), xSeq.shape);
}
