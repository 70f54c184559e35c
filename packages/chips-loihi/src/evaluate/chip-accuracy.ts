import { SpikeflowError, tf, type Module } from '@spikeflow/core';
import { LoihiNetwork, type LoihiRunOptions } from '../simulator/loihi-network.js';
import { encodeInput, type QuantizedNetwork } from '../quantize/quantize.js';

/** Labelled samples, flattened: `x` is `[N, ...sampleShape]`, `y` the class indices. */
export interface LabelledSamples {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly sampleShape: readonly number[];
}

/** Index of the largest count; ties go to the lowest index (as tf.argMax). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Result of running samples through the bit-accurate chip model. */
export interface ChipEvaluation {
  readonly accuracy: number;
  readonly predictions: Int32Array;
  /** Output spike counts `[N, classes]`. */
  readonly counts: Int32Array;
  /** Current wrap-arounds seen (0 when the scaling is safe). */
  readonly wraps: number;
  readonly samples: number;
}

/**
 * Run every sample through the bit-accurate Loihi simulation for `timeSteps` steps of input and
 * classify by the output layer's spike counts.
 *
 * @example
 * ```ts
 * const r = evaluateOnChip(q, { x, y, sampleShape: [28, 28, 1] }, 8);
 * console.log(r.accuracy);
 * ```
 */
export function evaluateOnChip(
  q: QuantizedNetwork,
  data: LabelledSamples,
  timeSteps: number,
  options: LoihiRunOptions & { onProgress?: (done: number, total: number) => void } = {},
): ChipEvaluation {
  const size = sampleSize(data.sampleShape);
  const n = data.y.length;
  if (data.x.length !== n * size) throw new SpikeflowError('shape-mismatch', `samples hold ${data.x.length} values, expected ${n}×${size}`);
  const net = new LoihiNetwork(q.spec);
  const classes = q.spec.layers[q.spec.layers.length - 1].outFeatures;
  const predictions = new Int32Array(n);
  const counts = new Int32Array(n * classes);
  const payload = new Int32Array(size);
  let correct = 0;
  let wraps = 0;
  for (let s = 0; s < n; s++) {
    encodeInput(q, data.x.subarray(s * size, (s + 1) * size), payload);
    const r = net.run(payload, timeSteps, options);
    const out = r.counts[r.counts.length - 1];
    counts.set(out, s * classes);
    predictions[s] = argmax(out);
    if (predictions[s] === data.y[s]) correct++;
    wraps += r.wraps;
    if (options.onProgress && (s % 200 === 199 || s === n - 1)) options.onProgress(s + 1, n);
  }
  return { accuracy: n ? correct / n : 0, predictions, counts, wraps, samples: n };
}

/**
 * Float predictions of a spikeflow model with direct encoding (the input repeated for T steps),
 * classified by output spike counts; evaluated in batches in eval mode.
 *
 * @example
 * ```ts
 * const { accuracy } = evaluateFloat(model, { x, y, sampleShape: [28, 28, 1] }, 8);
 * ```
 */
export function evaluateFloat(model: Module, data: LabelledSamples, timeSteps: number, batchSize = 256): { accuracy: number; predictions: Int32Array; counts: Float32Array } {
  const size = sampleSize(data.sampleShape);
  const n = data.y.length;
  model.eval();
  const predictions = new Int32Array(n);
  let classes = 0;
  const chunks: Float32Array[] = [];
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const summed = tf.tidy(() => {
      const x = tf.tensor(data.x.subarray(start * size, (start + b) * size), [b, ...data.sampleShape]);
      const xs = tf.tile(tf.expandDims(x, 0), [timeSteps, ...new Array(data.sampleShape.length + 1).fill(1)]);
      const out = model.forward(xs);
      return tf.sum(out, 0);
    });
    const c = summed.dataSync() as Float32Array;
    classes = summed.shape[1] as number;
    summed.dispose();
    chunks.push(Float32Array.from(c));
    for (let i = 0; i < b; i++) {
      predictions[start + i] = argmax(c.subarray(i * classes, (i + 1) * classes));
      if (predictions[start + i] === data.y[start + i]) correct++;
    }
  }
  model.resetState();
  const counts = new Float32Array(n * classes);
  let off = 0;
  for (const c of chunks) {
    counts.set(c, off);
    off += c.length;
  }
  return { accuracy: n ? correct / n : 0, predictions, counts };
}
