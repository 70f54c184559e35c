import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import { estimateTrainingMemory, type TrainingMemoryEstimate, type TrainingMemoryInput } from './estimate-training-memory.js';
import { formatBytes } from './wasm-heap-guard.js';

const bytes = (n: number) => `${formatBytes(n)} (${Math.round(n)} bytes)`;

/**
 * Refuse, before training starts, a run whose training step cannot fit in the backend's memory
 * ({@link estimateTrainingMemory}): throws an `out-of-memory` SpikeflowError naming the estimate,
 * the limit and the largest batch size that would fit; returns the estimate when it fits.
 *
 * @example
 * ```ts
 * await checkTrainingMemory(model, { stepShape: [28, 28, 1], timeSteps: config.timeSteps, batchSize: config.batchSize });
 * ```
 */
export async function checkTrainingMemory(model: Module, input: TrainingMemoryInput): Promise<TrainingMemoryEstimate> {
  const e = await estimateTrainingMemory(model, input);
  if (e.fits) return e;
  const { timeSteps: T, batchSize: B } = input;
  const fitsAt = e.maxBatchSize >= 1 ? `batch size ${e.maxBatchSize} would fit at T=${T}` : `not even batch size 1 fits at T=${T}`;
  const what =
    e.totalBytes > e.limitBytes
      ? `${input.backward === false ? 'evaluating one batch' : 'one training step'} at batch size ${B} and T=${T} needs about ${bytes(e.totalBytes)}: ${formatBytes(e.bytesPerSampleStep)} per sample and time step ` +
        `(${bytes(e.bytesPerSampleStep * T * B)} in all), ${formatBytes(e.fixedBytes)} that does not grow, and ${formatBytes(e.heldBytes)} of parameters and optimizer state; ` +
        `the ${e.backend} backend holds at most ${bytes(e.limitBytes)}`
      : `at batch size ${B} and T=${T} one activation tensor would take ${bytes(e.largestTensorBytes)}; the ${e.backend} backend allocates at most ${bytes(e.blockLimitBytes)} in one tensor`;
  throw new SpikeflowError('out-of-memory', `${what} (${fitsAt}). Lower the batch size, the number of time steps T or the model width`, {
    ...e,
    timeSteps: T,
    batchSize: B,
  });
}
