import { join } from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { Adam, BaseNode, Flatten, Linear, Sequential, Trainer, manualSeed, mseRateLoss, tf, type SurrogateFunction, type Tensor } from '@spikeflow/core';
import { eventFramesEncoder } from './event-frames-encoder.js';
import { EventFrameLoader } from '../event-dataset/event-frame-loader.js';
import { FrameDataset } from '../event-dataset/frame-dataset.js';
import { FrameCache } from '../frames/frame-cache.js';
import type { TestEvent } from '../test-utils/event-writers.js';
import { buildTestCache, writeNmnistSources } from '../test-utils/frame-cache-fixtures.js';

// Sigmoid surrogate (alpha 4), written out here so the test needs no neuron plugin.
const sigmoid: SurrogateFunction = {
  primitive: (x: Tensor) => tf.sigmoid(tf.mul(x, 4)),
  derivative: (x: Tensor) =>
    tf.tidy(() => {
      const s = tf.sigmoid(tf.mul(x, 4));
      return tf.mul(tf.mul(s, tf.sub(1, s)), 4);
    }),
} as unknown as SurrogateFunction;

class IFNode extends BaseNode {
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }
}

describe('eventFramesEncoder', () => {
  it('moves time first: [B, T, H, W, C] -> [T, B, H, W, C]', () => {
    const x = tf.tensor(
      Float32Array.from({ length: 2 * 3 * 2 * 2 * 1 }, (_, i) => i),
      [2, 3, 2, 2, 1],
    );
    const y = eventFramesEncoder().encode(x, { timeSteps: 3, sampleIndices: [0, 1], epoch: 0, seed: 0 });
    expect(y.shape).toEqual([3, 2, 2, 2, 1]);
    const xa = x.arraySync() as number[][][][][];
    const ya = y.arraySync() as number[][][][][];
    expect(ya[2]![1]).toEqual(xa[1]![2]);
    expect(() => eventFramesEncoder().encode(x, { timeSteps: 4, sampleIndices: [0, 1], epoch: 0, seed: 0 })).toThrow(/T=4/);
    expect(eventFramesEncoder().stepShape([16, 128, 128, 2])).toEqual([128, 128, 2]);
    expect(eventFramesEncoder().framesPerSample([16, 128, 128, 2])).toBe(16);
  });

  it('trains a small spiking network on cached event frames through EventFrameLoader', async () => {
    // Two classes: events in the left or the right half of an 8x4 sensor.
    const dir = await tempDir();
    const samples = Array.from({ length: 16 }, (_, i) => {
      const label = i % 2;
      const events: TestEvent[] = [];
      for (let k = 0; k < 60; k++) events.push({ t: k * 10, x: label * 4 + ((k * 7 + i) % 4), y: (k + i) % 4, p: k & 1 });
      return { events, label };
    });
    const sources = await writeNmnistSources(dir, samples);
    const r = await buildTestCache(join(dir, 'c'), { dataset: 'halves', split: 'train', pipeline: { width: 8, height: 4, split: { by: 'number', frames: 4 } } }, sources);
    const ds = new FrameDataset({ name: 'halves', split: 'train', cache: FrameCache.open(r.dir), numClasses: 2, binary: true });
    manualSeed(0);
    const model = new Sequential(
      new Flatten(),
      new Linear(
        eventFramesEncoder()
          .stepShape(ds.sampleShape)
          .reduce((a, b) => a * b, 1),
        2,
      ),
      new IFNode({ surrogate: sigmoid }),
    );
    const trainer = new Trainer({
      model,
      optimizer: new Adam(model.namedParameters(), { lr: 0.05 }),
      encoder: eventFramesEncoder(),
      loss: mseRateLoss(),
      timeSteps: eventFramesEncoder().framesPerSample(ds.sampleShape),
      numClasses: 2,
      seed: 0,
    });
    const loader = new EventFrameLoader({ dataset: ds, batchSize: 8, seed: 1 });
    const before = await trainer.evaluate(new EventFrameLoader({ dataset: ds, batchSize: 16, shuffle: false }));
    for (let epoch = 0; epoch < 15; epoch++) for await (const b of loader.batches(epoch)) trainer.trainStep(b, epoch);
    const after = await trainer.evaluate(new EventFrameLoader({ dataset: ds, batchSize: 16, shuffle: false }));
    expect(after.accuracy).toBe(1);
    expect(after.loss).toBeLessThan(before.loss);
  });
});
