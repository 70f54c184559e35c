// Shared helpers of the layer files: seeded initialisation and argument/shape checks.
import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Rng } from '../util/rng.js';
import { globalRng } from '../util/seed.js';

let skipInit = 0;

/**
 * Run `build` with every layer's weights left at zero instead of drawn from the global generator
 * (which is not advanced): for counting or inspecting the shapes of large models quickly, e.g.
 * `spikeflow models` building VGG-16 (138M parameters). Never train a model built this way.
 *
 * @example
 * ```ts
 * const n = withoutInitialisation(() => sf.model('vgg16', {}, context)).parameterCount();
 * ```
 */
export function withoutInitialisation<T>(build: () => T): T {
  skipInit++;
  try {
    return build();
  } finally {
    skipInit--;
  }
}

/**
 * A tensor of `U(-bound, bound)` values drawn in JS from the global generator, so that a seeded
 * model initialises identically on every backend (tfjs' own random ops differ between backends).
 */
export function uniformInit(shape: number[], bound: number, rng: Rng = globalRng()): Tensor {
  if (skipInit > 0) return tf.zeros(shape);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = (rng.uniform() * 2 - 1) * bound;
  return tf.tensor(data, shape);
}

/** Throw `invalid-options` unless `value` is an integer >= `min`. */
export function checkInt(layer: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new SpikeflowError('invalid-options', `${layer}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Normalise a `number | [h, w]` layer argument (kernel size, stride, padding). */
export function checkPair(layer: string, name: string, value: number | readonly [number, number], min = 1): [number, number] {
  const p = typeof value === 'number' ? [value, value] : Array.isArray(value) && value.length === 2 ? [value[0], value[1]] : null;
  if (!p || p.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < min)) {
    throw new SpikeflowError('invalid-options', `${layer}: ${name} must be an integer >= ${min} or a pair [h, w] of them, got ${JSON.stringify(value)}`);
  }
  return [p[0], p[1]];
}

/** The error every layer throws for a wrong input: it names the layer, the expected and the actual shape. */
export function shapeError(layer: string, expected: string, x: Tensor): SpikeflowError {
  return new SpikeflowError('shape-mismatch', `${layer}: expected input ${expected}, got [${x.shape.join(', ')}]`, {
    layer,
    expected,
    actual: [...x.shape],
  });
}

/** `3` for a square pair, `[3, 2]` otherwise (for `describe()`). */
export function formatPair([h, w]: readonly [number, number]): string {
  return h === w ? String(h) : `[${h}, ${w}]`;
}
