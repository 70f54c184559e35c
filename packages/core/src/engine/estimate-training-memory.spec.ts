// The up-front training-memory estimate against the memory a real training step at the full size
// takes (measured with tf.profile), and the refusal of a run that cannot fit, before it starts.
import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { BatchNorm2d } from '../nn/batch-norm.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { sigmoidSurrogate, TestIF } from '../test-utils/fixtures.js';
import { manualSeed } from '../util/seed.js';
import { checkTrainingMemory } from './check-training-memory.js';
import { estimateTrainingMemory } from './estimate-training-memory.js';
import { tf } from './tf.js';
import { WASM_HEAP_MAX_BYTES } from './wasm-heap-guard.js';

function convNet() {
  manualSeed(3);
  const bn = new BatchNorm2d(8);
  const model = new Sequential(
    new Conv2d(1, 8, 3, { padding: 1 }),
    bn,
    new TestIF({ surrogate: sigmoidSurrogate() }),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(8 * 7 * 7, 10),
    new TestIF({ surrogate: sigmoidSurrogate() }),
  );
  return { model, bn };
}

/** Peak tensor bytes one real training step (training mode, batch statistics; or an eval-mode forward) adds at [T, B, 14, 14, 1]. */
async function measuredStep(model: Sequential, T: number, B: number, backward = true): Promise<number> {
  const before = tf.memory().numBytes;
  const params = model.parameters().filter((p) => p.trainable);
  const info = await tf.profile(() => {
    tf.tidy(() => {
      model.resetState();
      const x = tf.randomUniform([T, B, 14, 14, 1], 0, 2, 'float32', 5);
      if (backward) tf.variableGrads(() => tf.sum(model.forward(x)) as tf.Scalar, params);
      else model.forward(x);
    });
    model.resetState();
    return [];
  });
  return info.peakBytes - before;
}

describe('estimateTrainingMemory', () => {
  it('extrapolates two dry steps to within 25 % of a real step at T=6, batch 24', async () => {
    const { model } = convNet();
    const e = await estimateTrainingMemory(model, { stepShape: [14, 14, 1], timeSteps: 6, batchSize: 24 });
    const real = await measuredStep(model, 6, 24);
    expect(real).toBeGreaterThan(0);
    expect(Math.abs(e.stepBytes - real) / real, `estimated ${e.stepBytes} vs measured ${real}`).toBeLessThan(0.25);
    // Per sample and step at least the input and the conv's [14, 14, 8] output and spikes.
    expect(e.bytesPerSampleStep).toBeGreaterThan(4 * (14 * 14 + 2 * 14 * 14 * 8));
    expect(e.fits).toBe(true);
    model.dispose();
  });

  it('forward only (evaluation): within 25 % of a real eval-mode forward at T=5, batch 40, and less than a training step', async () => {
    const { model } = convNet();
    const input = { stepShape: [14, 14, 1], timeSteps: 5, batchSize: 40 };
    const train = await estimateTrainingMemory(model, input);
    const evaluation = await estimateTrainingMemory(model, { ...input, backward: false });
    model.eval();
    const real = await measuredStep(model, 5, 40, false);
    model.train();
    expect(Math.abs(evaluation.stepBytes - real) / real, `estimated ${evaluation.stepBytes} vs measured ${real}`).toBeLessThan(0.25);
    expect(evaluation.bytesPerSampleStep).toBeLessThan(train.bytesPerSampleStep);
    model.dispose();
  });

  it('changes no running statistics and keeps the training mode', async () => {
    const { model, bn } = convNet();
    const mean = bn.runningMean.dataSync().slice();
    const variance = bn.runningVar.dataSync().slice();
    const before = tf.memory().numTensors;
    await estimateTrainingMemory(model, { stepShape: [14, 14, 1], timeSteps: 4, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    expect(Array.from(bn.runningMean.dataSync())).toEqual(Array.from(mean));
    expect(Array.from(bn.runningVar.dataSync())).toEqual(Array.from(variance));
    model.dispose();
  });
});

describe('checkTrainingMemory', () => {
  it('refuses timeSteps 100000 before training, with the estimate, the limit and a batch size that fits', async () => {
    const { model } = convNet();
    let error: unknown;
    try {
      await checkTrainingMemory(model, { stepShape: [14, 14, 1], timeSteps: 100_000, batchSize: 128 });
    } catch (e) {
      error = e;
    }
    expect(SpikeflowError.is(error, 'out-of-memory'), String(error)).toBe(true);
    const e = error as SpikeflowError;
    const d = e.details as { totalBytes: number; limitBytes: number; maxBatchSize: number };
    if (tf.getBackend() === 'wasm') expect(d.limitBytes).toBe(WASM_HEAP_MAX_BYTES);
    expect(d.totalBytes).toBeGreaterThan(d.limitBytes);
    // The input alone is 100000 · 128 · 196 floats.
    expect(d.totalBytes).toBeGreaterThan(4 * 100_000 * 128 * 196);
    expect(e.message).toContain('T=100000');
    expect(e.message).toContain('batch size 128');
    expect(e.message).toContain(`(${d.limitBytes} bytes)`);
    expect(e.message).toContain(`(${Math.round(d.totalBytes)} bytes)`);
    expect(e.message).toMatch(/Lower the batch size, the number of time steps T or the model width/);
    expect(d.maxBatchSize).toBeLessThan(128);
    model.dispose();
  });

  it('lets a run that fits through and returns its estimate', async () => {
    const { model } = convNet();
    const e = await checkTrainingMemory(model, { stepShape: [14, 14, 1], timeSteps: 4, batchSize: 16 });
    expect(e.fits).toBe(true);
    expect(e.totalBytes).toBeLessThan(e.limitBytes);
    model.dispose();
  });
});
