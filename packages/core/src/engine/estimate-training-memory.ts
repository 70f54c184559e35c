import os from 'node:os';
import type { Module } from '../nn/module.js';
import { tf } from './tf.js';
import { WASM_HEAP_MAX_BYTES, WASM_MAX_BLOCK_BYTES } from './wasm-heap-guard.js';

/** What one training step processes. */
export interface TrainingMemoryInput {
  /** One sample at one time step, without T and batch (e.g. `[28, 28, 1]`). */
  readonly stepShape: readonly number[];
  readonly timeSteps: number;
  readonly batchSize: number;
  /** Count the backward pass (training, the default) or only the forward pass (evaluation). */
  readonly backward?: boolean;
}

/** The memory one BPTT training step needs, next to what the current backend can hold. */
export interface TrainingMemoryEstimate {
  /** Peak bytes of tensors one step adds (input, saved activations of all T steps, gradients). */
  readonly stepBytes: number;
  /** Of which: bytes per sample and time step (the part that grows with batch size and T). */
  readonly bytesPerSampleStep: number;
  /** Of which: bytes that do not grow with batch size or T (weight gradients, per-step weight transforms). */
  readonly fixedBytes: number;
  /** Tensor bytes held before the step, plus two optimizer slots per parameter (Adam's moments) not yet made. */
  readonly heldBytes: number;
  /** `heldBytes + stepBytes`: what must fit in {@link limitBytes}. */
  readonly totalBytes: number;
  /** The largest single activation tensor of the step. */
  readonly largestTensorBytes: number;
  /** What the backend can hold in all: the wasm heap's maximum, else the machine's memory. */
  readonly limitBytes: number;
  /** The largest single tensor the backend can allocate. */
  readonly blockLimitBytes: number;
  readonly backend: string;
  /** Both limits respected. */
  readonly fits: boolean;
  /**
   * The largest batch size at this T whose estimate stays within {@link HEADROOM} of both limits
   * (room for the estimate's error and the heap's fragmentation); 0 when not even 1 does.
   */
  readonly maxBatchSize: number;
}

/** The share of a backend's limits {@link TrainingMemoryEstimate.maxBatchSize} plans to use. */
export const HEADROOM = 0.8;

interface Probe {
  /** Peak tensor bytes the step added. */
  readonly peak: number;
  /** Largest output of a kernel whose leading dimensions are time × batch, bytes per sample-step. */
  readonly largestPerSampleStep: number;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A second batch size with which activations are told apart from weights by their leading dimension (a prime few kernels have). */
const PROBE_BATCH = 13;

/** One step (forward, loss = sum of the output, backward to every parameter unless not `backward`) on ones of shape [t, b, ...stepShape]. */
async function probe(model: Module, stepShape: readonly number[], t: number, b: number, backward: boolean): Promise<Probe> {
  const params = model.parameters().filter((p) => p.trainable);
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => {
    try {
      tf.tidy(() => {
        model.resetState();
        const x = tf.fill([t, b, ...stepShape], 1, 'float32');
        // (Without parameters there is nothing to differentiate: the forward is the step.)
        if (backward && params.length) tf.variableGrads(() => tf.sum(model.forward(x)) as tf.Scalar, params);
        else model.forward(x);
      });
    } finally {
      model.resetState();
    }
    return [];
  });
  let largest = 0;
  for (const k of info.kernels) {
    for (const shape of k.outputShapes) {
      const folded = shape[0] === t * b && t * b > 1;
      const timeFirst = shape[0] === t && shape[1] === b;
      if (folded || timeFirst) largest = Math.max(largest, (4 * sizeOf(shape)) / (t * b));
    }
  }
  return { peak: Math.max(0, info.peakBytes - before), largestPerSampleStep: largest };
}

/**
 * Estimate the memory one BPTT training step of `model` needs for `timeSteps` × `batchSize`
 * samples, without running it at that size: two dry steps at T = 1 (or the model's own T when it
 * only accepts that) with batch 1 and 13 measure the bytes per sample and time step and the part that
 * does not grow; their sum at the real size is compared with the backend's limits. The dry steps run
 * in eval mode on constant inputs, so they change no running statistics and draw no random numbers.
 *
 * @example
 * ```ts
 * const e = await estimateTrainingMemory(model, { stepShape: [28, 28, 1], timeSteps: 8, batchSize: 64 });
 * if (!e.fits) console.log(`needs ${e.totalBytes} bytes, the backend holds ${e.limitBytes}`);
 * ```
 */
export async function estimateTrainingMemory(model: Module, input: TrainingMemoryInput): Promise<TrainingMemoryEstimate> {
  const { stepShape, timeSteps, batchSize } = input;
  const backward = input.backward ?? true;
  const wasTraining = model.training;
  model.eval();
  let small: Probe;
  let big: Probe;
  let t = 1;
  try {
    try {
      small = await probe(model, stepShape, t, 1, backward);
    } catch (e) {
      // Layers with per-step parameters (TEBN, BNTT, PSN) accept only the T they were built for.
      if (timeSteps === 1) throw e;
      t = timeSteps;
      small = await probe(model, stepShape, t, 1, backward);
    }
    big = await probe(model, stepShape, t, PROBE_BATCH, backward);
  } finally {
    model.train(wasTraining);
  }
  const bytesPerSampleStep = Math.max(0, (big.peak - small.peak) / ((PROBE_BATCH - 1) * t));
  const fixedBytes = Math.max(0, small.peak - bytesPerSampleStep * t);
  const stepBytes = fixedBytes + bytesPerSampleStep * timeSteps * batchSize;
  const paramBytes = model.parameters().reduce((a, p) => a + 4 * p.size, 0);
  const heldBytes = tf.memory().numBytes + 2 * paramBytes;
  const largestPerSampleStep = Math.max(big.largestPerSampleStep, 4 * sizeOf(stepShape));
  const largestTensorBytes = largestPerSampleStep * timeSteps * batchSize;
  const backend = tf.getBackend();
  const limitBytes = backend === 'wasm' ? WASM_HEAP_MAX_BYTES : os.totalmem();
  // Off wasm a tensor is one JS typed array: at most 2^32 elements.
  const blockLimitBytes = backend === 'wasm' ? WASM_MAX_BLOCK_BYTES : Math.min(limitBytes, 4 * 2 ** 32);
  const totalBytes = heldBytes + stepBytes;
  const byTotal = bytesPerSampleStep > 0 ? (HEADROOM * limitBytes - heldBytes - fixedBytes) / (bytesPerSampleStep * timeSteps) : Number.MAX_SAFE_INTEGER;
  const byBlock = (HEADROOM * blockLimitBytes) / (largestPerSampleStep * timeSteps);
  return {
    stepBytes,
    bytesPerSampleStep,
    fixedBytes,
    heldBytes,
    totalBytes,
    largestTensorBytes,
    limitBytes,
    blockLimitBytes,
    backend,
    fits: totalBytes <= limitBytes && largestTensorBytes <= blockLimitBytes,
    maxBatchSize: Math.max(0, Math.floor(Math.min(byTotal, byBlock))),
  };
}
